import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { LiveEvents } from '../live/live-events.js';
import type { AppState } from './context.js';

/**
 * `GET /api/events`: the signed-in user's live events as server-sent events
 * (live/live-events.ts). `Last-Event-ID` (or `?lastEventId=`, for a first connection
 * that resumes) replays what was missed.
 */
export function eventRoutes(live: LiveEvents): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });

  router.get('/events', async (ctx) => {
    const header = ctx.get('Last-Event-ID');
    const query = typeof ctx.query.lastEventId === 'string' ? ctx.query.lastEventId : '';
    const lastEventId = (header || query).slice(0, 64) || undefined;
    // The stream outlives any socket timeout; proxies must not buffer it.
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.type = 'text/event-stream; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    const body = new PassThrough();
    ctx.status = 200;
    ctx.body = body;
    const end = await live.subscribe(ctx.state.actor, { write: (text) => body.write(text), end: () => body.end() }, lastEventId);
    ctx.req.once('close', end);
    if (ctx.req.destroyed) end();
  });

  return router;
}
