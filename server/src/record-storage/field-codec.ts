import { Decimal128, ObjectId } from 'mongodb';
import { fieldTraits, withScale, type Field, type StorageKind } from '@metacrm/metadata';

export { withScale } from '@metacrm/metadata';

type AnyField = Field & Record<string, unknown>;

/** The storage codecs, by the storage kind a field type declares (FieldTypeDefinition.storage). */
const ENCODE: Record<StorageKind, (value: unknown) => unknown> = {
  as_is: (value) => value,
  decimal128: (value) => Decimal128.fromString(String(value)),
  date: (value) => new Date(`${String(value)}T00:00:00.000Z`),
  datetime: (value) => new Date(String(value)),
  // Only a well-formed id becomes an ObjectId; validation has refused anything else.
  object_id: (value) => (typeof value === 'string' && /^[0-9a-f]{24}$/.test(value) ? new ObjectId(value) : value),
};

/**
 * How a field is stored: its type's storage kind, refined by its settings (a formula
 * stores what its result type stores, a roll-up count an integer). A type the
 * built-in registry does not know (a plugin's) keeps its API value.
 */
function storageOf(field: AnyField): StorageKind {
  return fieldTraits(field)?.storage ?? 'as_is';
}

/**
 * API value → stored value. Decimals become Decimal128 (never a binary float), dates
 * and times become Date (dates at 00:00 UTC), record references become ObjectId. Expects a
 * value that has passed validation; null and undefined mean "no value" and are unset.
 */
export function toStorage(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return ENCODE[storageOf(field as AnyField)](value);
}

/** Stored value → API value: the inverse of toStorage. */
export function fromStorage(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Decimal128) return withScale(normalizeDecimal(value.toString()), (field as AnyField).scale);
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Date) return storageOf(field as AnyField) === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
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
