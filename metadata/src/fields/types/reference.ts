import { converted, refused, type Conversion } from '../conversion.js';
import type { AnyFieldSettings } from '../field-type-definition.js';

/** The value schema of a reference: a 24-hex id. */
export const REFERENCE_ID = { type: 'string', pattern: '^[0-9a-f]{24}$' } as const;

/**
 * A reference converts only to a reference of the same kind (and, for a record
 * reference, the same target entity): an id means nothing anywhere else.
 */
export function convertReference(value: unknown, to: AnyFieldSettings, from: AnyFieldSettings | undefined): Conversion {
  const same = from !== undefined && from.type === to.type && from.target === to.target;
  if (same) return converted(value);
  const of = typeof to.target === 'string' ? ` of ${to.target}` : '';
  return refused('INVALID', {}, `a ${from?.type ?? 'text'} value cannot become a ${to.type}${of}`);
}
