import Router from '@koa/router';
import type { Db } from 'mongodb';
import { BadRequest } from '../errors/index.js';
import { listNotifications, markNotificationRead } from '../notifications/notifications.js';
import type { AppState } from './context.js';

/**
 * The current user's in-app notifications:
 * - `GET /api/notifications?limit=&unread=true` → `{notifications, unread}`, newest first;
 * - `POST /api/notifications/{id}/read` → the notification, marked read.
 */
export function notificationRoutes(deps: { db: Db }): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/notifications' });

  router.get('/', async (ctx) => {
    const limit = ctx.query.limit === undefined ? 50 : Number(ctx.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw BadRequest('limit must be a whole number from 1 to 200', [{ pointer: '/query/limit', code: 'OUT_OF_RANGE' }]);
    ctx.body = await listNotifications(deps.db, ctx.state.actor.id, { limit, unreadOnly: ctx.query.unread === 'true' });
  });

  router.post('/:id/read', async (ctx) => {
    ctx.body = await markNotificationRead(deps.db, ctx.state.actor.id, ctx.params.id!);
  });

  return router;
}
