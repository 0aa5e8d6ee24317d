/**
 * Spreadsheet formula injection (CSV injection): a cell whose text begins with
 * `=`, `+`, `-`, `@`, tab or carriage return may be run as a formula when the file is
 * opened in Excel, LibreOffice or Google Sheets. Such text is written with a leading
 * single quote, which those programs read as "this is text".
 *
 * A genuine number in a numeric column is the one exception: `-12.50` in an amount
 * column is data, not a formula, and must stay a number (XLSX writes it as a number
 * cell). Only plain decimal digits qualify; `-2+3` in the same column is neutralized.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** `text`, or `'text` when a spreadsheet would take it for a formula. */
export function neutralize(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** True for plain decimal text (`-12.50`, `7`): no exponent, sign only in front. */
export function isPlainNumber(text: string): boolean {
  return PLAIN_NUMBER.test(text);
}

/**
 * The number to write in an XLSX numeric cell, when `text` is a plain decimal that a
 * double holds exactly enough to print back the same; otherwise undefined and the
 * value is written as (neutralized) text, so no digit is ever lost.
 */
export function exactNumber(text: string): number | undefined {
  if (!isPlainNumber(text)) return undefined;
  const n = Number(text);
  const canonical = text
    .replace(/^(-?)0+(?=\d)/, '$1')
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '')
    .replace(/^-0$/, '0');
  return Number.isFinite(n) && String(n) === canonical ? n + 0 : undefined; // + 0: no -0 in a sheet
}

/**
 * What a numeric column cell becomes: a plain number stays as it is (text in CSV, a
 * number in XLSX); anything else is neutralized text.
 */
export function numericCell(text: string): { number: number | undefined; text: string } {
  return isPlainNumber(text) ? { number: exactNumber(text), text } : { number: undefined, text: neutralize(text) };
}
