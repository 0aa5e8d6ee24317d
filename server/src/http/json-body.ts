import getRawBody from 'raw-body';
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from '../errors/index.js';
import type { AppContext } from './context.js';
import { readFromClient } from './load-shedding.middleware.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/**
 * Far deeper than any valid metadata or record (json-logic stops at 24 levels), so a
 * too-deep expression still gets its own problem with a pointer at publish; shallow
 * enough for the reviver's recursion and the validators that walk the document.
 */
export const MAX_JSON_DEPTH = 1_000;

/**
 * Reads and parses a JSON request body, on demand, for the routes that take one.
 * Keys that could reach Object.prototype (`__proto__`, `constructor`, `prototype`)
 * are dropped at parse time, so no later merge or spread can be polluted by them.
 */
export async function jsonBody(ctx: AppContext, options: { limit?: string } = {}): Promise<unknown> {
  if (!ctx.is('application/json')) {
    throw UnsupportedMediaType('The request body must be JSON (Content-Type: application/json)');
  }
  const charset = ctx.request.charset.toLowerCase();
  if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw BadRequest(
      `The request body must be UTF-8, not ${charset.slice(0, 40)}`,
      bodyProblem('UNSUPPORTED_CHARSET', 'only charset=utf-8 is accepted'),
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFromClient(() =>
      getRawBody(ctx.req, { limit: options.limit ?? '1mb', length: ctx.get('Content-Length') || undefined }),
    );
  } catch (err) {
    const e = err as { type?: string; limit?: number };
    if (e.type === 'entity.too.large') throw PayloadTooLarge(`The request body is larger than ${options.limit ?? '1mb'}`);
    throw BadRequest('The request body could not be read', undefined, { cause: err });
  }
  let text: string;
  try {
    // Fatal: a lenient decoder would store U+FFFD in place of the bytes it could not read.
    text = UTF8.decode(bytes);
  } catch {
    throw BadRequest('The request body is not valid UTF-8', bodyProblem('INVALID_UTF8', 'not valid UTF-8'));
  }
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw BadRequest(
      `The request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
      bodyProblem('TOO_DEEP', `nested more than ${MAX_JSON_DEPTH} levels`),
    );
  }
  try {
    return JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value));
  } catch (err) {
    // Only a SyntaxError's message describes the body; anything else is no business of the client.
    const reason = err instanceof SyntaxError ? err.message : 'it could not be parsed';
    throw BadRequest(`The request body is not valid JSON: ${reason}`, bodyProblem('INVALID_JSON', reason));
  }
}

/** `details` naming the whole body (pointer '') as the problem. */
function bodyProblem(code: string, message: string): { problems: { pointer: string; code: string; message: string }[] } {
  return { problems: [{ pointer: '', code, message }] };
}

/**
 * The deepest nesting of arrays and objects in JSON text, counted outside strings
 * without parsing: JSON.parse's reviver recurses, so a body of 100,000 brackets would
 * overflow the stack.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}
