import Router from '@koa/router';
import { explainAccess } from '../records/access-explain.js';
import { requireAdmin } from './require-admin.middleware.js';
import { BadRequest } from '../errors/index.js';
import type { AppState } from './context.js';
import type { RecordRouteDeps } from './records.routes.js';

/**
 * `GET /api/access/explain?user=&entity=&record=&field=`: which role and rule grant
 * or deny a user an operation, a record or a field. For user administrators.
 */
export function accessRoutes(deps: RecordRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/access' });

  router.get('/explain', requireAdmin('users'), async (ctx) => {
    const one = (name: string, required: boolean): string | undefined => {
      const value = ctx.query[name];
      if (Array.isArray(value) || (required && !value))
        throw BadRequest(`${name} must be given once`, [{ pointer: `/query/${name}`, code: 'REQUIRED' }]);
      return value || undefined;
    };
    ctx.body = await explainAccess(deps.db, await deps.cache.current(), deps.registries, {
      user: one('user', true)!,
      entity: one('entity', true)!,
      record: one('record', false),
      field: one('field', false),
    });
  });

  return router;
}
