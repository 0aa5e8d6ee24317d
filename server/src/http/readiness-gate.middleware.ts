import { DatabaseUnavailable, ShuttingDown } from '../errors/index.js';
import type { DependencyMonitor } from '../storage/health.js';
import type { AppMiddleware } from './context.js';

/** Tracks requests in flight, so a graceful shutdown can wait for them to finish. */
export class InFlight {
  count = 0;
  draining = false;
  private idle: (() => void)[] = [];

  /** Resolves when no request is in flight, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  leave(): void {
    this.count--;
    if (this.count === 0) for (const wake of this.idle.splice(0)) wake();
  }
}

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
    inFlight.count++;
    try {
      await next();
    } finally {
      inFlight.leave();
    }
  };
}
