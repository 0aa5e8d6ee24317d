import Router from '@koa/router';
import type { Db } from 'mongodb';
import { ITEM_KINDS, type ItemKind } from '@metacrm/metadata';
import { requireAdmin } from './require-admin.middleware.js';
import { BadRequest } from '../errors/index.js';
import type { MetadataBus } from '../metadata/metadata-bus.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import { workflowPalette } from '../automation/workflow-palette.js';
import { fieldImpact } from '../metadata/field-impact.js';
import { MetadataService } from '../metadata/metadata.service.js';
import type { MetadataToolkit } from '../metadata/metadata-toolkit.js';
import { planView } from '../metadata/view-plan.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';

export interface MetadataRouteDeps {
  db: Db;
  toolkit: MetadataToolkit;
  cache: MetadataCache;
  bus?: MetadataBus | undefined;
}

/** The metadata API: current version, the draft, publish, versions, diff, rollback (app packages: packages.routes.ts). */
export function metadataRoutes(deps: MetadataRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/meta' });
  // Every route here is the designer's: metadata administrators only.
  router.use(requireAdmin('metadata'));
  const service = (ctx: AppContext) => new MetadataService({ ...deps, actor: ctx.state.actor, ip: ctx.ip, requestId: ctx.state.requestId });

  router.get('/', async (ctx) => {
    const snapshot = await service(ctx).current();
    ctx.set('ETag', `"v${snapshot.version}"`);
    ctx.body = { version: snapshot.version, bundle: snapshot.bundle };
  });

  router.get('/draft', async (ctx) => {
    ctx.body = await service(ctx).draft();
  });

  router.post('/draft/validate', async (ctx) => {
    const problems = await service(ctx).validateDraft();
    ctx.body = { valid: problems.length === 0, problems };
  });

  // What deleting a field would touch, for the designer's delete dialog.
  router.get('/impact', async (ctx) => {
    const entity = keyQuery(ctx.query.entity, 'entity');
    const field = keyQuery(ctx.query.field, 'field');
    const { bundle } = await service(ctx).draft();
    ctx.body = await fieldImpact(deps.db, deps.toolkit, bundle, entity, field);
  });

  // The index a view being designed would get, and what of its query that index cannot serve.
  router.post('/views/plan', async (ctx) => {
    const body = await jsonBody(ctx);
    if (body === null || typeof body !== 'object' || Array.isArray(body) || !('view' in body))
      throw BadRequest('The body must be {"view": {...}}', [{ pointer: '/view', code: 'REQUIRED' }]);
    const [{ bundle }, current] = await Promise.all([service(ctx).draft(), service(ctx).current()]);
    ctx.body = planView((body as { view: unknown }).view, bundle, current.bundle, deps.toolkit);
  });

  // The workflow designer's palette: step and trigger types from the registries (plugins' too).
  router.get('/workflow-palette', (ctx) => {
    ctx.body = workflowPalette(deps.toolkit.registries);
  });

  router.get('/draft/:kind/:key', async (ctx) => {
    const item = await service(ctx).draftItem(kindParam(ctx.params.kind), ctx.params.key!);
    ctx.set('ETag', `"${item.rev}"`);
    ctx.body = item;
  });

  router.put('/draft/:kind/:key', async (ctx) => {
    const item = await service(ctx).putDraftItem(kindParam(ctx.params.kind), ctx.params.key!, await jsonBody(ctx), ifMatch(ctx));
    ctx.set('ETag', `"${item.rev}"`);
    ctx.body = item;
  });

  router.delete('/draft/:kind/:key', async (ctx) => {
    await service(ctx).deleteDraftItem(kindParam(ctx.params.kind), ctx.params.key!, ifMatch(ctx));
    ctx.status = 204;
  });

  router.post('/publish', async (ctx) => {
    const body = await optionalBody(ctx);
    ctx.body = await service(ctx).publish({ ...publishOptions(body), dryRun: ctx.query.dryRun === 'true' || body.dryRun === true });
  });

  router.post('/rollback', async (ctx) => {
    const body = await optionalBody(ctx);
    const version = Number(body.version);
    if (!Number.isInteger(version) || version < 1)
      throw BadRequest('version must be a published version number', [{ pointer: '/version', code: 'WRONG_TYPE' }]);
    ctx.body = await service(ctx).rollback(version, {
      ...publishOptions(body),
      dryRun: ctx.query.dryRun === 'true' || body.dryRun === true,
    });
  });

  router.get('/versions', async (ctx) => {
    // A version is named `version` here as in publish and rollback (it is stored as _id).
    ctx.body = { versions: (await service(ctx).versions()).map(({ _id, ...rest }) => ({ version: _id, ...rest })) };
  });

  router.get('/versions/:version', async (ctx) => {
    const { json: _json, _id, ...rest } = await service(ctx).version(versionParam(ctx.params.version, 'version'));
    ctx.body = { version: _id, ...rest };
  });

  router.get('/versions/:a/diff/:b', async (ctx) => {
    ctx.body = await service(ctx).diff(versionParam(ctx.params.a, 'a', true), versionParam(ctx.params.b, 'b', true));
  });

  return router;
}

function kindParam(kind: string | undefined): ItemKind {
  if (!ITEM_KINDS.includes(kind as ItemKind)) {
    throw BadRequest(`Unknown metadata kind "${kind}"; use one of ${ITEM_KINDS.join(', ')}`, [
      { pointer: '/kind', code: 'NOT_ALLOWED_VALUE' },
    ]);
  }
  return kind as ItemKind;
}

function keyQuery(raw: unknown, name: string): string {
  if (typeof raw !== 'string' || !/^[a-z][a-z0-9_]{0,47}$/.test(raw))
    throw BadRequest(`${name} must be a key`, [{ pointer: `/query/${name}`, code: raw === undefined ? 'REQUIRED' : 'BAD_FORMAT' }]);
  return raw;
}

function versionParam(raw: string | undefined, name: string, allowZero = false): number {
  const n = Number(raw);
  if (!/^\d{1,9}$/.test(raw ?? '') || (!allowZero && n === 0))
    throw BadRequest(`${name} must be a version number`, [{ pointer: `/${name}`, code: 'WRONG_TYPE' }]);
  return n;
}

/** The revision from `If-Match: "3"`, when the client sent one. */
function ifMatch(ctx: AppContext): number | undefined {
  const header = ctx.get('If-Match');
  if (!header) return undefined;
  const rev = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(rev) || rev < 0)
    throw BadRequest('If-Match must hold a revision such as "3"', [{ pointer: '/headers/if-match', code: 'BAD_FORMAT' }]);
  return rev;
}

async function optionalBody(ctx: AppContext): Promise<Record<string, unknown>> {
  if (!ctx.request.length && !ctx.get('Transfer-Encoding')) return {};
  const body = await jsonBody(ctx);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw BadRequest('The body must be a JSON object');
  return body as Record<string, unknown>;
}

function publishOptions(body: Record<string, unknown>): { message?: string; acceptDataLoss: boolean } {
  const message = typeof body.message === 'string' ? body.message.slice(0, 500) : undefined;
  return { ...(message === undefined ? {} : { message }), acceptDataLoss: body.acceptDataLoss === true };
}
