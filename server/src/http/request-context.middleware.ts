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
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const line = { method: ctx.method, path: withoutSecrets(ctx.path), status: ctx.status, ms };
      // A 503 the outage log counted (error handler) gets no line of its own.
      if (ctx.state.counted503) ctx.state.log.debug(line, 'request');
      else if (ctx.status >= 500) ctx.state.log.error(line, 'request failed');
      else if (ctx.path.startsWith('/api/') || ctx.status >= 400) ctx.state.log.info(line, 'request');
      else ctx.state.log.debug(line, 'request');
    }
  };
}
