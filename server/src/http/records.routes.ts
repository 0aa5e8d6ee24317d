import Router from '@koa/router';
import type { Db } from 'mongodb';
import { localizeProblems, type BundleRegistries } from '@metacrm/metadata';
import { BadRequest } from '../errors/index.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import { runBulk } from '../records/bulk.js';
import { answerLanguage } from './answer-language.js';
import type { ListOptions } from '../records/record-list.js';
import type { RecordHooks } from '../records/record-hooks.js';
import { withLocalDuplicates } from '../records/duplicate-check.js';
import { RecordService, type WriteOptions } from '../records/record.service.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';
import { expectedVersion, jsonQueryParam, onlyParams, queryParam } from './request-params.js';

export interface RecordRouteDeps {
  db: Db;
  cache: MetadataCache;
  registries: BundleRegistries;
  hooks?: RecordHooks | undefined;
}

/** The records API: one set of routes for every entity the metadata defines. */
export function recordRoutes(deps: RecordRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/records' });
  const service = async (ctx: AppContext) =>
    new RecordService({
      db: deps.db,
      snapshot: await deps.cache.current(),
      registries: deps.registries,
      actor: ctx.state.actor,
      requestId: ctx.state.requestId,
      hooks: deps.hooks,
      onHookError: (err, hook) => ctx.state.log.error({ err, hook }, 'record after-hook failed'),
    });

  router.get('/:entity', async (ctx) => {
    ctx.body = await (await service(ctx)).list(ctx.params.entity!, listOptions(ctx, LIST_PARAMS));
  });

  router.post('/:entity', async (ctx) => {
    const records = await service(ctx);
    const options = writeOptions(ctx, records);
    const record = await records.create(ctx.params.entity!, await jsonBody(ctx), options);
    ctx.status = 201;
    ctx.set('ETag', `"${record._version}"`);
    ctx.set('Location', `/api/records/${ctx.params.entity}/${record.id}`);
    ctx.body = withLocalDuplicates(record, answerLanguage(ctx));
  });

  // The duplicate check before a save: {data, id?} → the matches of the entity's duplicate rules.
  router.post('/:entity/duplicates', async (ctx) => {
    const body = (await jsonBody(ctx)) as { data?: unknown; id?: unknown } | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw BadRequest('The body must be {data, id?}', { pointer: '' });
    if (body.id !== undefined && typeof body.id !== 'string') throw BadRequest('id must be a record id', { pointer: '/id' });
    const found = await (await service(ctx)).duplicatesOf(ctx.params.entity!, body.data ?? {}, body.id);
    ctx.body = { duplicates: localizeProblems(found, answerLanguage(ctx)) };
  });

  router.post('/:entity/bulk', async (ctx) => {
    ctx.body = await runBulk(await service(ctx), ctx.params.entity!, await jsonBody(ctx, { limit: '20mb' }), answerLanguage(ctx));
  });

  router.get('/:entity/:id/related/:child/:via', async (ctx) => {
    ctx.body = await (
      await service(ctx)
    ).related(ctx.params.entity!, ctx.params.id!, ctx.params.child!, ctx.params.via!, listOptions(ctx, RELATED_PARAMS));
  });

  router.get('/:entity/:id', async (ctx) => {
    onlyParams(ctx, ['expand']);
    const expand = typeof ctx.query.expand === 'string' ? ctx.query.expand.split(',').filter(Boolean) : undefined;
    const record = await (await service(ctx)).get(ctx.params.entity!, ctx.params.id!, { expand });
    ctx.set('ETag', `"${record._version}"`);
    ctx.body = record;
  });

  router.patch('/:entity/:id', async (ctx) => {
    const records = await service(ctx);
    const options = writeOptions(ctx, records);
    const body = await jsonBody(ctx);
    const record = await records.update(ctx.params.entity!, ctx.params.id!, body, expectedVersion(ctx, body), options);
    ctx.set('ETag', `"${record._version}"`);
    ctx.body = withLocalDuplicates(record, answerLanguage(ctx));
  });

  router.delete('/:entity/:id', async (ctx) => {
    const version = expectedVersion(ctx, undefined);
    await (
      await service(ctx)
    ).delete(ctx.params.entity!, ctx.params.id!, {
      hard: ctx.query.hard === 'true',
      ...(version === undefined ? {} : { expectedVersion: version }),
    });
    ctx.status = 204;
  });

  router.post('/:entity/:id/owner', async (ctx) => {
    const record = await (await service(ctx)).changeOwner(ctx.params.entity!, ctx.params.id!, await jsonBody(ctx));
    ctx.set('ETag', `"${record._version}"`);
    ctx.body = record;
  });

  router.post('/:entity/:id/restore', async (ctx) => {
    ctx.body = await (await service(ctx)).restore(ctx.params.entity!, ctx.params.id!);
  });

  router.get('/:entity/:id/history', async (ctx) => {
    ctx.body = { entries: await (await service(ctx)).history(ctx.params.entity!, ctx.params.id!) };
  });

  router.get('/:entity/:id/shares', async (ctx) => {
    ctx.body = { shares: await (await service(ctx)).shares(ctx.params.entity!, ctx.params.id!) };
  });

  router.post('/:entity/:id/shares', async (ctx) => {
    ctx.status = 201;
    ctx.body = await (await service(ctx)).share(ctx.params.entity!, ctx.params.id!, await jsonBody(ctx));
  });

  router.delete('/:entity/:id/shares/:shareId', async (ctx) => {
    await (await service(ctx)).unshare(ctx.params.entity!, ctx.params.id!, ctx.params.shareId!);
    ctx.status = 204;
  });

  return router;
}

