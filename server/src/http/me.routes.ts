import Router from '@koa/router';
import type { Db } from 'mongodb';
import { userMetadata, userMetadataETag } from '../access/user-metadata.js';
import { disabledWorkflows } from '../automation/workflow-runs.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import type { AppContext, AppState } from './context.js';

export interface MeRouteDeps {
  db: Db;
  cache: MetadataCache;
}

/**
 * What the signed-in user's runtime UI is built from:
 * - `GET /api/me/metadata` → the published metadata their roles let them see
 *   (access/user-metadata.ts), with a strong ETag; `If-None-Match` answers 304.
 */
export function meRoutes(deps: MeRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/me' });

  router.get('/metadata', async (ctx) => {
    const body = userMetadata(await deps.cache.current(), ctx.state.actor, await disabledWorkflows(deps.db));
    const etag = userMetadataETag(body);
    ctx.set('ETag', etag);
    // Private: it depends on who asks. no-cache: revalidate each time, a publish may have happened.
    ctx.set('Cache-Control', 'private, no-cache');
    if (matches(ctx, etag)) {
      ctx.status = 304;
      return;
    }
    ctx.body = body;
  });

  return router;
}

/** Whether If-None-Match names `etag` (a list, weak forms and `*` included). */
function matches(ctx: AppContext, etag: string): boolean {
  const header = ctx.get('If-None-Match');
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}
