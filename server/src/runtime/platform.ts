import http from 'node:http';
import path from 'node:path';
import type { MongoClient } from 'mongodb';
import type { RouteInfo } from '../app.js';
import { AuditLog } from '../audit/audit-log.js';
import { bootstrapAdmin } from '../auth/bootstrap.js';
import type { LoginThrottleOptions } from '../auth/login-throttle.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from '../auth/sessions.js';
import { ensureAuthIndexes } from '../auth/user-model.js';
import { defaultLoadLimits, type Config } from '../config/config.js';
import { startDevServices, type DevServices } from '../dev-services/dev-services.js';
import { repoRoot } from '../dev-services/paths.js';
import { ConnectionGuard } from '../http/connection-guard.js';
import { closeServer, InFlight } from '../http/graceful-close.js';
import { InFlightCounters, WorkGate } from '../http/work-gate.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { closeQueues, createQueues, queueDepths } from '../queues/queues.js';
import { RedisWipeWatch } from '../queues/redis-wipe-watch.js';
import { MetadataBus } from '../metadata/metadata-bus.js';
import { RedisChannel } from '../storage/redis-channel.js';
import { CredentialCache, DEFAULT_CREDENTIAL_CACHE } from '../auth/credential-cache.js';
import { MetadataCache } from '../metadata/metadata-cache.js';
import { MetadataRepository } from '../metadata/metadata.repository.js';
import { metadataToolkit } from '../metadata/metadata-toolkit.js';
import { createRegistries } from './registries.js';
import { OutboundPolicy } from '../net/outbound-policy.js';
import { ensureNotificationIndexes } from '../notifications/notifications.js';
import { loadPlugins, type MetacrmPlugin } from '../plugins/plugin.js';
import { OutboxRelay } from '../automation/outbox-relay.js';
import { createRecordEventSubscribers, registerRecordEventHandlers } from '../automation/record-events.js';
import { approvalLockHook, ensureApprovalIndexes } from '../automation/approvals.js';
import { runJobHandler } from '../automation/run-executor.js';
import { RunSweeper } from '../automation/run-sweeper.js';
import { scheduleCatchUp } from '../automation/schedules/schedule-catch-up.js';
import { SCHEDULE_TICK_JOB, WorkflowScheduler } from '../automation/schedules/workflow-scheduler.js';
import { triggerMatcher } from '../automation/trigger-matcher.js';
import { ensureRunIndexes } from '../automation/workflow-runs.js';
import { createRecordHooks } from '../records/record-hooks.js';
import { ensureRecordIndexes } from '../records/record-indexes.js';
import { AttachmentSweeper } from '../records/attachments/attachment-sweep.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../records/attachments/attachment.service.js';
import { ensureAttachmentIndexes } from '../records/attachments/attachment-store.js';
import { IMPORT_JOB, importJobHandler } from '../records/import/import.handler.js';
import { SEED_JOB, seedJobHandler } from '../records/seed/seed.handler.js';
import { installStandardApp } from '../records/seed/standard-app.js';
import { DependencyMonitor } from '../storage/health.js';
import { guardDb } from '../storage/guarded-db.js';
import { connectMongo, pingDatabase, replyCounter, withTimeout } from '../storage/mongo.js';
import { createRedis, pingRedis, redisReady } from '../storage/redis.js';
import { createJobHandlers, type JobHandlers } from '../queues/jobs.js';
import { startWorkers, type Workers } from '../worker/worker.js';

export interface Platform {
  /** The API's base URL, when this process serves the API. */
  url: string | undefined;
  mongoUrl: string;
  redisUrl: string;
  mongo: MongoClient;
  devServices: DevServices | undefined;
  /** Every method and path the API serves (empty for a worker). */
  routes: readonly RouteInfo[];
  /** Graceful stop: no new requests, drain in-flight ones, close workers and connections. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  config: Config;
  logger: Logger;
  /** Job handlers for the worker; plugins and domains add theirs before start. */
  handlers?: JobHandlers;
  /** Plugins to load into the registries before anything starts. */
  plugins?: readonly MetacrmPlugin[];
  /** Sign-in limits; the defaults suit production, tests shorten them. */
  sessionLimits?: SessionLimits;
  loginThrottle?: LoginThrottleOptions;
  /** Where the generated first-admin password is printed, once (the console, not the logs). */
  printSecret?: (line: string) => void;
}

/**
 * Starts what `config.role` asks for: the API, a worker, or both, and, for `all`
 * with no MONGODB_URL / REDIS_URL, the embedded database and a local Redis.
 */
