import { Decimal128, Long } from 'mongodb';
import { normalizeDecimal, withScale } from '../record-storage/field-codec.js';

/**
 * Exact conversions of aggregation results to API values. Nothing here passes through
 * binary floating point: decimals are Decimal128 or decimal strings all the way, and
 * whole numbers beyond Number.MAX_SAFE_INTEGER become strings.
 */

/** A whole number as the API shows it: a number while it is exact, else a string of digits. */
export function integerValue(raw: unknown): number | string {
  const big = toBigInt(raw);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return big <= limit && big >= -limit ? Number(big) : big.toString();
}

/** A decimal as the API shows it: plain digits (no exponent), padded to `scale` places. */
export function decimalValue(raw: unknown, scale: number): string {
  return withScale(decimalText(raw), scale);
}

/**
 * The mean of `count` values whose sum is `sum`, rounded half-even to `places`
 * decimal places, exactly; null when there were no values.
 */
export function averageValue(sum: unknown, count: unknown, places: number): string | null {
  const n = toBigInt(count);
  if (n === 0n) return null;
  return divideHalfEven(decimalText(sum), n, places);
}

/** `text / divisor` rounded half-even to `places` places, with BigInt arithmetic. */
export function divideHalfEven(text: string, divisor: bigint, places: number): string {
  const negative = text.startsWith('-') !== divisor < 0n;
  const [int = '0', frac = ''] = text.replace('-', '').split('.');
  const numerator = BigInt(int + frac) * 10n ** BigInt(places);
  const denominator = (divisor < 0n ? -divisor : divisor) * 10n ** BigInt(frac.length);
  let quotient = numerator / denominator;
  const twice = 2n * (numerator % denominator);
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  const digits = quotient.toString().padStart(places + 1, '0');
  const out = places > 0 ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return negative && quotient !== 0n ? `-${out}` : out;
}

function decimalText(raw: unknown): string {
  if (raw instanceof Decimal128) return normalizeDecimal(raw.toString());
  if (typeof raw === 'bigint' || raw instanceof Long) return raw.toString();
  if (typeof raw === 'number' && Number.isFinite(raw)) return normalizeDecimal(String(raw));
  return '0';
}

function toBigInt(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (raw instanceof Long) return raw.toBigInt();
  if (typeof raw === 'number' && Number.isFinite(raw)) return BigInt(Math.trunc(raw));
  if (raw instanceof Decimal128) return BigInt(normalizeDecimal(raw.toString()).split('.')[0] ?? '0');
  return 0n;
}
