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
 * and times become Date (dates at 00:00 UTC), references become ObjectId. Expects a
 * value that has passed validation; null and undefined mean "no value" and are unset.
 */
export function toStorage(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const type = storageType(field as AnyField);
  if (DECIMAL.has(type)) return Decimal128.fromString(String(value));
  if (type === 'date') return new Date(`${String(value)}T00:00:00.000Z`);
  if (type === 'datetime') return new Date(String(value));
  if ((type === 'lookup' || type === 'user') && typeof value === 'string' && ObjectId.isValid(value)) return new ObjectId(value);
  return value;
}

/** Stored value → API value: the inverse of toStorage. */
export function fromStorage(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const type = storageType(field as AnyField);
  if (value instanceof Decimal128) return normalizeDecimal(value.toString());
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
