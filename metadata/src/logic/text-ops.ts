/**
 * Text and emptiness operations. Each takes what the data may hold, so a value of the
 * wrong type (a number given to `upper`, a null field) gives null or false, never an
 * error: a rule over a half-filled form must still evaluate.
 */

/** `lower`: the string in lower case (locale-independent, so every browser agrees); null for a non-string. */
export function lower(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

/** `upper`: the string in upper case (locale-independent); null for a non-string. */
export function upper(value: unknown): string | null {
  return typeof value === 'string' ? value.toUpperCase() : null;
}

/** `trim`: the string without leading and trailing white space; null for a non-string. */
export function trim(value: unknown): string | null {
  return typeof value === 'string' ? value.trim() : null;
}

/**
 * `length`: characters of a string, counted as JSON Schema's maxLength counts them (code
 * points, so an emoji is one), or items of a list; 0 for null, an empty field; null otherwise.
 */
export function length(value: unknown): number | null {
  if (typeof value === 'string') {
    let count = 0;
    for (const _ of value) count++;
    return count;
  }
  if (Array.isArray(value)) return value.length;
  return value === null ? 0 : null;
}

/** `contains` [text | list, needle]: substring of a string (case-sensitive), or an item of a list (===). */
export function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  return Array.isArray(haystack) && haystack.includes(needle);
}

/** `starts_with` [text, prefix]: false unless both are strings. */
export function startsWith(value: unknown, prefix: unknown): boolean {
  return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
}

/** `ends_with` [text, suffix]: false unless both are strings. */
export function endsWith(value: unknown, suffix: unknown): boolean {
  return typeof value === 'string' && typeof suffix === 'string' && value.endsWith(suffix);
}

/** `is_empty` [value]: true for null, '' and []; false for everything else, 0, false and '  ' included. */
export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}
