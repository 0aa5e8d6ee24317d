/** Escapes text so that a regular expression matches it literally (PCRE and JavaScript alike). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `{$regex, $options: 'i'}` matching `text` anywhere, case-insensitively; `^`-anchored with `anchored`. */
export function containsRegex(text: string, anchored = false): { $regex: string; $options: 'i' } {
  return { $regex: `${anchored ? '^' : ''}${escapeRegex(text)}`, $options: 'i' };
}
