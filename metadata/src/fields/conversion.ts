import { problemMessage } from '../schema/problem-messages.js';
import type { ProblemCode } from '../schema/problems.js';

/** A value that converts, or why not: a problem code and params (see problemMessage) and their English. */
export type Conversion = { ok: true; value: unknown } | { ok: false; reason: string; code: ProblemCode; params?: Record<string, unknown> };

/** A value that converts. */
export const converted = (value: unknown): Conversion => ({ ok: true, value });

/** A failure in the catalogue's words, so an import says what the API says of the same value. */
export const refused = (code: ProblemCode, params: Record<string, unknown>, reason?: string): Conversion => ({
  ok: false,
  code,
  params,
  reason: problemMessage({ code, params, ...(reason === undefined ? {} : { message: reason }) }, 'en'),
});
