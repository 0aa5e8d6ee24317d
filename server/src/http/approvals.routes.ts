import Router from '@koa/router';
import type { Queue } from 'bullmq';
import type { Db } from 'mongodb';
import { decideApproval, myApprovals } from '../automation/approvals.js';
import type { AppState } from './context.js';
import { jsonBody } from './json-body.js';

/**
 * The signed-in user's approvals: `GET /api/approvals` (pending, waiting for them),
 * `POST /api/approvals/{id}/approve` and `/reject` with `{comment?}`.
 */
export function approvalRoutes(deps: { db: Db; queue: Queue }): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/approvals' });

  router.get('/', async (ctx) => {
    ctx.body = { approvals: await myApprovals(deps.db, ctx.state.actor) };
  });
  router.post('/:id/approve', async (ctx) => {
    ctx.body = await decideApproval(deps.db, deps.queue, ctx.state.actor, ctx.params.id!, 'approve', await jsonBody(ctx));
  });
  router.post('/:id/reject', async (ctx) => {
    ctx.body = await decideApproval(deps.db, deps.queue, ctx.state.actor, ctx.params.id!, 'reject', await jsonBody(ctx));
  });

  return router;
}
