import Router from '@koa/router';
import type { DependencyMonitor } from '../storage/health.js';
import type { Metrics } from '../observability/metrics.js';
import type { AppState } from './context.js';

/**
 * Probes for load balancers and orchestrators:
 * - `/healthz`: the process is alive (never touches a dependency).
 * - `/readyz`: the process can serve: database and Redis answer a ping now.
 * - `/metrics`: Prometheus text; guarded by METRICS_TOKEN when that is set.
 */
export function healthRoutes(monitor: DependencyMonitor, metrics: Metrics, metricsToken: string | undefined): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await monitor.checkNow();
    const ready = Object.values(checks).every((c) => c.ok);
    ctx.status = ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks };
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
