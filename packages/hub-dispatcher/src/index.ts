// The public surface of @msa/hub-dispatcher. Explicit named exports only (STYLE.md rule 1).

export { startHub } from './main.js';
export type { HubHandle, StartHubOptions } from './main.js';

export { loadHubConfig, parseArgs, readProcessInputs, HUB_SETTINGS } from './config/hub-config.js';
export type { HubConfigResult, ParsedArgs, ProcessInputs } from './config/hub-config.js';

export { buildHubApp } from './http/build-hub-app.js';
export type { HubApp, HubAppDeps } from './http/build-hub-app.js';
export { toErrorBody } from './http/error-handling.js';
export { authorizeWorker, bearerToken } from './http/worker-auth.js';
export { checkBasicAuth } from './http/ops-routes.js';

export { createKubeConfig } from './k8s/kube-config.js';
export type { KubeConfigSource } from './k8s/kube-config.js';
export { KubeRest, PatchType } from './k8s/kube-rest.js';
export { KubeApiError } from './k8s/kube-api-error.js';
export { installCrds, requireCrds, readCrdStates, missingCrdMessage, REQUIRED_CRDS } from './k8s/crds.js';
export { registerCluster, formatRegistration } from './k8s/register-cluster.js';
export type { Registration, RegisterClusterInput, RegistrationOutput } from './k8s/register-cluster.js';
export { buildTokenSecret } from './k8s/token-secret-writer.js';
export { statusAfterTokenReport, statusWithCondition } from './k8s/msa-status-writer.js';
export { WORKER_LEASE_NAME, ANNOTATION_AGENT_NAMESPACE } from './k8s/worker-lease.js';
export { EVENT_SOURCE } from './k8s/msa-events.js';
export { EVENT_TOKEN_LIFETIME_SHORTENED } from './controller/hub-api-service.js';

export { planMsa } from './planner/plan-msa.js';
export type { MsaPlan, MsaPlanInput } from './planner/plan-msa.js';
export { isRevalidationDue, revalidationOffsetMs } from './planner/revalidation-schedule.js';

export { ClusterQueues, EnqueueKind, JOB_BACKOFF_TYPE } from './queue/cluster-queues.js';
export { DeadLetters, DEAD_LETTER_QUEUE, DEAD_LETTER_JOB } from './queue/dead-letters.js';
export type { DeadLetterData, DeadLetterView } from './queue/dead-letters.js';
export { HubMetrics } from './metrics/hub-metrics.js';
