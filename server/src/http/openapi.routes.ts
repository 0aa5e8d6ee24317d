import Router from '@koa/router';
import type { BundleRegistries } from '@metacrm/metadata';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import { OpenApiDocuments } from '../openapi/openapi.js';
import type { AppState } from './context.js';

export interface OpenApiRouteDeps {
  cache: MetadataCache;
  registries: BundleRegistries;
}

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of the current metadata version,
 * built once per version. Clients revalidate with `If-None-Match` (304 until the next
 * publish).
 */
export function openapiRoutes(deps: OpenApiRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const documents = new OpenApiDocuments(deps.registries);
  router.get('/api/openapi.json', async (ctx) => {
    const { json, etag } = documents.of(await deps.cache.current());
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'no-cache');
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/json';
    ctx.body = json;
  });
  return router;
}
