/**
 * The route-methods the API's routers register, next to the OpenAPI document it serves:
 * what `lint:openapi` (check-openapi.ts) and test/platform/openapi-coverage.test.ts
 * compare. The document is built for the standard CRM, whose entities have lookups, so
 * every per-entity path exists.
 */
import { crmBundle } from '@metacrm/metadata/apps/crm';
import { createRouters, listRoutes, type AppDeps, type RouteInfo } from '../server/src/app.js';
import { snapshotOf } from '../server/src/metadata/metadata-cache.js';
import { createRegistries } from '../server/src/runtime/registries.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../server/src/openapi/openapi.js';
import { undocumentedRoutes } from '../server/src/openapi/route-coverage.js';

/**
 * Stands in for every dependency of the route factories. They only keep their
 * dependencies for the requests to come, and no request is made here: the routers are
 * built to be listed. Anything read from it, called or constructed is itself.
 */
const inert: unknown = new Proxy(function inert() {}, {
  get: (_target, property) => (property === 'then' ? undefined : property === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
  construct: () => inert as object,
});

/** Every method and path the API's routers answer, as the running app lists them. */
export function registeredRoutes(): RouteInfo[] {
  return listRoutes(createRouters(inert as AppDeps, inert as never, inert as never));
}

/** The served document for the standard CRM's metadata. */
export function servedDocument(): OpenApiDocument {
  return buildOpenApiDocument(snapshotOf(1, crmBundle()), createRegistries());
}

/** The route-methods missing from `doc` (the served one by default). */
export function routesMissingFromOpenApi(doc: OpenApiDocument = servedDocument()): RouteInfo[] {
  return undocumentedRoutes(registeredRoutes(), doc);
}
