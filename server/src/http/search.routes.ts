import Router from '@koa/router';
import { BadRequest } from '../errors/index.js';
import { GLOBAL_SEARCH_LIMITS, globalSearch } from '../search/global-search.js';
import type { AppState } from './context.js';
import type { RecordRouteDeps } from './records.routes.js';
import { queryParam } from './request-params.js';

/**
 * `GET /api/search?q=&entities=a,b&limit=5`: free-text search across every entity the
 * user may read → `{results: [{entity, label, records: [{id, title, _updatedAt}], more}]}`.
 */
export function searchRoutes(deps: RecordRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });

  router.get('/search', async (ctx) => {
    const q = queryParam(ctx, 'q') ?? '';
    const entities = queryParam(ctx, 'entities')?.split(',').filter(Boolean);
    const limit = queryParam(ctx, 'limit');
    if (limit !== undefined && (!/^\d{1,2}$/.test(limit) || Number(limit) < 1 || Number(limit) > GLOBAL_SEARCH_LIMITS.maxPerEntity)) {
      throw BadRequest(`limit must be a whole number from 1 to ${GLOBAL_SEARCH_LIMITS.maxPerEntity}`, [
        { pointer: '/query/limit', code: 'OUT_OF_RANGE' },
      ]);
    }
    const results = await globalSearch(deps.db, await deps.cache.current(), deps.registries, ctx.state.actor, {
      q,
      entities,
      perEntity: limit === undefined ? undefined : Number(limit),
    });
    ctx.body = { results };
  });

  return router;
}