/** The query parameters a list takes; any other answers 400 naming it. */
const LIST_PARAMS = ['filter', 'sort', 'limit', 'page', 'cursor', 'q', 'fields', 'expand', 'count', 'deleted', 'timeZone', 'view'] as const;
/** A related list shows the child records of one record, through no view. */
const RELATED_PARAMS = LIST_PARAMS.filter((p) => p !== 'view');

/**
 * Query parameters of a list: filter (JSON), sort, limit, cursor, page, q, fields,
 * expand, count, deleted, timeZone, view. A parameter it does not take is refused rather
 * than ignored, so a typo (`?fitler=`) never answers records the caller did not ask for.
 */
function listOptions(ctx: AppContext, known: readonly string[]): ListOptions {
  onlyParams(ctx, known);
  const one = (name: string) => queryParam(ctx, name);
  const int = (name: string): number | undefined => {
    const value = one(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,6}$/.test(value)) throw BadRequest(`${name} must be a whole number`, [{ pointer: `/query/${name}`, code: 'WRONG_TYPE' }]);
    return Number(value);
  };
  const filter = jsonQueryParam(ctx, 'filter');
  return {
    filter,
    sort: one('sort'),
    limit: int('limit'),
    page: int('page'),
    cursor: one('cursor'),
    q: one('q'),
    fields: one('fields')?.split(',').filter(Boolean),
    expand: one('expand')?.split(',').filter(Boolean),
    count: one('count') === 'true',
    deleted: one('deleted') === 'true',
    timeZone: one('timeZone'),
    view: one('view'),
  };
}

/**
 * `?form=<key>`: check the write against that form of the entity instead of its default
 * form. An unknown form answers 404 FORM_NOT_FOUND before the body is read.
 */
function writeOptions(ctx: AppContext, records: RecordService): WriteOptions {
  const form = ctx.query.form;
  if (form === undefined) return {};
  if (typeof form !== 'string') throw BadRequest('form may be given once', [{ pointer: '/query/form', code: 'INVALID' }]);
  records.formOf(ctx.params.entity!, form, '/query/form');
  return { form };
}
