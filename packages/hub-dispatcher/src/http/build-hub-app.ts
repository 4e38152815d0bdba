import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { installErrorHandling } from './error-handling.js';
import { registerOpsRoutes, type DashboardHandle, type OpsRoutesDeps } from './ops-routes.js';
import { registerWorkerRoutes, type WorkerRoutesDeps } from './worker-routes.js';

/** Everything the hub HTTP app needs. */
export interface HubAppDeps extends WorkerRoutesDeps, Omit<OpsRoutesDeps, 'logger' | 'metrics'> {
  logger: Logger;
  /** TLS key and certificate (PEM); plain HTTP when absent (tests with `app.inject()`). */
  https?: { key: string | Buffer; cert: string | Buffer } | undefined;
  /** Largest accepted body in bytes; default 1 MiB. */
  bodyLimit?: number;
}

/** The app and the dashboard handle (to add cluster queues as they appear). */
export interface HubApp {
  app: FastifyInstance;
  dashboard: DashboardHandle | undefined;
}

/**
 * Builds the hub API (fastify + TypeBox) without listening, so tests use `app.inject()` and
 * `main` decides where to listen.
 */
export async function buildHubApp(deps: HubAppDeps): Promise<HubApp> {
  const options: FastifyServerOptions & { https?: { key: string | Buffer; cert: string | Buffer } } = {
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // Request lines would repeat what the route metrics say; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Strict schemas: no silent removal of unknown fields, no "42" for a number (a malformed
    // report must be a 400, never a partial write).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    ...(deps.https === undefined ? {} : { https: deps.https }),
  };
  const app = Fastify(options) as unknown as FastifyInstance;
  installErrorHandling(app);
  await registerWorkerRoutes(app, deps);
  const dashboard = await registerOpsRoutes(app, { ...deps, logger: deps.logger });
  await app.ready();
  return { app, dashboard };
}
