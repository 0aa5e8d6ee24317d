/** What a key may be (common.schema.json `key`). */
export const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
const MAX_KEY = 48;

/**
 * A key suggested from a label: the English label in lower case with underscores
 * (`Close date` → `close_date`), made unique among `taken` (`close_date_2`); a label
 * with nothing usable in it (Chinese only, say) gives `<fallback>_N`.
 */
export function suggestKey(label: string, taken: ReadonlySet<string>, fallback = 'field'): string {
  let base = label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_KEY - 3);
  if (base !== '' && !/^[a-z]/.test(base)) base = `${fallback}_${base}`.slice(0, MAX_KEY - 3);
  if (base === '') {
    for (let n = 1; ; n++) if (!taken.has(`${fallback}_${n}`)) return `${fallback}_${n}`;
  }
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}
