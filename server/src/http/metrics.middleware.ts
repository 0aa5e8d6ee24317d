import type { Metrics } from '../observability/metrics.js';
import type { AppMiddleware } from './context.js';

/**
 * Counts requests and their latency by route pattern (`/api/records/:entity`, never the
 * concrete path, so the label set stays small). Static files count as one route.
 */
export function httpMetrics(metrics: Metrics): AppMiddleware {
  return async (ctx, next) => {
    const end = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : ctx.path.startsWith('/api/') ? 'unmatched' : 'static';
      end({ method: ctx.method, route });
      metrics.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
    }
  };
}
