import Router from '@koa/router';
import type { DependencyMonitor } from '../storage/health.js';
import type { Metrics } from '../observability/metrics.js';
import type { WorkGateStats } from './work-gate.js';
import type { AppState } from './context.js';

/**
 * Probes for load balancers and orchestrators:
 * - `/healthz`: the process is alive (never touches a dependency).
 * - `/readyz`: the process can serve: database and Redis answer a ping now, or are
 *   busy (a late ping while they answer other commands): a loaded server is not down.
 *   Outside `/api`, so neither the load limits nor the work gate hold it back.
 * - `/metrics`: Prometheus text; guarded by METRICS_TOKEN when that is set.
 */
export function healthRoutes(
  monitor: DependencyMonitor,
  metrics: Metrics,
  metricsToken: string | undefined,
  load?: () => WorkGateStats,
): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await monitor.checkNow();
    const ready = Object.values(checks).every((c) => c.ok);
    ctx.status = ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks, ...(load ? { load: load() } : {}) };
  });
  router.get('/metrics', async (ctx) => {
    if (metricsToken !== undefined && ctx.get('Authorization') !== `Bearer ${metricsToken}`) {
      ctx.status = 401;
      ctx.body = 'metrics token required\n';
      return;
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
