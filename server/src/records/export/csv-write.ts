/**
 * One CSV line (RFC 4180): fields quoted when they hold the delimiter, a quote or a
 * line break, quotes doubled, CRLF at the end. Values must already be neutralized.
 * Written by hand because exceljs's CSV writer builds the whole sheet in memory first,
 * and an export streams page by page.
 */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A UTF-8 byte order mark, so Excel opens the file as UTF-8 (Chinese labels and values). */
export const UTF8_BOM = '\uFEFF';