export async function startPlatform({
  config,
  logger,
  handlers = createJobHandlers(),
  plugins = [],
  sessionLimits = DEFAULT_SESSION_LIMITS,
  loginThrottle,
  printSecret = (line) => process.stdout.write(`${line}\n`),
}: PlatformOptions): Promise<Platform> {
  const registries = createRegistries();
  const recordHooks = createRecordHooks();
  const recordEvents = createRecordEventSubscribers();
  await loadPlugins(plugins, { ...registries, jobs: handlers, recordHooks, recordEvents });
  const startedAt = new Date();
  const cleanup: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse().splice(0)) {
      await step().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    }
  };
  try {
    let devServices: DevServices | undefined;
    let { mongoUrl, redisUrl } = config;
    if (mongoUrl === undefined || redisUrl === undefined) {
      logger.info({ dataDir: config.dataDir }, 'starting the embedded database and Redis');
      devServices = await startDevServices(config.dataDir, {
        embeddedDb: config.embeddedDb,
        supervise: logger.child({ component: 'dev-services' }),
      });
      logger.info({ server: devServices.secantus.label, port: devServices.secantus.port }, 'embedded database running');
      cleanup.push(() => devServices!.stop());
      mongoUrl ??= devServices.mongoUrl;
      redisUrl ??= devServices.redisUrl;
    }

    const mongo = await connectMongo(mongoUrl, {
      appName: `metacrm-${config.role}`,
      slowCommandMs: config.slowCommandMs,
      logger: logger.child({ component: 'mongodb' }),
      monitorCommands: true,
    });
    cleanup.push(() => mongo.close());
    const db = mongo.db(config.database);
    // The readiness ping has a connection of its own: in the shared pool it waited behind every request.
    const pinger = await connectMongo(mongoUrl, { appName: `metacrm-${config.role}-ping`, maxPoolSize: 1 });
    cleanup.push(() => pinger.close());

    const redis = createRedis(redisUrl, 'command', logger);
    cleanup.push(() => redis.quit().catch(() => redis.disconnect()));
    if (!(await redisReady(redis, 10_000))) logger.warn('Redis is not reachable yet; starting anyway, not ready');
    const pingMs = config.healthPingTimeoutMs ?? 1000;
    const monitor = new DependencyMonitor(
      { database: () => pingDatabase(pinger.db(config.database), pingMs), redis: () => pingRedis(redis, pingMs) },
      logger,
    );
    monitor.watchProgress('database', replyCounter(mongo));
    monitor.start();
    cleanup.push(() => monitor.stop());

    await new MetadataRepository(db).ensureIndexes();
    await ensureRecordIndexes(db);
    await ensureRunIndexes(db);
    await ensureNotificationIndexes(db);
    await ensureApprovalIndexes(db);
    await ensureAttachmentIndexes(db);
    const attachments = config.attachments ?? DEFAULT_ATTACHMENT_LIMITS;
    recordHooks.register('approval-lock', approvalLockHook(db));
    const toolkit = metadataToolkit(registries);
    const cache = new MetadataCache(db);
    const subscriber = createRedis(redisUrl, 'blocking', logger, 'subscriber');
    cleanup.push(async () => subscriber.disconnect());
    const bus = new MetadataBus(new RedisChannel(redis, subscriber, `${config.queuePrefix}:metadata`, logger));
    bus.onChange(() => cache.invalidate());
    // Subscribing waits for Redis; a process may start while Redis is down and catch up.
    await withTimeout(bus.start(), 5000, 'metadata bus subscribe').catch((err: Error) =>
      logger.warn({ err: err.message }, 'metadata bus not subscribed yet'),
    );
    const credentialChannel = new RedisChannel(redis, subscriber, `${config.queuePrefix}:credentials`, logger);
    const credentials = new CredentialCache(
      { ttlMs: config.credentialCacheMs, maxEntries: DEFAULT_CREDENTIAL_CACHE.maxEntries },
      credentialChannel,
    );
    // Until subscribed, the cache holds nothing: every request reads its credential.
    await withTimeout(credentialChannel.start(), 5000, 'credential channel subscribe').catch((err: Error) =>
      logger.warn({ err: err.message }, 'credential channel not subscribed yet'),
    );

    const queues = createQueues(redis, config.queuePrefix);
    cleanup.push(() => closeQueues(queues));

    if (config.role !== 'api') {
      const blocking = createRedis(redisUrl, 'blocking', logger, 'worker');
      cleanup.push(async () => blocking.disconnect());
      handlers.register(`jobs:${IMPORT_JOB}`, importJobHandler({ cache, registries: toolkit.registries, hooks: recordHooks }));
      handlers.register(`jobs:${SEED_JOB}`, seedJobHandler({ cache, registries: toolkit.registries, hooks: recordHooks }));
      recordEvents.register('workflow-triggers', triggerMatcher({ cache, registries: toolkit.registries, queue: queues.workflows }));
      recordEvents.register('workflow-schedules', scheduleCatchUp({ cache, registries: toolkit.registries, queue: queues.workflows }));
      const scheduler = new WorkflowScheduler({
        db,
        cache,
        registries: toolkit.registries,
        queue: queues.workflows,
        redis,
        prefix: config.queuePrefix,
        logger: logger.child({ component: 'workflow-scheduler' }),
        tickMs: config.scheduleTickMs,
      });
      handlers.register(`workflows:${SCHEDULE_TICK_JOB}`, scheduler.jobHandler());
      registerRecordEventHandlers(handlers, recordEvents);
      handlers.register(
        'workflows:run',
        runJobHandler({
          registries: toolkit.registries,
          hooks: recordHooks,
          outbound: new OutboundPolicy(config.outboundAllowlist ?? []),
          mail: config.mail,
          leaseMs: config.workerLeaseMs,
        }),
      );
      const workers: Workers = startWorkers({
        connection: blocking,
        prefix: config.queuePrefix,
        db,
        logger,
        handlers,
        leaseMs: config.workerLeaseMs,
      });
      cleanup.push(() => workers.close());
      const relay = new OutboxRelay({
        db,
        queue: queues.events,
        redis,
        prefix: config.queuePrefix,
        logger: logger.child({ component: 'outbox-relay' }),
      });
      relay.start();
      cleanup.push(() => relay.stop());
      const sweeper = new RunSweeper({ db, queue: queues.workflows, logger: logger.child({ component: 'run-sweeper' }) });
      sweeper.start();
      cleanup.push(() => sweeper.stop());
      const files = new AttachmentSweeper({
        db,
        logger: logger.child({ component: 'attachment-sweep' }),
        orphanTtlMs: attachments.orphanTtlMs,
      });
      files.start();
      cleanup.push(() => files.stop());
      await scheduler.start();
      cleanup.push(() => scheduler.stop());
      // After Redis lost its data, put back at once what went with it, not when it looks stale.
      const wipes = new RedisWipeWatch({
        redis,
        prefix: config.queuePrefix,
        logger: logger.child({ component: 'redis-wipe-watch' }),
        onWipe: async () => {
          await relay.sweepOnce(0);
          await sweeper.sweepOnce(0);
          await scheduler.ensureTick(false);
        },
      });
      wipes.start();
      cleanup.push(() => wipes.stop());
    }

    let url: string | undefined;
    let routes: readonly RouteInfo[] = [];
    if (config.role !== 'worker') {
      await ensureAuthIndexes(db);
      await new AuditLog(db).ensureIndexes();
      const admin = await bootstrapAdmin(db, config);
      if (admin.created) logger.info({ email: admin.email }, 'created the first administrator');
      // Printed once, on the console only: the structured logs never carry it.
      if (admin.generatedPassword !== undefined)
        printSecret(
          `\n  First administrator: ${admin.email}\n  Password (shown only now): ${admin.generatedPassword}\n  Sign in and change it.\n`,
        );
      if (config.standardApp !== undefined && config.standardApp !== 'none') {
        // Before listening, so the first page already shows it; a failure is logged, not fatal, and retried at the next start.
        await installStandardApp(config.standardApp, { db, toolkit, cache, bus, queue: queues.jobs, logger }).catch((err: unknown) =>
          logger.error({ err, app: config.standardApp }, 'could not install the standard app'),
        );
      }
      const inFlight = new InFlight();
      const limits = config.limits ?? defaultLoadLimits(config.trustProxy);
      const connections = new ConnectionGuard(limits);
      const load = { gate: new WorkGate(limits), counters: new InFlightCounters(), limits, connections };
      // Every read the API sends carries maxTimeMS, and stops once its client has gone.
      const apiDb = guardDb(db, { maxTimeMS: limits.queryTimeoutMs });
      const metrics = createMetrics(() => queueDepths(queues));
      // Loaded only where the API runs: a worker starts (and restarts after a crash) faster without it.
      const { createApp } = await import('../app.js');
      const created = createApp({
        logger,
        metrics,
        monitor,
        inFlight,
        redis,
        redisPrefix: config.queuePrefix,
        queues,
        role: config.role,
        startedAt,
        sessionLimits,
        credentials,
        loginThrottle,
        load,
        attachments,
        db: apiDb,
        metricsToken: process.env.METRICS_TOKEN,
        trustProxy: config.trustProxy,
        metadata: { db: apiDb, toolkit, cache, bus },
        recordHooks,
        // What a workflow dry run reads its email and HTTP steps against, as a worker would.
        automation: { mail: config.mail, outbound: new OutboundPolicy(config.outboundAllowlist ?? []) },
        apps: [
          { mount: '/designer', root: path.join(repoRoot, 'designer', 'dist') },
          { mount: '/', root: path.join(repoRoot, 'runtime-ui', 'dist') },
        ],
      });
      routes = created.routes;
      const server = http.createServer(ConnectionGuard.serverOptions(), inFlight.track(created.app.callback()));
      server.keepAliveTimeout = 65_000;
      connections.attach(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, resolve);
      });
      cleanup.push(() => closeServer(server, inFlight, config.shutdownTimeoutMs));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    }

    return { url, mongoUrl, redisUrl, mongo, devServices, routes, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
