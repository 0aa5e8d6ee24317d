import field from '../../../schemas/field.schema.json' with { type: 'json' };
import type { JsonSchema } from '../../schema/meta-schemas.js';
import { makeProblem } from '../../schema/problem-messages.js';
import type { Problem } from '../../schema/problems.js';
import { converted, refused, type Conversion } from '../conversion.js';
import type { AnyFieldSettings, FieldTypeDefinition, FilterOp } from '../field-type-definition.js';
import { FORMATS, compareDecimals, decimalScale, isCalendarDate, isDateTime } from '../formats.js';

/*
 * What several built-in types share: operator sets, setting readers and the
 * text -> value conversions. Each type's module picks from here; nothing here knows a
 * type by name.
 */

export const EQUALITY: readonly FilterOp[] = ['eq', 'ne', 'in', 'nin', 'isEmpty', 'isNotEmpty'];
export const ORDERED: readonly FilterOp[] = [...EQUALITY, 'gt', 'gte', 'lt', 'lte', 'between'];
export const TEXT: readonly FilterOp[] = [...EQUALITY, 'contains', 'notContains', 'startsWith'];
export const DATES: readonly FilterOp[] = [...ORDERED, 'relative'];
export const LONG_TEXT: readonly FilterOp[] = ['contains', 'notContains', 'isEmpty', 'isNotEmpty'];

type Defs = Record<string, { properties?: Record<string, JsonSchema>; required?: string[] }>;

/** A built-in type's own settings, from its branch of field.schema.json (the source of the generated types). */
export function settingsOf(type: string): JsonSchema {
  const branch = (field.$defs as Defs)[type];
  if (!branch) throw new Error(`field.schema.json has no branch for ${type}`);
  const { type: _discriminator, ...properties } = branch.properties ?? {};
  return { type: 'object', properties, required: (branch.required ?? []).filter((k) => k !== 'type') };
}

/** A number setting, or the fallback. */
export function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** The option keys of a select. */
export function optionKeys(field: AnyFieldSettings): string[] {
  return ((field.options as { key: string }[] | undefined) ?? []).map((o) => o.key);
}

/** A trimmed blank string is no value; other values pass. */
export function blankIsNull(_field: AnyFieldSettings, value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? null : value;
}

/** Any value as text within the field's maxLength, checked against a format when given. */
export function toText(value: unknown, to: AnyFieldSettings, format?: RegExp, formatName?: string): Conversion {
  const text = Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const max = typeof to.maxLength === 'number' ? to.maxLength : 255;
  if (text.length > max) return refused('OUT_OF_RANGE', { maxLength: max });
  if (format && !format.test(text)) return refused('BAD_FORMAT', { format: formatName });
  return converted(text);
}

/** A whole number within the field's min and max; '12.0' is 12. */
export function toInteger(value: unknown, to: AnyFieldSettings): Conversion {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/\.0+$/, '') : '';
  if (!FORMATS.integer.test(text) || !Number.isSafeInteger(Number(text))) return refused('BAD_FORMAT', { format: 'integer' });
  const n = Number(text);
  if (typeof to.min === 'number' && n < to.min) return refused('OUT_OF_RANGE', { min: to.min });
  if (typeof to.max === 'number' && n > to.max) return refused('OUT_OF_RANGE', { max: to.max });
  return converted(n);
}

/** An exact decimal within the field's scale and range; never rounded. */
export function toDecimal(value: unknown, to: AnyFieldSettings): Conversion {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!FORMATS.decimal.test(text)) return refused('BAD_FORMAT', { format: 'decimal' });
  const scale = typeof to.scale === 'number' ? to.scale : 2;
  if (decimalScale(text.replace(/0+$/, '').replace(/\.$/, '')) > scale) return refused('BAD_FORMAT', { format: 'decimal', scale });
  if (typeof to.min === 'string' && compareDecimals(text, to.min) < 0) return refused('OUT_OF_RANGE', { min: to.min });
  if (typeof to.max === 'string' && compareDecimals(text, to.max) > 0) return refused('OUT_OF_RANGE', { max: to.max });
  return converted(text);
}

/** A calendar date; a date-time gives its UTC day. */
export function toDate(value: unknown): Conversion {
  const text = String(value).trim();
  if (isCalendarDate(text)) return converted(text);
  if (isDateTime(text)) return converted(new Date(text).toISOString().slice(0, 10));
  return refused('BAD_FORMAT', { format: 'date' });
}

/** An instant in ISO form; a date is its 00:00 UTC. */
export function toDateTime(value: unknown): Conversion {
  const text = String(value).trim();
  if (isDateTime(text)) return converted(new Date(text).toISOString());
  if (isCalendarDate(text)) return converted(`${text}T00:00:00.000Z`);
  return refused('BAD_FORMAT', { format: 'date-time' });
}

/** One option, by key or by its label in either language. */
export function toOption(value: unknown, to: AnyFieldSettings): Conversion {
  const options = (to.options as { key: string; label: Record<string, string> }[] | undefined) ?? [];
  const text = String(value).trim();
  const match = options.find((o) => o.key === text || Object.values(o.label).includes(text));
  return match ? converted(match.key) : refused('NOT_ALLOWED_VALUE', { value: text, allowed: options.map((o) => o.key) });
}

/** The label of an option in a language, or its key. */
export function optionLabel(field: AnyFieldSettings, key: unknown, lang: string): string {
  const options = (field.options as { key: string; label: Record<string, string> }[] | undefined) ?? [];
  return options.find((o) => o.key === key)?.label[lang] ?? String(key);
}

/** Options retired (active: false) that a write chose and the record did not hold before. */
export function retiredChoices(field: AnyFieldSettings, value: unknown, before: unknown): Problem[] {
  const retired = new Set(
    ((field.options as { key: string; active?: boolean }[]) ?? []).filter((o) => o.active === false).map((o) => o.key),
  );
  const held = new Set([before].flat());
  const chosen = [value].flat().filter((v) => retired.has(String(v)) && !held.has(v));
  return chosen.length > 0 ? [makeProblem(`/${field.key}`, 'NOT_ALLOWED_VALUE', { retired: chosen })] : [];
}

/** The traits every plain (stored, not computed) type starts from. */
export function stored(type: string, traits: Omit<FieldTypeDefinition, 'type' | 'computed' | 'settingsSchema'>): FieldTypeDefinition {
  return { type, computed: false, settingsSchema: settingsOf(type), ...traits };
}
