import { BadRequest } from '../errors/index.js';
import type { AppContext } from './context.js';
import { MAX_JSON_DEPTH, nestingDepth } from './json-body.js';

/** A query parameter given at most once (400 naming it when repeated). */
export function queryParam(ctx: AppContext, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw BadRequest(`${name} may be given once`, [{ pointer: `/query/${name}`, code: 'INVALID' }]);
  return value;
}

/** Refuses (400 BAD_REQUEST, a problem per parameter) query parameters the route does not take. */
export function onlyParams(ctx: AppContext, known: readonly string[]): void {
  const unknown = Object.keys(ctx.query).filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw BadRequest(
    `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n.slice(0, 40)}"`).join(', ')}; this route takes ${known.join(', ')}`,
    unknown.map((name) => ({
      pointer: `/query/${name.slice(0, 40)}`,
      code: 'UNKNOWN_PROPERTY',
      params: { property: name.slice(0, 40), allowed: known },
    })),
  );
}

/** A query parameter holding JSON (the filter language): parsed, or 400 BAD_FORMAT. */
export function jsonQueryParam(ctx: AppContext, name: string): unknown {
  const raw = queryParam(ctx, name);
  if (raw === undefined) return undefined;
  if (nestingDepth(raw) > MAX_JSON_DEPTH)
    throw BadRequest(`${name} is nested more than ${MAX_JSON_DEPTH} levels deep`, [{ pointer: `/query/${name}`, code: 'BAD_FORMAT' }]);
  try {
    return JSON.parse(raw); // the filter compiler refuses prototype and operator keys itself
  } catch {
    throw BadRequest(`${name} must be JSON`, [{ pointer: `/query/${name}`, code: 'BAD_FORMAT' }]);
  }
}

/** The version the client edited: `_version` in the body, or `If-Match: "7"`. */
export function expectedVersion(ctx: AppContext, body: unknown): number | undefined {
  const fromBody = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)._version : undefined;
  const header = ctx.get('If-Match').replace(/^W\//, '').replace(/"/g, '');
  const raw = fromBody ?? (header === '' ? undefined : header);
  if (raw === undefined) return undefined;
  // Only a number (body) or digits (header): Number(true) or Number('') would pass as 1 or 0.
  const version = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw BadRequest('_version must be the version you edited', {
      problems: [{ pointer: '/_version', code: 'WRONG_TYPE', message: 'must be a positive integer' }],
    });
  }
  return version;
}
