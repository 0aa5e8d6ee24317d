import type { Label } from '../../schema/problem-messages.js';
import { makeProblem } from '../../schema/problem-messages.js';
import type { Problem } from '../../schema/problems.js';
import type { AnyFieldSettings, FieldTypeDefinition } from '../field-type-definition.js';
import { compareDecimals, decimalScale } from '../formats.js';
import { num, ORDERED, stored, toDecimal } from './shared.js';

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Any decimal as answered: the OpenAPI read schema of every decimal value. */
export const ANY_DECIMAL = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' } as const;

/** Pads a decimal string to `scale` places ('2000' -> '2000.00'); never cuts. */
export function withScale(text: string, scale: unknown): string {
  if (typeof scale !== 'number' || scale <= 0) return text;
  const [int, frac = ''] = text.split('.');
  return frac.length >= scale ? text : `${int}.${frac.padEnd(scale, '0')}`;
}

/** Rounds a decimal string half-even to `scale` places, exactly (no floats). */
export function roundDecimal(text: string, scale: number): string {
  const negative = text.startsWith('-');
  const [int = '0', frac = ''] = text.replace('-', '').split('.');
  if (frac.length <= scale) return text;
  const kept = frac.slice(0, scale);
  const rest = frac.slice(scale);
  let digits = BigInt(int + kept);
  const half = rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(digits % 2n) === 1));
  if (half) digits += 1n;
  const s = digits.toString().padStart(scale + 1, '0');
  const out = scale > 0 ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

function range(field: AnyFieldSettings, value: unknown): Problem[] {
  const out: Problem[] = [];
  if (typeof field.min === 'string' && compareDecimals(String(value), field.min) < 0)
    out.push(makeProblem(`/${field.key}`, 'OUT_OF_RANGE', { min: field.min }));
  if (typeof field.max === 'string' && compareDecimals(String(value), field.max) > 0)
    out.push(makeProblem(`/${field.key}`, 'OUT_OF_RANGE', { max: field.max }));
  return out;
}

/** Says whether a decimal that does not fit has too many decimals or too many integer digits. */
function formatProblem(field: AnyFieldSettings, value: unknown): Record<string, unknown> {
  const scale = num(field.scale, 2);
  const digits = Math.max(1, num(field.precision, 18) - scale);
  const text = String(value);
  if (!PLAIN_DECIMAL.test(text)) return { format: 'decimal' };
  if (decimalScale(text) > scale) return { format: 'decimal', scale };
  return { format: 'decimal', digits };
}

/**
 * The common part of the exact decimal types (decimal, currency, percent): strings in
 * the API, Decimal128 in storage, written with the field's scale, ranges compared
 * exactly.
 */
export function decimalNumber(type: string, label: Label): FieldTypeDefinition {
  return stored(type, {
    label,
    group: 'number',
    value: 'decimal',
    operators: ORDERED,
    ordered: true,
    numeric: true,
    groupable: false,
    storage: 'decimal128',
    importAs: 'convert',
    valueSchema: (f) => {
      const scale = num(f.scale, 2);
      const intDigits = Math.max(1, num(f.precision, 18) - scale);
      return { type: 'string', pattern: `^-?\\d{1,${intDigits}}${scale > 0 ? `(\\.\\d{1,${scale}})?` : ''}$` };
    },
    readSchema: () => ({ ...ANY_DECIMAL }),
    annotations: (f) => ({
      'x-decimal': { scale: num(f.scale, 2), ...(typeof f.precision === 'number' ? { precision: f.precision } : {}) },
      ...(typeof f.currencyCode === 'string' ? { 'x-currency': f.currencyCode } : {}),
    }),
    convert: toDecimal,
    normalize: (f, value) => {
      const text = typeof value === 'number' && Number.isFinite(value) && !/e/i.test(String(value)) ? String(value) : value;
      return typeof text === 'string' && PLAIN_DECIMAL.test(text) ? withScale(text, f.scale ?? 2) : text;
    },
    checkValue: range,
    formatProblem,
    fromResult: (f, value) => {
      const text = String(value);
      if (!PLAIN_DECIMAL.test(text)) return null;
      const scale = num(f.scale, 2);
      return withScale(roundDecimal(text, scale), scale);
    },
  });
}
