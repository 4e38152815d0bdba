{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "msa-hub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "msa-hub.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "msa-hub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "msa-hub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: hub-dispatcher
{{- end }}

{{- define "msa-hub.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "msa-hub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: managed-serviceaccount
{{- end }}

{{- define "msa-hub.serviceAccountName" -}}
{{- default (include "msa-hub.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/* Secret holding the Redis URL: the user's, or the one this chart renders from redis.url. */}}
{{- define "msa-hub.redisSecretName" -}}
{{- if .Values.redis.existingSecret }}
{{- .Values.redis.existingSecret }}
{{- else }}
{{- printf "%s-redis" (include "msa-hub.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "msa-hub.redisSecretKey" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecretKey }}{{ else }}redis-url{{ end }}
{{- end }}

{{/* Fails with a message naming the values when no Redis URL is configured. */}}
{{- define "msa-hub.validate" -}}
{{- if and (not .Values.redis.url) (not .Values.redis.existingSecret) }}
{{- fail "redis: set redis.url (a redis:// or rediss:// URL) or redis.existingSecret (a Secret holding it under redis.existingSecretKey)" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "redis: set only one of redis.url and redis.existingSecret" }}
{{- end }}
{{- end }}
