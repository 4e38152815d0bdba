import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ClusterNameParamsSchema,
  ClusterParamsSchema,
  CredentialRequestSchema,
  CredentialResponseSchema,
  ErrorBodySchema,
  FailureReportResponseSchema,
  FailureReportSchema,
  HUB_API_PREFIX,
  HeartbeatResponseSchema,
  HeartbeatSchema,
  MsaListResponseSchema,
  TokenReadResponseSchema,
  TokenReportResponseSchema,
  TokenReportSchema,
} from '@msa/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubApiService } from '../controller/hub-api-service.js';
import type { TokenReviewer } from '../k8s/token-reviewer.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';
import { authenticateWorker, type WorkerIdentity } from './worker-auth.js';

/** What the worker routes need. */
export interface WorkerRoutesDeps {
  service: HubApiService;
  reviewer: TokenReviewer;
  workerServiceAccountName: string;
  metrics: HubMetrics;
}

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
};

/**
 * The `/v1/clusters/:cluster/...` routes used by spoke workers. Authentication runs first
 * (onRequest, before the body is even parsed), so a forged token or another cluster's token
 * never causes a read or a write.
 */
export async function registerWorkerRoutes(root: FastifyInstance, deps: WorkerRoutesDeps): Promise<void> {
  // An encapsulated context, so the authentication hook covers only these routes.
  await root.register((scope, _opts, done) => {
    workerRoutes(scope, deps);
    done();
  });
}

function workerRoutes(scope: FastifyInstance, deps: WorkerRoutesDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const identities = new WeakMap<FastifyRequest, WorkerIdentity>();

  // One count per request: route = last path segment of the route (tokens, failures, heartbeat,
  // managedserviceaccounts, token, credential); result = ok or the HTTP status.
  app.addHook('onResponse', (request, reply, done) => {
    const route = (request.routeOptions.url ?? 'unknown').split('/').pop() ?? 'unknown';
    deps.metrics.reports.inc({ route, result: reply.statusCode < 400 ? 'ok' : String(reply.statusCode) });
    done();
  });

  app.addHook('onRequest', async (request) => {
    const cluster = (request.params as { cluster?: string } | undefined)?.cluster ?? '';
    identities.set(
      request,
      await authenticateWorker(
        deps.reviewer,
        request.headers.authorization,
        cluster,
        deps.workerServiceAccountName,
      ),
    );
  });

  // An empty POST body (e.g. a credential renewal with defaults) is an empty object.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.method === 'POST' && (request.body === undefined || request.body === null)) request.body = {};
    done();
  });

  const p = `${HUB_API_PREFIX}/clusters/:cluster`;

  app.post(
    `${p}/tokens`,
    {
      schema: {
        params: ClusterParamsSchema,
        body: TokenReportSchema,
        response: { 200: TokenReportResponseSchema, ...errors },
      },
    },
    async (request) => {
      const out = await deps.service.reportToken(request.params.cluster, request.body);
      return out;
    },
  );

  app.post(
    `${p}/failures`,
    {
      schema: {
        params: ClusterParamsSchema,
        body: FailureReportSchema,
        response: { 200: FailureReportResponseSchema, ...errors },
      },
    },
    async (request) => {
      await deps.service.reportFailure(request.params.cluster, request.body);
      return { recorded: true as const };
    },
  );

  app.post(
    `${p}/heartbeat`,
    {
      schema: {
        params: ClusterParamsSchema,
        body: HeartbeatSchema,
        response: { 200: HeartbeatResponseSchema, ...errors },
      },
    },
    async (request) => {
      const identity = identities.get(request);
      const out = await deps.service.heartbeat(
        request.params.cluster,
        request.body,
        identity?.credentialExpiresAt,
      );
      return out;
    },
  );

  app.get(
    `${p}/managedserviceaccounts`,
    { schema: { params: ClusterParamsSchema, response: { 200: MsaListResponseSchema, ...errors } } },
    (request) => {
      const out = deps.service.listMsas(request.params.cluster);
      return Promise.resolve(out);
    },
  );

  app.get(
    `${p}/managedserviceaccounts/:name/token`,
    { schema: { params: ClusterNameParamsSchema, response: { 200: TokenReadResponseSchema, ...errors } } },
    async (request) => {
      const out = await deps.service.readToken(request.params.cluster, request.params.name);
      return out;
    },
  );

  app.post(
    `${p}/credential`,
    {
      schema: {
        params: ClusterParamsSchema,
        body: CredentialRequestSchema,
        response: { 200: CredentialResponseSchema, ...errors },
      },
    },
    async (request) => {
      const out = await deps.service.renewCredential(request.params.cluster, request.body.expirationSeconds);
      return out;
    },
  );
}
