import Router from '@koa/router';
import type { Db } from 'mongodb';
import { queueDepths, type Queues } from '../queues/queues.js';
import type { DependencyMonitor } from '../storage/health.js';
import { PLATFORM_VERSION } from '../version.js';
import type { AppState } from './context.js';

export interface SystemDeps {
  db: Db;
  queues: Queues;
  monitor: DependencyMonitor;
  startedAt: Date;
  role: string;
}

/**
 * `GET /api/system/status`: what an operator looks at first: this process, the
 * database and Redis round trips, and the depth of every queue. It needs both
 * dependencies, so it answers 503 with a code when either is down.
 */
export function systemRoutes(deps: SystemDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/system' });
  router.get('/status', async (ctx) => {
    const dbStarted = performance.now();
    await deps.db.command({ ping: 1 });
    const databaseMs = performance.now() - dbStarted;
    const queues = await queueDepths(deps.queues);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      version: PLATFORM_VERSION,
      role: deps.role,
      startedAt: deps.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      database: { ok: true, latencyMs: Math.round(databaseMs * 10) / 10 },
      redis: deps.monitor.state('redis'),
      queues,
    };
  });
  return router;
}
