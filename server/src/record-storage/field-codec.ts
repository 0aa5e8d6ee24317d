import { Decimal128, ObjectId } from 'mongodb';
import type { Field } from '@metacrm/metadata';

type AnyField = Field & Record<string, unknown>;
const DECIMAL = new Set(['decimal', 'currency', 'percent']);

/** The storage kind of a field: formulas and roll-ups store what they compute. */
function storageType(field: AnyField): string {
  if (field.type === 'formula') return String(field.resultType);
  if (field.type === 'rollup') return field.function === 'count' ? 'integer' : 'decimal';
  return field.type;
}

/**
 * API value → stored value. Decimals become Decimal128 (never a binary float), dates
 * and times become Date (dates at 00:00 UTC), record references become ObjectId. Expects a
 * value that has passed validation; null and undefined mean "no value" and are unset.
 */
export function toStorage(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const type = storageType(field as AnyField);
  if (DECIMAL.has(type)) return Decimal128.fromString(String(value));
  if (type === 'date') return new Date(`${String(value)}T00:00:00.000Z`);
  if (type === 'datetime') return new Date(String(value));
  // Record references are ObjectIds; user references stay strings (users may come from
  // another directory, and the system actor's id is not an ObjectId).
  if (type === 'lookup' && typeof value === 'string' && /^[0-9a-f]{24}$/.test(value)) return new ObjectId(value);
  return value;
}

/** Stored value → API value: the inverse of toStorage. */
export function fromStorage(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const type = storageType(field as AnyField);
  if (value instanceof Decimal128) return withScale(normalizeDecimal(value.toString()), (field as AnyField).scale);
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Date) return type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  return value;
}

/** Decimal128 prints some values in exponent form (1E+3); the API always uses plain digits. */
export function normalizeDecimal(text: string): string {
  if (!/[eE]/.test(text)) return text;
  const [mantissa = '0', exp = '0'] = text.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [int = '0', frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  const point = int.length + Number(exp);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, '');
  return negative ? `-${out}` : out;
}

/**
 * Pads a decimal string to the field's scale, so money reads the same however it was
 * written ('2000' -> '2000.00'). Stored values never have more places than the scale,
 * because validation refuses them and formulas round before storing.
 */
export function withScale(text: string, scale: unknown): string {
  if (typeof scale !== 'number' || scale <= 0) return text;
  const [int, frac = ''] = text.split('.');
  return frac.length >= scale ? text : `${int}.${frac.padEnd(scale, '0')}`;
}
