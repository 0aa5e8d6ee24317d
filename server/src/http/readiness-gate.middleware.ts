import { DatabaseUnavailable, ShuttingDown } from '../errors/index.js';
import type { DependencyMonitor } from '../storage/health.js';
import type { AppMiddleware } from './context.js';
import type { InFlight } from './graceful-close.js';

/**
 * In front of every API route: while the database is known to be down, or the process
 * is shutting down, answer 503 at once rather than let the request wait on a driver
 * timeout. Redis is checked where it is used (its commands fail fast), since most
 * API requests do not need it.
 */
export function readinessGate(monitor: DependencyMonitor, inFlight: InFlight): AppMiddleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) return await next();
    if (inFlight.draining) {
      ctx.set('Connection', 'close');
      throw ShuttingDown();
    }
    if (!monitor.state('database').ok) throw DatabaseUnavailable();
    await next();
  };
}
