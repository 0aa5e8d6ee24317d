import type Router from '@koa/router';
import Koa from 'koa';
import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import type { LoginThrottleOptions } from './auth/login-throttle.js';
import type { CredentialCache } from './auth/credential-cache.js';
import { SessionStore, type SessionLimits } from './auth/sessions.js';
import { MethodNotAllowed } from './errors/index.js';
import { authRoutes } from './http/auth.routes.js';
import { authenticate } from './http/authenticate.middleware.js';
import type { AppState } from './http/context.js';
import { errorHandler } from './http/error-handler.middleware.js';
import { accessRoutes } from './http/access.routes.js';
import { approvalRoutes } from './http/approvals.routes.js';
import { attachmentRoutes } from './http/attachments.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { workflowRoutes } from './http/workflows.routes.js';
import { eventRoutes } from './http/events.routes.js';
import { meRoutes } from './http/me.routes.js';
import { searchRoutes } from './http/search.routes.js';
import { metadataRoutes, type MetadataRouteDeps } from './http/metadata.routes.js';
import { notificationRoutes } from './http/notifications.routes.js';
import { openapiRoutes } from './http/openapi.routes.js';
import { packageRoutes } from './http/packages.routes.js';
import { recordRoutes } from './http/records.routes.js';
import { recordIoRoutes } from './http/records-io.routes.js';
import { spreadsheetRoutes } from './http/spreadsheet.routes.js';
import { recordAggregateRoutes } from './http/records-aggregate.routes.js';
import { httpMetrics } from './http/metrics.middleware.js';
import type { InFlight } from './http/graceful-close.js';
import { loadShedding, userInFlight, type LoadSheddingDeps } from './http/load-shedding.middleware.js';
import { readinessGate } from './http/readiness-gate.middleware.js';
import { requestContext } from './http/request-context.middleware.js';
import { securityHeaders } from './http/security-headers.middleware.js';
import { securityRoutes } from './http/security.routes.js';
import { staticApps, type StaticApp } from './http/static-apps.js';
import { systemRoutes } from './http/system.routes.js';
import { webhookRoutes } from './http/webhooks.routes.js';
import { userRoutes } from './http/users.routes.js';
import { LiveEvents } from './live/live-events.js';
import type { Logger } from './observability/logger.js';
import { OutageLog } from './observability/outage-log.js';
import type { Metrics } from './observability/metrics.js';
import type { RunExecutorDeps } from './automation/run-executor.js';
import type { Queues } from './queues/queues.js';
import type { RecordHooks } from './records/record-hooks.js';
import type { AttachmentLimits } from './records/attachments/attachment.service.js';
import type { DependencyMonitor } from './storage/health.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  monitor: DependencyMonitor;
  inFlight: InFlight;
  db: Db;
  /** The API's command connection: login throttling, token and webhook rate limits live there. */
  redis: Redis;
  /** Prefix of this installation's Redis keys (QUEUE_PREFIX). */
  redisPrefix: string;
  queues: Queues;
  role: string;
  startedAt: Date;
  metricsToken?: string | undefined;
  apps?: StaticApp[];
  metadata: MetadataRouteDeps;
  recordHooks?: RecordHooks;
  /** SMTP and the outbound policy, for workflow dry runs (steps are planned as a worker plans them). */
  automation?: Pick<RunExecutorDeps, 'mail' | 'outbound'> | undefined;
  sessionLimits: SessionLimits;
  /** Resolved sessions and API tokens, dropped in every process when their user changes. */
  credentials: CredentialCache;
  loginThrottle?: LoginThrottleOptions | undefined;
  /** Proxies in front that set X-Forwarded-For / -Proto (Config.trustProxy); 0: trust neither. */
  trustProxy?: number | undefined;
  /** The work gate and in-flight limits (and the connection guard to tell of sign-ins). */
  load: LoadSheddingDeps;
  /** The largest attachment and the unattached uploads' TTL (Config.attachments); defaults when absent. */
  attachments?: AttachmentLimits | undefined;
}

/** One route the app serves: every layer of every router, for audits and tests. */
export interface RouteInfo {
  method: string;
  path: string;
}

