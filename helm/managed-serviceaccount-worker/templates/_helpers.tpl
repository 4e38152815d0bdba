{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "msa-worker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "msa-worker.fullname" -}}
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

{{- define "msa-worker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "msa-worker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: spoke-worker
{{- end }}

{{- define "msa-worker.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "msa-worker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: managed-serviceaccount
{{- end }}

{{- define "msa-worker.serviceAccountName" -}}
{{- default (include "msa-worker.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/* Namespace of the managed ServiceAccounts: agentNamespace, else the release namespace. */}}
{{- define "msa-worker.agentNamespace" -}}
{{- default .Release.Namespace .Values.agentNamespace }}
{{- end }}

{{- define "msa-worker.redisSecretName" -}}
{{- if .Values.redis.existingSecret }}
{{- .Values.redis.existingSecret }}
{{- else }}
{{- printf "%s-redis" (include "msa-worker.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "msa-worker.redisSecretKey" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecretKey }}{{ else }}redis-url{{ end }}
{{- end }}

{{- define "msa-worker.credentialSecretName" -}}
{{- if .Values.hub.credential.existingSecret }}
{{- .Values.hub.credential.existingSecret }}
{{- else }}
{{- printf "%s-hub-credential" (include "msa-worker.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "msa-worker.credentialSecretKey" -}}
{{- if .Values.hub.credential.existingSecret }}{{ .Values.hub.credential.key }}{{ else }}token{{ end }}
{{- end }}

{{- define "msa-worker.hasCa" -}}
{{- if or .Values.hub.ca.pem .Values.hub.ca.existingConfigMap }}true{{ end }}
{{- end }}

{{- define "msa-worker.caConfigMapName" -}}
{{- if .Values.hub.ca.existingConfigMap }}
{{- .Values.hub.ca.existingConfigMap }}
{{- else }}
{{- printf "%s-hub-ca" (include "msa-worker.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "msa-worker.caKey" -}}
{{- if .Values.hub.ca.existingConfigMap }}{{ .Values.hub.ca.key }}{{ else }}ca.crt{{ end }}
{{- end }}

{{/* Fails with a message naming the values when a one-of-two setting is missing or doubled. */}}
{{- define "msa-worker.validate" -}}
{{- if and (not .Values.redis.url) (not .Values.redis.existingSecret) }}
{{- fail "redis: set redis.url (a redis:// or rediss:// URL) or redis.existingSecret (a Secret holding it under redis.existingSecretKey)" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "redis: set only one of redis.url and redis.existingSecret" }}
{{- end }}
{{- if and (not .Values.hub.credential.token) (not .Values.hub.credential.existingSecret) }}
{{- fail "hub.credential: set hub.credential.token (printed by `msa-hub register-cluster`) or hub.credential.existingSecret" }}
{{- end }}
{{- if and .Values.hub.credential.token .Values.hub.credential.existingSecret }}
{{- fail "hub.credential: set only one of hub.credential.token and hub.credential.existingSecret" }}
{{- end }}
{{- if and .Values.hub.ca.pem .Values.hub.ca.existingConfigMap }}
{{- fail "hub.ca: set only one of hub.ca.pem and hub.ca.existingConfigMap" }}
{{- end }}
{{- if and .Values.createAgentNamespace (eq (include "msa-worker.agentNamespace" .) .Release.Namespace) }}
{{- fail "createAgentNamespace: the agent namespace is the release namespace; create it with `helm install --create-namespace` instead" }}
{{- end }}
{{- end }}
