import Router from '@koa/router';
import type { Db } from 'mongodb';
import { userMetadata, userMetadataETag } from '../access/user-metadata.js';
import { disabledWorkflows } from '../automation/workflow-runs.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import type { MetadataToolkit } from '../metadata/metadata-toolkit.js';
import { ColumnPreferences } from '../personal/column-prefs.js';
import { PersonalViews, versionOf } from '../personal/personal-views.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';
import { queryParam } from './request-params.js';

export interface MeRouteDeps {
  db: Db;
  cache: MetadataCache;
  toolkit: MetadataToolkit;
}

/**
 * What the signed-in user's runtime UI is built from:
 * - `GET /api/me/metadata` → the published metadata their roles let them see
 *   (access/user-metadata.ts), with a strong ETag; `If-None-Match` answers 304;
 * - `/api/me/views[/{id}]` → their own saved views (personal/personal-views.ts);
 * - `/api/me/views/{viewKey}/columns` → how they arranged a view's columns.
 */
export function meRoutes(deps: MeRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/me' });

  router.get('/metadata', async (ctx) => {
    const body = userMetadata(await deps.cache.current(), deps.toolkit.registries, ctx.state.actor, await disabledWorkflows(deps.db));
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

  let indexed: Promise<void> | undefined;
  const views = async (ctx: AppContext) => {
    const { db, toolkit } = deps;
    const service = new PersonalViews({
      db,
      snapshot: await deps.cache.current(),
      registries: toolkit.registries,
      validator: toolkit.validator,
      actor: ctx.state.actor,
    });
    indexed ??= service.ensureIndexes().catch((err: unknown) => {
      indexed = undefined;
      throw err;
    });
    await indexed;
    return service;
  };
  const columns = async (ctx: AppContext) =>
    new ColumnPreferences(deps.db, await deps.cache.current(), ctx.state.actor, deps.toolkit.registries.operations);

  router.get('/views', async (ctx) => {
    ctx.body = { views: await (await views(ctx)).list(queryParam(ctx, 'entity')) };
  });
  router.post('/views', async (ctx) => {
    const created = await (await views(ctx)).create(await jsonBody(ctx));
    ctx.status = 201;
    ctx.set('Location', `/api/me/views/${created.id}`);
    ctx.set('ETag', `"${created._version}"`);
    ctx.body = created;
  });
  router.get('/views/:id', async (ctx) => {
    const view = await (await views(ctx)).get(ctx.params.id!);
    ctx.set('ETag', `"${view._version}"`);
    ctx.body = view;
  });
  router.put('/views/:id', async (ctx) => {
    const body = await jsonBody(ctx);
    const view = await (await views(ctx)).replace(ctx.params.id!, body, versionOf(body, ctx.get('If-Match')));
    ctx.set('ETag', `"${view._version}"`);
    ctx.body = view;
  });
  router.delete('/views/:id', async (ctx) => {
    await (await views(ctx)).delete(ctx.params.id!);
    ctx.status = 204;
  });

  router.get('/views/:view/columns', async (ctx) => {
    ctx.body = await (await columns(ctx)).get(ctx.params.view!);
  });
  router.put('/views/:view/columns', async (ctx) => {
    ctx.body = await (await columns(ctx)).put(ctx.params.view!, await jsonBody(ctx));
  });
  router.delete('/views/:view/columns', async (ctx) => {
    await (await columns(ctx)).reset(ctx.params.view!);
    ctx.status = 204;
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
