import Router from '@koa/router';
import contentDisposition from 'content-disposition';
import getRawBody from 'raw-body';
import type { Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { BadRequest } from '../errors/index.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import {
  AttachmentService,
  DEFAULT_ATTACHMENT_LIMITS,
  type AttachmentLimits,
  type UploadTarget,
} from '../records/attachments/attachment.service.js';
import type { RecordHooks } from '../records/record-hooks.js';
import { RecordService } from '../records/record.service.js';
import type { AppContext, AppState } from './context.js';
import { readFromClient } from './load-shedding.middleware.js';
import { onlyParams, queryParam } from './request-params.js';

export interface AttachmentRouteDeps {
  db: Db;
  cache: MetadataCache;
  registries: BundleRegistries;
  hooks?: RecordHooks | undefined;
  limits?: AttachmentLimits | undefined;
}

/**
 * Files of attachment fields:
 * - `POST /api/attachments/{entity}/{field}?name=&record=`: the raw bytes as the body
 *   (any Content-Type; the type is sniffed from the bytes) → 201 `{id, name, size, type}`,
 *   the ref to put in the field's value with the record's next create or update;
 * - `GET /api/attachments/{id}`: the bytes, always as a download;
 * - `DELETE /api/attachments/{id}`: an unattached upload now, an attached file by
 *   removing its ref from the record.
 */
export function attachmentRoutes(deps: AttachmentRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/attachments' });
  const service = async (ctx: AppContext) => {
    const records = new RecordService({
      db: deps.db,
      snapshot: await deps.cache.current(),
      registries: deps.registries,
      actor: ctx.state.actor,
      requestId: ctx.state.requestId,
      hooks: deps.hooks,
      onHookError: (err, hook) => ctx.state.log.error({ err, hook }, 'record after-hook failed'),
    });
    return new AttachmentService({
      db: deps.db,
      records,
      limits: deps.limits ?? DEFAULT_ATTACHMENT_LIMITS,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
  };

  router.post('/:entity/:field', async (ctx) => {
    onlyParams(ctx, ['name', 'record']);
    const name = queryParam(ctx, 'name');
    if (name === undefined || name.trim() === '' || name.length > 1000)
      throw BadRequest('name must give the file name (1-1000 characters)', [{ pointer: '/query/name', code: 'REQUIRED' }]);
    const files = await service(ctx);
    // Access first: nobody sends a file's bytes only to learn they may not attach it.
    const target = await files.target(ctx.params.entity!, ctx.params.field!, queryParam(ctx, 'record'));
    const ref = await files.store(target, name, await uploadBody(ctx, files, target));
    ctx.status = 201;
    ctx.set('Location', `/api/attachments/${ref.id}`);
    ctx.body = ref;
  });

  router.get('/:id', async (ctx) => {
    onlyParams(ctx, []);
    const file = await (await service(ctx)).open(ctx.params.id!);
    // Never shown in the page: a download whatever its type, not sniffed, and inert even when opened.
    ctx.set('Content-Disposition', contentDisposition(file.ref.name, { type: 'attachment' }));
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('ETag', `"${file.sha256}"`);
    ctx.type = file.ref.type;
    ctx.length = file.ref.size;
    ctx.body = file.body;
  });

  router.delete('/:id', async (ctx) => {
    await (await service(ctx)).remove(ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}

/** The upload's bytes, read outside the work gate, refused past the limit with the field named. */
async function uploadBody(ctx: AppContext, files: AttachmentService, target: UploadTarget): Promise<Buffer> {
  try {
    return await readFromClient(() =>
      getRawBody(ctx.req, { limit: files.limits.maxBytes, length: ctx.get('Content-Length') || undefined }),
    );
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw files.tooLarge(target);
    throw BadRequest('The request body could not be read', undefined, { cause: err });
  }
}
