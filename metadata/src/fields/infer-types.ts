import { FORMATS, isCalendarDate } from './formats.js';

// Proposes a field type per column of a spreadsheet from its values, for "entity from
// a spreadsheet" (issue #17). Pure and isomorphic, so the designer and the server (a
// preview route, an import) propose the same thing. The admin corrects the proposal;
// it never has to be right, only a good start that loses nothing: when in doubt, text.

/** A cell as a CSV (always text) or an XLSX parser (numbers, booleans, dates) gives it. */
export type SheetCell = string | number | boolean | Date | null | undefined;

/** Another entity whose record names a column may hold (a lookup proposal). */
export interface LookupCandidate {
  entity: string;
  /** The display values of its records, as the import matches them. */
  names: ReadonlySet<string>;
}

export interface InferOptions {
  /** At most this many distinct values make a single select (default 12). */
  maxOptions?: number;
  /** Entities a column's values may name (for lookups). */
  lookups?: readonly LookupCandidate[];
}

export type InferredType =
  'text' | 'long_text' | 'integer' | 'decimal' | 'date' | 'datetime' | 'email' | 'phone' | 'url' | 'boolean' | 'single_select' | 'lookup';

export interface InferredColumn {
  /** The column's index in the sheet. */
  index: number;
  header: string;
  type: InferredType;
  /** For a decimal: the most digits after the point seen. */
  scale?: number;
  /** For a single select: the distinct values, in order of first appearance. */
  options?: string[];
  /** For a lookup: the entity whose records the values name. */
  target?: string;
  /** Up to five distinct non-empty values, as text, for the admin to judge by. */
  samples: string[];
  /** How many rows leave the column empty. */
  empty: number;
}

const TRUE = new Set(['true', 'yes', 'y', '是', '对', 'x', '✓']);
const FALSE = new Set(['false', 'no', 'n', '否', '错', '']);
const PHONE_HEADER = /phone|mobile|\btel\b|telephone|电话|手机|联系方式/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The cell as the text an import would read (a date as ISO, a whole-day date as YYYY-MM-DD). */
export function cellText(cell: SheetCell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date)
    return Number.isNaN(cell.getTime()) ? '' : isMidnightUtc(cell) ? cell.toISOString().slice(0, 10) : cell.toISOString();
  return String(cell).trim();
}

const digits = (s: string) => s.replace(/\D/g, '').length;
const isMidnightUtc = (d: Date) =>
  d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;

/** Proposes a type for every column of `headers`, from the `rows` below them. */
export function inferColumns(
  headers: readonly string[],
  rows: readonly (readonly SheetCell[])[],
  options: InferOptions = {},
): InferredColumn[] {
  return headers.map((header, index) =>
    inferColumn(
      header,
      index,
      rows.map((row) => row[index]),
      options,
    ),
  );
}

function inferColumn(header: string, index: number, cells: readonly SheetCell[], options: InferOptions): InferredColumn {
  const texts = cells.map(cellText);
  const values = texts.filter((t) => t !== '');
  const distinct = [...new Set(values)];
  const base = { index, header, samples: distinct.slice(0, 5), empty: texts.length - values.length };
  if (values.length === 0) return { ...base, type: 'text' };
  const typed = cells.filter((c) => c !== null && c !== undefined && c !== '');
  const all = (test: (s: string) => boolean) => values.every(test);

  if (
    typed.every((c) => typeof c === 'boolean') ||
    (distinct.length <= 2 &&
      all((s) => TRUE.has(s.toLowerCase()) || FALSE.has(s.toLowerCase())) &&
      distinct.some((s) => TRUE.has(s.toLowerCase())) &&
      !all((s) => /^\d+$/.test(s)))
  ) {
    return { ...base, type: 'boolean' };
  }
  // A header that says phone wins over digits (a Chinese mobile number is 11 digits).
  if (PHONE_HEADER.test(header) && all((s) => FORMATS.phone.test(s))) return { ...base, type: 'phone' };
  // A leading zero is kept as text (a code, a phone), so it is not a number.
  const leadingZero = values.some((s) => /^-?0\d/.test(s));
  if (!leadingZero && all((s) => FORMATS.integer.test(s))) return { ...base, type: 'integer' };
  if (!leadingZero && all((s) => FORMATS.decimal.test(s)))
    return { ...base, type: 'decimal', scale: Math.max(...values.map((s) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0))) };
  if (all(isCalendarDate)) return { ...base, type: 'date' };
  if (all((s) => DATETIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))))) return { ...base, type: 'datetime' };
  if (all((s) => FORMATS.email.test(s))) return { ...base, type: 'email' };
  if (all((s) => FORMATS.url.test(s))) return { ...base, type: 'url' };
  // Phone after the numbers: a column of plain digits is a number unless it has the
  // shape of a phone (a leading +, separators, or a leading zero kept as text).
  if (all((s) => FORMATS.phone.test(s) && digits(s) >= 6) && values.some((s) => /^\+|[ ()-]|^0/.test(s))) return { ...base, type: 'phone' };
  const target = options.lookups?.find((candidate) => candidate.names.size > 0 && all((s) => candidate.names.has(s)));
  if (target) return { ...base, type: 'lookup', target: target.entity };
  const maxOptions = options.maxOptions ?? 12;
  // Options from repeated values: few distinct values, each seen more than once on average.
  if (distinct.length <= maxOptions && values.length >= distinct.length * 2 && all((s) => s.length <= 40))
    return { ...base, type: 'single_select', options: distinct };
  if (values.some((s) => s.length > 200 || s.includes('\n'))) return { ...base, type: 'long_text' };
  return { ...base, type: 'text' };
}
