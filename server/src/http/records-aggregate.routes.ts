import Router from '@koa/router';
import { RecordService } from '../records/record.service.js';
import type { AppState } from './context.js';
import { jsonBody } from './json-body.js';
import type { RecordRouteDeps } from './records.routes.js';

/**
 * Aggregates for reports and charts: `POST /api/records/{entity}/aggregate` with
 * `{filter?, groupBy, measures, sort?, limit?, timeZone?}`, answering
 * `{groups: [{keys, values}], total: {values}, truncated}`.
 */
export function recordAggregateRoutes(deps: RecordRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/records' });

  router.post('/:entity/aggregate', async (ctx) => {
    const service = new RecordService({
      db: deps.db,
      snapshot: await deps.cache.current(),
      registries: deps.registries,
      actor: ctx.state.actor,
      requestId: ctx.state.requestId,
    });
    ctx.body = await service.aggregate(ctx.params.entity!, await jsonBody(ctx));
  });

  return router;
}
