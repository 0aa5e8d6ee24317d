import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { AppMiddleware } from './context.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** An inbound webhook's path carries its secret: `/api/hooks/<workflow>.<secret>`. */
const HOOK_SECRET = /^(\/api\/hooks\/[^/.]*)\.[^/]*/;

/** The path fit for a log line: webhook secrets left out. */
function withoutSecrets(path: string): string {
  return path.replace(HOOK_SECRET, '$1.[redacted]');
}

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is sane), echoes it
 * in the answer, and a child logger that stamps it on every line. Logs one line per
 * request when it ends; the query string is left out because filters may hold data,
 * and so is a webhook's secret.
 */
export function requestContext(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // The child logger is made when something logs: most requests log only their line below,
    // and a child per request was a measurable share of a GET's CPU (issue #19).
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (log ??= logger.child({ requestId })), configurable: true, enumerable: true });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const line = { requestId, method: ctx.method, path: withoutSecrets(ctx.path), status: ctx.status, ms };
      // A 503 the outage log counted (error handler) gets no line of its own.
      if (ctx.state.counted503) logger.debug(line, 'request');
      else if (ctx.status >= 500) logger.error(line, 'request failed');
      else if (ctx.path.startsWith('/api/') || ctx.status >= 400) logger.info(line, 'request');
      else logger.debug(line, 'request');
    }
  };
}
