import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLogic, LogicError } from './evaluate.js';
import { createLogicOperationRegistry } from './operations.js';

const ops = createLogicOperationRegistry();
const data = { price: '1234.50', qty: 3, rate: '0.15', none: null, name: 'Anna', list: [1, '2.5', null] };

/** [min, max] arguments of each operation the generators use. */
type Shapes = Record<string, [number, number]>;
const ARITHMETIC: Shapes = { '+': [1, 4], '*': [1, 4], min: [1, 3], max: [1, 3], '-': [1, 2], '%': [2, 2] };
const MIXED: Shapes = {
  ...ARITHMETIC,
  '/': [2, 2],
  '==': [2, 2],
  '!=': [2, 2],
  '===': [2, 2],
  '!==': [2, 2],
  '<': [2, 3],
  '<=': [2, 3],
  '>': [2, 2],
  '>=': [2, 2],
  and: [1, 3],
  or: [1, 3],
  if: [1, 5],
  '?:': [3, 3],
  '!': [1, 1],
  '!!': [1, 1],
  in: [2, 2],
  cat: [0, 3],
  substr: [2, 3],
  merge: [0, 3],
  round: [1, 2],
  abs: [1, 1],
  length: [1, 1],
  is_empty: [1, 1],
};
const COMPARISONS = ['<', '<=', '>', '>='];

function operation(child: fc.Arbitrary<unknown>, shapes: Shapes): fc.Arbitrary<unknown> {
  return fc.constantFrom(...Object.keys(shapes)).chain((op) => {
    const [minLength, maxLength] = shapes[op]!;
    return fc.array(child, { minLength, maxLength }).map((args) => ({ [op]: args }));
  });
}

function decimalText(n: bigint, scale: number): string {
  const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
  const sign = n < 0n ? '-' : '';
  return scale === 0 ? sign + digits : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const integer = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
);
const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.integer({ min: 0, max: 12 }))
  .map(([n, scale]) => decimalText(n, scale));
const anything = fc.oneof(
  integer,
  decimal,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(null, true, false, '', 'abc', '1e3', ' 1', '2026-01-31'),
  fc.constantFrom(...Object.keys(data)).map((path) => ({ var: path })),
);

/** Operations (never a bare literal, which evaluates to itself) nested up to 5 deep over `leaf`. */
function expressions(leaf: fc.Arbitrary<unknown>, shapes: Shapes, id: string): fc.Arbitrary<unknown> {
  const { expr } = fc.letrec<{ expr: unknown }>((tie) => ({
    expr: fc.oneof({ maxDepth: 4, depthIdentifier: id }, leaf, operation(tie('expr'), shapes)),
  }));
  return operation(expr, shapes);
}

/** An exact decimal n / 10^scale, in BigInt. */
interface Exact {
  n: bigint;
  scale: number;
}
type Reference = Exact | boolean | null | 'inexact';

const toExact = (value: unknown): Exact => {
  const text = String(value);
  const dot = text.indexOf('.');
  return { n: BigInt(text.replace('.', '')), scale: dot < 0 ? 0 : text.length - dot - 1 };
};
const aligned = (a: Exact, b: Exact): [bigint, bigint, number] => {
  const scale = Math.max(a.scale, b.scale);
  return [a.n * 10n ** BigInt(scale - a.scale), b.n * 10n ** BigInt(scale - b.scale), scale];
};
const EXACT: Record<string, (a: Exact, b: Exact) => Exact | null> = {
  '+': (a, b) => {
    const [x, y, scale] = aligned(a, b);
    return { n: x + y, scale };
  },
  '-': (a, b) => {
    const [x, y, scale] = aligned(a, b);
    return { n: x - y, scale };
  },
  '*': (a, b) => ({ n: a.n * b.n, scale: a.scale + b.scale }),
  '%': (a, b) => {
    const [x, y, scale] = aligned(a, b);
    return y === 0n ? null : { n: x % y, scale };
  },
  min: (a, b) => {
    const [x, y] = aligned(a, b);
    return x <= y ? a : b;
  },
  max: (a, b) => {
    const [x, y] = aligned(a, b);
    return x >= y ? a : b;
  },
};

/** Trailing zeros dropped; 'inexact' past 34 significant digits, where decimal.js rounds. */
function normal(value: Exact): Exact | 'inexact' {
  let { n, scale } = value;
  while (scale > 0 && n % 10n === 0n) [n, scale] = [n / 10n, scale - 1];
  return (n < 0n ? -n : n).toString().length > 34 ? 'inexact' : { n, scale };
}

/** The same expression in BigInt arithmetic: + - * % min max, and a comparison on top. */
function reference(expr: unknown): Reference {
  if (typeof expr !== 'object' || expr === null) return normal(toExact(expr));
  const [op, rawArgs] = Object.entries(expr)[0] as [string, unknown[]];
  const args = rawArgs.map(reference);
  if (args.includes('inexact')) return 'inexact';
  if (args.some((a) => a === null)) return COMPARISONS.includes(op) ? 'inexact' : null;
  const [first, ...rest] = (op === '-' && args.length === 1 ? [{ n: 0n, scale: 0 }, ...args] : args) as Exact[];
  if (COMPARISONS.includes(op)) {
    const [x, y] = aligned(first!, rest[0]!);
    return { '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y }[op]!;
  }
  let result: Exact | null = first!;
  for (const next of rest) {
    result = EXACT[op]!(result, next);
    if (result === null) return null;
    const checked = normal(result);
    if (checked === 'inexact') return 'inexact';
    result = checked;
  }
  return result;
}

/** What evaluateLogic must return for an exact result: a safe integer as a number, else canonical text. */
function canonical(value: Exact | boolean | null): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (value.scale === 0 && (value.n < 0n ? -value.n : value.n) <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value.n);
  return decimalText(value.n, value.scale);
}

function hasBadValue(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasBadValue);
  return value !== null && typeof value === 'object' && Object.values(value).some(hasBadValue);
}

/** Runs `property` over `runs` expressions and returns how many it compared exactly. */
function agreesWithBigInt(expr: fc.Arbitrary<unknown>, runs: number): number {
  let compared = 0;
  fc.assert(
    fc.property(expr, (e) => {
      const expected = reference(e);
      if (expected === 'inexact') return;
      compared++;
      expect(evaluateLogic(e, {}, ops)).toEqual(canonical(expected));
    }),
    { numRuns: runs },
  );
  return compared;
}

describe('evaluateLogic on random expressions', () => {
  it('throws nothing but LogicError and returns no NaN, Infinity or undefined', () => {
    fc.assert(
      fc.property(expressions(anything, MIXED, 'mixed'), (expr) => {
        let result: unknown;
        try {
          result = evaluateLogic(expr, data, ops);
        } catch (error) {
          expect(error).toBeInstanceOf(LogicError);
          return;
        }
        expect(hasBadValue(result)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with BigInt arithmetic on integers', () => {
    expect(agreesWithBigInt(expressions(integer, ARITHMETIC, 'integers'), 2000)).toBeGreaterThan(1500);
  });

  it('agrees with scaled BigInt arithmetic and comparison on decimals', () => {
    const arithmetic = expressions(fc.oneof(integer, decimal), ARITHMETIC, 'decimals');
    const compared = fc.tuple(fc.constantFrom(...COMPARISONS), arithmetic, arithmetic).map(([op, a, b]) => ({ [op]: [a, b] }));
    expect(agreesWithBigInt(fc.oneof(arithmetic, compared), 2000)).toBeGreaterThan(1000);
  });
});
