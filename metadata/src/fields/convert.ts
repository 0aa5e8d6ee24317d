import type { Field } from '../generated/types.js';
import { problemMessage } from '../schema/problem-messages.js';
import type { ProblemCode } from '../schema/problems.js';
import { FORMATS, compareDecimals, decimalScale, isCalendarDate, isDateTime } from './formats.js';

/** A value that converts, or why not: a problem code and params (see problemMessage) and their English. */
export type Conversion = { ok: true; value: unknown } | { ok: false; reason: string; code: ProblemCode; params?: Record<string, unknown> };

type AnyField = Field & Record<string, unknown>;
const ok = (value: unknown): Conversion => ({ ok: true, value });
/** A failure in the catalogue's words, so an import says what the API says of the same value. */
const fail = (code: ProblemCode, params: Record<string, unknown>, reason?: string): Conversion => ({ ok: false, code, params, reason: problemMessage({ code, params, ...(reason === undefined ? {} : { message: reason }) }, 'en') });

const TEXTUAL = new Set(['text', 'long_text', 'rich_text', 'email', 'phone', 'url']);
const DECIMAL = new Set(['decimal', 'currency', 'percent']);
const COMPUTED = new Set(['formula', 'rollup', 'auto_number']);

/**
 * Converts one API value of field `from` into a value for field `to` (after a type or
 * settings change), or says why it cannot. Never rounds or truncates: a value that
 * would lose information does not convert. Computed targets are recomputed, not
 * converted, so any value converts to them (as null).
 */
export function convertValue(value: unknown, from: Field, to: Field): Conversion {
  const target = to as AnyField;
  if (value === null || value === undefined || value === '') return ok(null);
  if (COMPUTED.has(target.type)) return ok(null);
  if (from.type === 'lookup' || from.type === 'user' || target.type === 'lookup' || target.type === 'user') {
    const same = from.type === target.type && (from as AnyField).target === target.target;
    return same ? ok(value) : fail('INVALID', {}, `a ${from.type} value cannot become a ${target.type}${target.type === 'lookup' ? ` of ${String(target.target)}` : ''}`);
  }
  if (from.type === 'attachment' || target.type === 'attachment') {
    return from.type === target.type ? ok(value) : fail('INVALID', {}, 'attachments convert only to attachments');
  }
  if (TEXTUAL.has(target.type)) return toText(value, target);
  if (target.type === 'integer') return toInteger(value, target);
  if (DECIMAL.has(target.type)) return toDecimal(value, target);
  if (target.type === 'boolean') return toBoolean(value);
  if (target.type === 'date') return toDate(value);
  if (target.type === 'datetime') return toDateTime(value);
  if (target.type === 'single_select') return toSelect(Array.isArray(value) && value.length === 1 ? value[0] : value, target);
  if (target.type === 'multi_select') {
    const items = Array.isArray(value) ? value : String(value).split(/\s*[,;，；]\s*/).filter(Boolean);
    const converted = items.map((v) => toSelect(v, target));
    const bad = converted.find((c) => !c.ok);
    return bad ?? ok(converted.map((c) => (c as { value: unknown }).value));
  }
  return fail('INVALID', {}, `no conversion to ${target.type}`);
}

function toText(value: unknown, to: AnyField): Conversion {
  const text = Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const max = typeof to.maxLength === 'number' ? to.maxLength : 255;
  if (text.length > max) return fail('OUT_OF_RANGE', { maxLength: max });
  const format = FORMATS[to.type as 'email' | 'phone' | 'url'] as RegExp | undefined;
  if (format && !format.test(text)) return fail('BAD_FORMAT', { format: to.type });
  return ok(text);
}

function toInteger(value: unknown, to: AnyField): Conversion {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/\.0+$/, '') : '';
  if (!FORMATS.integer.test(text) || !Number.isSafeInteger(Number(text))) return fail('BAD_FORMAT', { format: 'integer' });
  const n = Number(text);
  if (typeof to.min === 'number' && n < to.min) return fail('OUT_OF_RANGE', { min: to.min });
  if (typeof to.max === 'number' && n > to.max) return fail('OUT_OF_RANGE', { max: to.max });
  return ok(n);
}

function toDecimal(value: unknown, to: AnyField): Conversion {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!FORMATS.decimal.test(text)) return fail('BAD_FORMAT', { format: 'decimal' });
  const scale = typeof to.scale === 'number' ? to.scale : 2;
  if (decimalScale(text.replace(/0+$/, '').replace(/\.$/, '')) > scale) return fail('BAD_FORMAT', { format: 'decimal', scale });
  if (typeof to.min === 'string' && compareDecimals(text, to.min) < 0) return fail('OUT_OF_RANGE', { min: to.min });
  if (typeof to.max === 'string' && compareDecimals(text, to.max) > 0) return fail('OUT_OF_RANGE', { max: to.max });
  return ok(text);
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '对']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '错']);

function toBoolean(value: unknown): Conversion {
  if (typeof value === 'boolean') return ok(value);
  const text = String(value).trim().toLowerCase();
  if (TRUE.has(text)) return ok(true);
  if (FALSE.has(text)) return ok(false);
  return fail('BAD_FORMAT', { format: 'boolean' });
}

function toDate(value: unknown): Conversion {
  const text = String(value).trim();
  if (isCalendarDate(text)) return ok(text);
  if (isDateTime(text)) return ok(new Date(text).toISOString().slice(0, 10));
  return fail('BAD_FORMAT', { format: 'date' });
}

function toDateTime(value: unknown): Conversion {
  const text = String(value).trim();
  if (isDateTime(text)) return ok(new Date(text).toISOString());
  if (isCalendarDate(text)) return ok(`${text}T00:00:00.000Z`);
  return fail('BAD_FORMAT', { format: 'date-time' });
}

function toSelect(value: unknown, to: AnyField): Conversion {
  const options = (to.options as { key: string; label: Record<string, string> }[] | undefined) ?? [];
  const text = String(value).trim();
  const match = options.find((o) => o.key === text || Object.values(o.label).includes(text));
  return match ? ok(match.key) : fail('NOT_ALLOWED_VALUE', { value: text, allowed: options.map((o) => o.key) });
}
