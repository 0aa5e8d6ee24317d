import { Decimal } from 'decimal.js';
import { toText } from './safe-values.js';

/**
 * Decimal128's precision (34 significant digits), banker's rounding and exponent
 * range, in a private clone so that other users of decimal.js keep their settings.
 * Past the range a result overflows (and becomes null) or underflows to zero.
 */
const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, modulo: Decimal.ROUND_DOWN, maxE: 6144, minE: -6143 });

// FORMATS.decimal's shape without its 32-digit limits, so that a result with more
// digits (1 / 3000000) still feeds the next operation as a number.
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;
const MAX_NUMERIC_TEXT = 10_000;

/** What an operand that counts as a number looks like: a finite JS number or a plain decimal string. */
export type Numeric = number | string;

/** What arithmetic returns: an exact number, or null when there is none. */
export type NumericResult = number | string | null;

/** True for a finite JS number or a string in plain decimal notation ("-12", "1234.50"). */
export function isNumeric(value: unknown): value is Numeric {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.length <= MAX_NUMERIC_TEXT && NUMERIC_TEXT.test(value);
}

/**
 * A JS number when the value is an integer that a double holds exactly, otherwise its
 * canonical decimal string (no exponent, no trailing zeros); null for no number
 * (division by zero, overflow). Never NaN, Infinity or -0.
 */
export function numericResult(value: Decimal): NumericResult {
  if (!value.isFinite()) return null;
  if (value.isZero()) return 0;
  if (value.isInteger() && value.abs().lte(Number.MAX_SAFE_INTEGER)) return value.toNumber();
  return value.toFixed();
}

/** The operands as decimals, or null when any of them is not numeric. */
function decimals(args: readonly unknown[]): Decimal[] | null {
  return args.every(isNumeric) ? args.map((a) => new Dec(a)) : null;
}

function fold(args: readonly unknown[], step: (a: Decimal, b: Decimal) => Decimal): NumericResult {
  const [first, ...rest] = decimals(args) ?? [];
  return first === undefined ? null : numericResult(rest.reduce(step, first));
}

/** `+`: the exact sum; `{"+": "3"}` still casts a numeric string, as in json-logic. */
export function add(...args: unknown[]): NumericResult {
  return fold([0, ...args], (a, b) => a.plus(b));
}

/** `-`: negation with one operand, difference with two. */
export function subtract(...args: unknown[]): NumericResult {
  return fold(args.length === 1 ? [0, ...args] : args, (a, b) => a.minus(b));
}

/** `*`: the product, rounded to 34 significant digits if it has more. */
export function multiply(...args: unknown[]): NumericResult {
  return fold(args, (a, b) => a.times(b));
}

/** `/`: the quotient to 34 significant digits, half-even; null when dividing by zero. */
export function divide(a: unknown, b: unknown): NumericResult {
  // decimal.js gives Infinity or NaN for a zero divisor; numericResult turns both into null.
  return fold([a, b], (x, y) => x.div(y));
}

/** `%`: the remainder with the sign of the dividend, as JavaScript's; null for a zero divisor. */
export function remainder(a: unknown, b: unknown): NumericResult {
  return fold([a, b], (x, y) => x.mod(y));
}

/** `min`. */
export function minimum(...args: unknown[]): NumericResult {
  return fold(args, (a, b) => Dec.min(a, b));
}

/** `max`. */
export function maximum(...args: unknown[]): NumericResult {
  return fold(args, (a, b) => Dec.max(a, b));
}

type Primitive = string | number | boolean | null | undefined;
type Relation = '<' | '<=' | '>' | '>=';

const BY_ORDER: Record<Relation, (order: number) => boolean> = {
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
};
// JavaScript's own relational operators, which json-logic-js applies as they are.
const BY_JAVASCRIPT: Record<Relation, (a: Primitive, b: Primitive) => boolean> = {
  '<': (a, b) => (a as number) < (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
};

/**
 * `< <= > >=`, including the between form `{"<": [a, b, c]}`: exact when every operand
 * is numeric (so "10" > "9" and "0.1" < 0.10000000000000001 hold), otherwise
 * JavaScript's comparison as in json-logic ("2026-01-31" < "2026-02-01" compares text).
 */
export function compareChain(relation: Relation, args: readonly unknown[]): boolean {
  const numbers = decimals(args);
  for (let i = 0; i + 1 < args.length; i++) {
    const holds = numbers
      ? BY_ORDER[relation](numbers[i]!.comparedTo(numbers[i + 1]!))
      : BY_JAVASCRIPT[relation](primitive(args[i]), primitive(args[i + 1]));
    if (!holds) return false;
  }
  return true;
}

/**
 * `==`: a JS number against a decimal string compares exactly ("1.50" == 1.5, but not
 * "0.1000000000000000000001" == 0.1); everything else keeps json-logic's soft equality
 * (JavaScript's ==, so 0 == "" and "1" == 1 hold, "1.50" == "1.5" does not).
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  if ((typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number')) {
    if (isNumeric(a) && isNumeric(b)) return new Dec(a).eq(new Dec(b));
  }
  if (isObject(a) && isObject(b)) return a === b;
  // eslint-disable-next-line eqeqeq -- json-logic's soft equality, on primitives only so no data method can run
  return primitive(a) == primitive(b);
}

/** `round` [value, places = 0]: half-even to `places` decimals (-32 to 32; negative rounds to tens, hundreds...). */
export function round(value: unknown, places: unknown = 0): NumericResult {
  if (!isNumeric(value) || !isNumeric(places)) return null;
  const digits = Number(places);
  if (!Number.isInteger(digits) || Math.abs(digits) > 32) return null;
  const exact = new Dec(value);
  if (digits >= 0) return numericResult(exact.toDecimalPlaces(digits, Dec.ROUND_HALF_EVEN));
  const unit = new Dec(10).pow(-digits);
  return numericResult(exact.div(unit).toDecimalPlaces(0, Dec.ROUND_HALF_EVEN).times(unit));
}

/** `abs`. */
export function absolute(value: unknown): NumericResult {
  return isNumeric(value) ? numericResult(new Dec(value).abs()) : null;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function primitive(value: unknown): Primitive {
  return isObject(value) ? toText(value) : (value as Primitive);
}
