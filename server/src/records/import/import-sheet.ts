import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../errors/app-error.js';
import { parseCsv } from './csv-parse.js';
import { ImportFileInvalid, ImportTooManyColumns, ImportTooManyRows } from './import.errors.js';

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const CSV_ENCODINGS = ['utf-8', 'gb18030'] as const;
/** CSV text encodings: UTF-8 (a BOM is dropped), or GB18030 as Excel on Chinese Windows saves. */
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export const IMPORT_LIMITS = { fileBytes: 20 * 1024 * 1024, rows: 100_000, columns: 200 } as const;

/** A cell as read: CSV gives text; XLSX also gives numbers, booleans and dates. */
export type SheetCell = string | number | boolean | Date | null;

/** One row below the header: its row number in the sheet (the header is 1) and its cells. */
export interface SheetRow {
  number: number;
  cells: SheetCell[];
}

export interface SheetOptions {
  /** The XLSX worksheet by name; the first one when absent. */
  sheet?: string | undefined;
  encoding?: CsvEncoding | undefined;
}

/** What the import route checks before it accepts a file: its header and row count. */
export interface SheetSummary {
  headers: string[];
  total: number;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Refuses a file whose bytes do not match its declared format (an XLSX is a zip; a CSV is text). */
export function checkFormat(file: Buffer, format: ImportFormat): void {
  const zip = file.subarray(0, 4).equals(ZIP_MAGIC);
  if (format === 'xlsx' && !zip) throw ImportFileInvalid('The file is not an XLSX workbook', { format });
  if (format === 'csv' && (zip || file.subarray(0, 8192).includes(0))) throw ImportFileInvalid('The file is not CSV text', { format });
}

/** CSV bytes → text in the given encoding; bytes that are not valid in it are refused. */
export function decodeCsv(file: Buffer, encoding: CsvEncoding = 'utf-8'): string {
  const body = encoding === 'utf-8' && file.subarray(0, 3).equals(UTF8_BOM) ? file.subarray(3) : file;
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch {
    throw ImportFileInvalid(`The file is not ${encoding} text; save it as "CSV UTF-8" or pass encoding`, { encoding });
  }
}

/** The header and every row of the file, one at a time. Rows with no value at all are skipped. */
export async function* sheetRows(file: Buffer, format: ImportFormat, options: SheetOptions = {}): AsyncGenerator<SheetRow> {
  const source = format === 'csv' ? csvRows(file, options.encoding) : xlsxRows(file, options.sheet);
  for await (const row of source) {
    if (row.cells.some((c) => c !== null && c !== '')) yield row;
  }
}

/**
 * Reads the header row and counts the data rows, enforcing the limits, so that a bad
 * file is refused at upload rather than failing in the worker later.
 */
export async function summarizeSheet(file: Buffer, format: ImportFormat, options: SheetOptions = {}): Promise<SheetSummary> {
  let headers: string[] | undefined;
  let total = 0;
  try {
    for await (const row of sheetRows(file, format, options)) {
      if (headers === undefined) {
        headers = row.cells.map((c) => cellText(c).trim());
        if (headers.length > IMPORT_LIMITS.columns)
          throw ImportTooManyColumns(`The file has ${headers.length} columns; at most ${IMPORT_LIMITS.columns} can be imported`);
      } else if (++total > IMPORT_LIMITS.rows) {
        throw ImportTooManyRows(`The file has more than ${IMPORT_LIMITS.rows} rows`);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw ImportFileInvalid(`The file could not be read as ${format.toUpperCase()}`, { format }, { cause: err });
  }
  if (headers === undefined) throw ImportFileInvalid('The file has no header row', { format });
  return { headers, total };
}

/** A cell's text as a person would type it (dates as ISO, numbers in plain digits). */
export function cellText(cell: SheetCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

async function* csvRows(file: Buffer, encoding: CsvEncoding | undefined): AsyncGenerator<SheetRow> {
  for (const record of parseCsv(decodeCsv(file, encoding))) yield { number: record.number, cells: record.fields };
}

async function* xlsxRows(file: Buffer, sheet: string | undefined): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let found = false;
  for await (const worksheet of reader) {
    const name = (worksheet as unknown as { name?: string }).name;
    if (found || (sheet !== undefined && name !== sheet)) continue;
    found = true;
    for await (const row of worksheet) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      yield { number: row.number, cells: Array.from(values, xlsxCell) };
    }
  }
  if (!found)
    throw ImportFileInvalid(sheet === undefined ? 'The workbook has no worksheet' : `The workbook has no worksheet "${sheet}"`, { sheet });
}

/** An exceljs cell value → a plain cell: formulas give their result, rich text its text. */
function xlsxCell(value: ExcelJS.CellValue): SheetCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('error' in value) return null;
  if ('result' in value) return value.result === undefined ? null : xlsxCell(value.result as ExcelJS.CellValue);
  if ('text' in value) return typeof value.text === 'string' ? value.text : null;
  return null;
}
