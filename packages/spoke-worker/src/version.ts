/** Version reported in heartbeats; kept in step with package.json. */
export const WORKER_VERSION = '0.1.0';
