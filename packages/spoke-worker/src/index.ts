export {
  startWorker,
  WorkerStartError,
  type RunningWorker,
  type StartWorkerOptions,
} from './start-worker.js';
export {
  loadWorkerConfig,
  WORKER_SETTINGS,
  type LoadWorkerConfigResult,
} from './config/load-worker-config.js';
export {
  createProcessor,
  expectedSubject,
  type ProcessorDeps,
  type ProcessableJob,
  type ReconcileResult,
  type DeleteResult,
  type SweepResult,
  type WorkerLogger,
} from './queue/processor.js';
export { KeyedMutex } from './queue/keyed-mutex.js';
export { isRedisCredentialError } from './queue/redis-errors.js';
export { SpokeClient, type SpokeOperations, type SpokeConnection } from './k8s/spoke-client.js';
export { KubeError, KubeErrorKind, toKubeError } from './k8s/kube-error.js';
export {
  HubClient,
  HubRequestError,
  type HubOperations,
  type HubClientOptions,
} from './hub-client/hub-client.js';
export { CredentialKeeper } from './hub-client/credential-keeper.js';
export { WORKER_VERSION } from './version.js';
