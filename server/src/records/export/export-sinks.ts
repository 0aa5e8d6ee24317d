import type { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { UTF8_BOM, csvLine } from './csv-write.js';
import type { ExportCell, ExportColumn } from './export-values.js';
import { neutralize } from './neutralize.js';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Writes an export row by row into a stream, waiting whenever the client reads slower. */
export interface ExportSink {
  header(labels: readonly string[]): Promise<void>;
  row(cells: readonly ExportCell[]): Promise<void>;
  /** Called after each page: waits until the client has taken what was written. */
  flush(): Promise<void>;
  end(): Promise<void>;
}

/** Thrown when the client went away mid-export. */
export class ExportAborted extends Error {
  constructor() {
    super('The client closed the connection during the export');
  }
}

export function createSink(format: ExportFormat, out: PassThrough, columns: readonly ExportColumn[], sheetName: string): ExportSink {
  return format === 'csv' ? csvSink(out) : xlsxSink(out, columns, sheetName);
}

function csvSink(out: PassThrough): ExportSink {
  return {
    header: (labels) => write(out, UTF8_BOM + csvLine(labels)),
    row: (cells) => write(out, csvLine(cells.map((c) => c.text))),
    flush: () => drained(out),
    end: async () => {
      out.end();
    },
  };
}

/** XLSX through exceljs's streaming writer: each row is committed and leaves memory. */
function xlsxSink(out: PassThrough, columns: readonly ExportColumn[], sheetName: string): ExportSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  const formats = columns.map(numberFormat);
  return {
    header: async (labels) => {
      const row = sheet.addRow([...labels]);
      row.font = { bold: true };
      row.commit();
    },
    row: async (cells) => {
      // A plain number too long for a double stays text, and text starting with '-' is neutralized.
      const row = sheet.addRow(cells.map((c) => c.number ?? neutralize(c.text)));
      cells.forEach((c, i) => {
        const format = formats[i];
        if (c.number !== undefined && format) row.getCell(i + 1).numFmt = format;
      });
      row.commit();
    },
    flush: () => drained(out),
    end: async () => {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** Decimals show with their field's places (2000 reads 2000.00, as the API says). */
function numberFormat(column: ExportColumn): string | undefined {
  const scale = column.field.scale;
  if (column.kind !== 'decimal' || typeof scale !== 'number' || scale <= 0) return undefined;
  return `0.${'0'.repeat(scale)}`;
}

async function write(out: PassThrough, chunk: string): Promise<void> {
  if (out.destroyed) throw new ExportAborted();
  if (!out.write(chunk)) await drained(out);
}

async function drained(out: PassThrough): Promise<void> {
  if (out.destroyed) throw new ExportAborted();
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off('close', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', done);
      reject(new ExportAborted());
    };
    out.once('drain', done);
    out.once('close', closed);
  });
}
