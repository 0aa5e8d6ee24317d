import getRawBody from 'raw-body';
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from '../errors/index.js';
import type { AppContext } from './context.js';
import { readFromClient } from './load-shedding.middleware.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads and parses a JSON request body, on demand, for the routes that take one.
 * Keys that could reach Object.prototype (`__proto__`, `constructor`, `prototype`)
 * are dropped at parse time, so no later merge or spread can be polluted by them.
 */
export async function jsonBody(ctx: AppContext, options: { limit?: string } = {}): Promise<unknown> {
  if (!ctx.is('application/json')) {
    throw UnsupportedMediaType('The request body must be JSON (Content-Type: application/json)');
  }
  let text: string;
  try {
    text = await readFromClient(() => getRawBody(ctx.req, { limit: options.limit ?? '1mb', encoding: 'utf8', length: ctx.get('Content-Length') || undefined }));
  } catch (err) {
    const e = err as { type?: string; limit?: number };
    if (e.type === 'entity.too.large') throw PayloadTooLarge(`The request body is larger than ${options.limit ?? '1mb'}`);
    throw BadRequest('The request body could not be read', undefined, { cause: err });
  }
  try {
    return JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value));
  } catch (err) {
    throw BadRequest(`The request body is not valid JSON: ${(err as Error).message}`);
  }
}
