import type { Field } from '../generated/types.js';
import { fieldTypeOf } from './field-types.js';

/** Prefix of the hidden document key that holds a unique text field's comparison key. */
export const UNIQUE_KEY_PREFIX = '_uq_';

/**
 * True when a unique field compares normalized text (see normalizeUniqueText) rather
 * than the stored value: a unique field of a type that says so (`uniqueIgnoresCase`:
 * text, email, phone, url) without `uniqueExact`.
 */
export function isNormalizedUnique(field: Field): boolean {
  const f = field as { unique?: boolean; uniqueExact?: boolean };
  return f.unique === true && f.uniqueExact !== true && fieldTypeOf(field.type)?.uniqueIgnoresCase === true;
}

/**
 * The document key a field's unique index covers: the field itself, or for a
 * normalized unique field the hidden `_uq_<field>` key (never shown by the API; field
 * keys start with a letter, so it cannot collide with one).
 */
export function uniqueIndexKey(field: Field): string {
  return isNormalizedUnique(field) ? `${UNIQUE_KEY_PREFIX}${field.key}` : field.key;
}

/**
 * The comparison key of a unique text value: Unicode-normalized (NFKC, so that
 * full-width and composed forms compare equal), trimmed and lower-cased
 * locale-independently. 'Acme Corp' and ' acme corp ' have the same key.
 */
export function normalizeUniqueText(value: unknown): string {
  return String(value).normalize('NFKC').trim().toLocaleLowerCase('und');
}