/** The routers of the API, in mounting order (records I/O before records: see records-io.routes.ts). */
export function createRouters(deps: AppDeps, sessions: SessionStore, live: LiveEvents): Router<AppState>[] {
  const records = { db: deps.db, cache: deps.metadata.cache, registries: deps.metadata.toolkit.registries, hooks: deps.recordHooks };
  return [
    healthRoutes(deps.monitor, deps.metrics, deps.metricsToken, () => deps.load.gate.stats()),
    systemRoutes(deps),
    authRoutes({
      db: deps.db,
      redis: deps.redis,
      prefix: deps.redisPrefix,
      cache: deps.metadata.cache,
      sessions,
      credentials: deps.credentials,
      sessionLimits: deps.sessionLimits,
      loginThrottle: deps.loginThrottle,
    }),
    userRoutes({ db: deps.db, credentials: deps.credentials }),
    securityRoutes({ db: deps.db, credentials: deps.credentials }),
    metadataRoutes(deps.metadata),
    spreadsheetRoutes({ db: deps.db, cache: deps.metadata.cache }),
    packageRoutes({ ...deps.metadata, queue: deps.queues.jobs }),
    // Before the record routes, so that /export and /imports are not taken for record ids.
    recordIoRoutes({ ...records, queues: deps.queues }),
    recordRoutes(records),
    recordAggregateRoutes(records),
    attachmentRoutes({ ...records, limits: deps.attachments }),
    accessRoutes(records),
    workflowRoutes({ ...records, queue: deps.queues.workflows, automation: deps.automation }),
    approvalRoutes({ db: deps.db, queue: deps.queues.workflows }),
    openapiRoutes(records),
    webhookRoutes({
      db: deps.db,
      redis: deps.redis,
      redisPrefix: deps.redisPrefix,
      cache: deps.metadata.cache,
      registries: deps.metadata.toolkit.registries,
      queue: deps.queues.workflows,
    }),
    notificationRoutes({ db: deps.db }),
    meRoutes({ db: deps.db, cache: deps.metadata.cache, toolkit: deps.metadata.toolkit }),
    eventRoutes(live),
    searchRoutes(records),
  ];
}

/** Every method and path the routers answer (router-level middleware left out). */
export function listRoutes(routers: readonly Router<AppState>[]): RouteInfo[] {
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))),
  );
}

/** Wires middleware and routes into a Koa app. Wiring only: no logic lives here. */
export function createApp(deps: AppDeps): { app: Koa<AppState>; routes: RouteInfo[] } {
  const app = new Koa<AppState>();
  // Behind N proxies, the client is the Nth address from the right of X-Forwarded-For.
  app.proxy = (deps.trustProxy ?? 0) > 0;
  app.maxIpsCount = deps.trustProxy ?? 0;
  app.silent = true; // the error handler logs; Koa's default printer would duplicate

  const sessions = new SessionStore(deps.db, deps.sessionLimits);
  const live = new LiveEvents({
    db: deps.db,
    cache: deps.metadata.cache,
    registries: deps.metadata.toolkit.registries,
    logger: deps.logger,
    bus: deps.metadata.bus,
  });
  // Event streams never end on their own: close them when the server drains.
  deps.inFlight.onDrain(() => live.close());
  const routers = createRouters(deps, sessions, live);

  app.use(requestContext(deps.logger));
  app.use(securityHeaders());
  app.use(httpMetrics(deps.metrics));
  app.use(errorHandler(deps.metrics, new OutageLog(deps.logger)));
  app.use(readinessGate(deps.monitor, deps.inFlight));
  app.use(loadShedding(deps.load));
  app.use(
    authenticate({
      db: deps.db,
      cache: deps.metadata.cache,
      redis: deps.redis,
      prefix: deps.redisPrefix,
      sessions,
      credentials: deps.credentials,
    }),
  );
  app.use(userInFlight(deps.load));
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true, methodNotAllowed: () => MethodNotAllowed(), notImplemented: () => MethodNotAllowed() }));
  }
  app.use(staticApps(deps.apps ?? []));
  return { app, routes: listRoutes(routers) };
}
