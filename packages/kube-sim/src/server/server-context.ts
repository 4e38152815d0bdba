import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceService } from '../api/service/resource-service.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { RbacAuthorizer } from '../auth/rbac.js';
import type { TokenIssuer } from '../auth/token-issuer.js';
import type { FaultController } from '../faults/fault-controller.js';
import type { RequestCounters } from '../faults/request-counters.js';
import type { ObjectStore } from '../store/object-store.js';
import type { WatchHub } from './watch-hub.js';

/** Everything request handlers of one cluster share. */
export interface ServerContext {
  name: string;
  store: ObjectStore;
  registry: ResourceRegistry;
  service: ResourceService;
  authenticator: Authenticator;
  authorizer: RbacAuthorizer | undefined;
  issuer: TokenIssuer;
  faults: FaultController;
  counters: RequestCounters;
  watches: WatchHub;
  adminToken: string;
  /** host:port clients use, for /api serverAddressByClientCIDRs. */
  serverAddress: () => string;
  /** Interval of periodic watch bookmarks in ms (real servers: about a minute). */
  bookmarkIntervalMs: number;
}
