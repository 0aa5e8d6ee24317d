/**
 * Value formats shared by the record validator, imports and type conversions, in the
 * server and the browser alike. Deliberately permissive where real data varies
 * (phone numbers), strict where a wrong value breaks things (urls, dates).
 */
export const FORMATS = {
  email:
    /^[^\s@<>()[\]\\,;:"]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
  phone: /^\+?[0-9 ()-]{3,30}(?:\s*(?:x|ext\.?|#)\s*[0-9]{1,6})?$/i,
  url: /^https?:\/\/[^\s/$.?#][^\s]{0,2000}$/i,
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/,
  decimal: /^-?\d{1,32}(\.\d{1,32})?$/,
  integer: /^-?\d{1,16}$/,
} as const;

/** True when `s` is a real calendar date in YYYY-MM-DD form (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  if (!FORMATS.date.test(s)) return false;
  const d = new Date(`${s}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** True when `s` is an ISO 8601 date-time with an offset that parses to a real instant. */
export function isDateTime(s: string): boolean {
  return FORMATS.datetime.test(s) && !Number.isNaN(Date.parse(s));
}

/** Digits after the decimal point of a decimal string. */
export function decimalScale(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Compares two decimal strings exactly: -1, 0 or 1. */
export function compareDecimals(a: string, b: string): number {
  const sign = (s: string) => (s.startsWith('-') && /[1-9]/.test(s) ? -1 : /[1-9]/.test(s) ? 1 : 0);
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const [ai = '', af = ''] = a.replace('-', '').split('.');
  const [bi = '', bf = ''] = b.replace('-', '').split('.');
  const intA = ai.replace(/^0+/, '');
  const intB = bi.replace(/^0+/, '');
  let cmp = intA.length !== intB.length ? (intA.length < intB.length ? -1 : 1) : intA < intB ? -1 : intA > intB ? 1 : 0;
  if (cmp === 0) {
    const len = Math.max(af.length, bf.length);
    const fa = af.padEnd(len, '0');
    const fb = bf.padEnd(len, '0');
    cmp = fa < fb ? -1 : fa > fb ? 1 : 0;
  }
  return sa < 0 ? -cmp : cmp;
}
