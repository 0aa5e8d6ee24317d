/**
 * A small RFC 4180 CSV reader that yields one record at a time, so a large file is
 * never held twice in memory as parsed cells. Quoted fields may hold the delimiter,
 * doubled quotes and line breaks; records end at CRLF, LF or CR.
 */

const DELIMITERS = [',', ';', '\t'] as const;

/** One CSV record: its 1-based record number (the header is 1) and its fields. */
export interface CsvRecord {
  number: number;
  fields: string[];
}

/**
 * The delimiter of a file: the one of `,` `;` tab that occurs most often in the first
 * record outside quotes (spreadsheets in some locales save `;`), `,` when none does.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** Parses CSV text (without BOM) into records. A final line break adds no record. */
export function* parseCsv(text: string, delimiter = sniffDelimiter(text)): Generator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let number = 0;
  let i = 0;
  const n = text.length;
  const endRecord = (): CsvRecord => {
    fields.push(field);
    const record = { number: ++number, fields };
    fields = [];
    field = '';
    return record;
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const close = quotedEnd(text, i + 1);
      field = text.slice(i + 1, close).replace(/""/g, '"');
      i = close + 1;
      // Anything between the closing quote and the delimiter is kept, as spreadsheets do.
      while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      yield endRecord();
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== '' || fields.length > 0) yield endRecord();
}

/** The index of the quote closing a quoted field that starts at `from`, or the end of text. */
function quotedEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return text.length;
    if (text[q + 1] !== '"') return q;
    i = q + 2;
  }
}
