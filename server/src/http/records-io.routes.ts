import Router from '@koa/router';
import type { Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { BadRequest } from '../errors/index.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import type { Queues } from '../queues/queues.js';
import { EXPORT_FORMATS, type ExportFormat } from '../records/export/export-sinks.js';
import { EXPORT_LANGUAGES, type ExportLanguage } from '../records/export/export-values.js';
import { openExport, type ExportRequest } from '../records/export/export.service.js';
import { localizeImport } from '../records/import/import-job.js';
import { ImportService } from '../records/import/import.service.js';
import type { AppContext, AppState } from './context.js';
import { answerLanguage } from './answer-language.js';
import { jsonBody } from './json-body.js';
import { jsonQueryParam, queryParam } from './request-params.js';

export interface RecordIoRouteDeps {
  db: Db;
  cache: MetadataCache;
  registries: BundleRegistries;
  queues: Queues;
}

/**
 * The request body of an import carries the file base64-encoded in JSON: a file of at
 * most 20 MB (IMPORT_LIMITS.fileBytes) is at most ~27 MB of base64.
 */
export const IMPORT_BODY_LIMIT = '28mb';

/**
 * Import and export of records:
 * - `POST /api/records/{entity}/import` → 202 with the import job (runs in the worker)
 * - `POST /api/records/{entity}/import/preview` → the file's headers and row count (the same body; nothing stored)
 * - `GET /api/records/{entity}/imports/{id}` → the job with its progress and row errors
 * - `POST /api/records/{entity}/imports/{id}/cancel`
 * - `GET /api/records/{entity}/export?format=csv|xlsx&view=&filter=&sort=&q=&fields=&lang=`
 *
 * Mount it before `recordRoutes`: its `/:entity/:id` would otherwise take `/export`.
 */
export function recordIoRoutes(deps: RecordIoRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/records' });
  const imports = async (ctx: AppContext) =>
    new ImportService({
      db: deps.db,
      snapshot: await deps.cache.current(),
      registries: deps.registries,
      actor: ctx.state.actor,
      queue: deps.queues.jobs,
    });

  router.post('/:entity/import', async (ctx) => {
    const job = await (await imports(ctx)).start(ctx.params.entity!, await jsonBody(ctx, { limit: IMPORT_BODY_LIMIT }));
    ctx.status = 202;
    ctx.set('Location', `/api/records/${ctx.params.entity}/imports/${job.id}`);
    ctx.body = job;
  });

  router.post('/:entity/import/preview', async (ctx) => {
    ctx.body = await (await imports(ctx)).preview(ctx.params.entity!, await jsonBody(ctx, { limit: IMPORT_BODY_LIMIT }));
  });

  router.get('/:entity/imports/:id', async (ctx) => {
    ctx.body = localizeImport(await (await imports(ctx)).get(ctx.params.entity!, ctx.params.id!), answerLanguage(ctx));
  });

  router.post('/:entity/imports/:id/cancel', async (ctx) => {
    ctx.body = await (await imports(ctx)).cancel(ctx.params.entity!, ctx.params.id!);
  });

  router.get('/:entity/export', async (ctx) => {
    const options = {
      db: deps.db,
      snapshot: await deps.cache.current(),
      registries: deps.registries,
      actor: ctx.state.actor,
      logger: ctx.state.log,
      requestId: ctx.state.requestId,
    };
    const file = await openExport(options, exportRequest(ctx));
    ctx.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = file.contentType;
    ctx.body = file.body;
  });

  return router;
}

/** Query parameters of an export. */
function exportRequest(ctx: AppContext): ExportRequest {
  const one = (name: string) => queryParam(ctx, name);
  const format = one('format') ?? 'csv';
  if (!EXPORT_FORMATS.includes(format as ExportFormat))
    throw BadRequest(`format must be one of ${EXPORT_FORMATS.join(', ')}`, [{ pointer: '/query/format', code: 'NOT_ALLOWED_VALUE' }]);
  const filter = jsonQueryParam(ctx, 'filter');
  return {
    entity: ctx.params.entity!,
    format: format as ExportFormat,
    lang: language(ctx, one('lang')),
    view: one('view'),
    filter,
    sort: one('sort'),
    q: one('q'),
    fields: one('fields')?.split(',').filter(Boolean),
    timeZone: one('timeZone'),
  };
}

/** `?lang=` when given, else the best of Accept-Language, else English. */
function language(ctx: AppContext, lang: string | undefined): ExportLanguage {
  if (lang !== undefined) {
    if (!EXPORT_LANGUAGES.includes(lang as ExportLanguage))
      throw BadRequest(`lang must be one of ${EXPORT_LANGUAGES.join(', ')}`, [{ pointer: '/query/lang', code: 'NOT_ALLOWED_VALUE' }]);
    return lang as ExportLanguage;
  }
  return answerLanguage(ctx);
}
