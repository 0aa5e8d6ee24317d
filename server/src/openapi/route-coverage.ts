import type { OpenApiDocument } from './openapi.js';

/** A method and path a Koa router answers (`GET /api/records/:entity/:id`). */
export interface RouteMethod {
  method: string;
  path: string;
}

/**
 * Route parameters the document spells out per value rather than as a parameter: one
 * path per entity (`/api/records/account`), per metadata kind (`/api/meta/draft/entities/{key}`)
 * and per lookup of a related list (`.../related/<child>/<via>`).
 */
export const EXPANDED_PARAMETERS: ReadonlySet<string> = new Set(['entity', 'kind', 'child', 'via']);

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'options', 'head', 'trace']);

/**
 * The route-methods the document does not describe. A route's literal segments must
 * match the document's path; its parameter segments must be parameters there too
 * (`{id}`), except the expanded ones, which match any segment. `HEAD` is left out
 * (Koa answers it for every GET). Use a document of a bundle that has an entity with a
 * lookup, so that the per-entity paths exist.
 */
export function undocumentedRoutes(routes: readonly RouteMethod[], doc: Pick<OpenApiDocument, 'paths'>): RouteMethod[] {
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.has(key))
      .map((method) => ({ method: method.toUpperCase(), segments: path.split('/') })),
  );
  const seen = new Set<string>();
  return routes.filter((route) => {
    const key = `${route.method} ${route.path}`;
    if (route.method === 'HEAD' || seen.has(key)) return false;
    seen.add(key);
    const segments = route.path.split('/');
    return !documented.some(
      (d) =>
        d.method === route.method && d.segments.length === segments.length && segments.every((s, i) => segmentMatches(s, d.segments[i]!)),
    );
  });
}

/** One segment of a Koa path (`:id`, `:id(\\d+)`, `export`) against one of an OpenAPI path (`{id}`, `export`). */
function segmentMatches(route: string, documented: string): boolean {
  const param = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(route)?.[1];
  const isParam = /^\{[^}]+\}$/.test(documented);
  if (param === undefined) return !isParam && route === documented;
  return isParam || EXPANDED_PARAMETERS.has(param);
}
