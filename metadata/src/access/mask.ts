/** How a role shows a field it may read only in part (e.g. 138****1234). */
export interface FieldMask {
  keepStart?: number;
  keepEnd?: number;
  char?: string;
}

/**
 * The masked form of a value: its text with all but the first `keepStart` and last
 * `keepEnd` characters replaced. A value too short to hide anything that way is hidden
 * whole, so a mask meant for phone numbers never gives away a short value. Counted in
 * code points, so Chinese text and emoji are masked by character.
 */
export function maskValue(value: unknown, mask: FieldMask): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, mask));
  const chars = [...String(value)];
  const char = mask.char ?? '*';
  const keep = (mask.keepStart ?? 0) + (mask.keepEnd ?? 0);
  if (chars.length <= keep) return char.repeat(chars.length);
  const start = mask.keepStart ?? 0;
  const end = mask.keepEnd ?? 0;
  return chars.slice(0, start).join('') + char.repeat(chars.length - start - end) + (end > 0 ? chars.slice(-end).join('') : '');
}
