import { describe, expect, it } from 'vitest';
import { evaluateLogic } from './evaluate.js';
import { createLogicOperationRegistry } from './operations.js';

const ops = createLogicOperationRegistry();
const run = (expr: unknown, data: Record<string, unknown> = {}) => evaluateLogic(expr, data, ops);

describe('exact decimal arithmetic', () => {
  it.each<[string, unknown, unknown]>([
    ['0.1 + 0.2 as numbers', { '+': [0.1, 0.2] }, '0.3'],
    ['0.1 + 0.2 as decimal strings', { '+': ['0.1', '0.2'] }, '0.3'],
    ['1234.50 * 0.15', { '*': ['1234.50', '0.15'] }, '185.175'],
    ['ten times 0.1 is the integer 1', { '+': new Array<string>(10).fill('0.1') }, 1],
    ['1 / 3 to 34 significant digits', { '/': [1, 3] }, '0.3333333333333333333333333333333333'],
    ['2 / 3 rounds the 34th digit', { '/': [2, 3] }, '0.6666666666666666666666666666666667'],
    ['a tie rounds to even (down)', { '/': ['12345678901234567890123456789012345', 10] }, '1234567890123456789012345678901234'],
    ['a tie rounds to even (up)', { '/': ['12345678901234567890123456789012355', 10] }, '1234567890123456789012345678901236'],
    ['1 / 3000000 keeps 34 significant digits', { '/': [1, 3_000_000] }, '0.0000003333333333333333333333333333333333'],
    ['a result of one operation feeds the next', { '*': [{ '/': [1, 3_000_000] }, 3_000_000] }, '0.9999999999999999999999999999999999'],
    ['negation', { '-': ['0.0001'] }, '-0.0001'],
    ['a negative difference', { '-': [0, '0.0001'] }, '-0.0001'],
    ['trailing zeros go', { '+': ['1.50', '0'] }, '1.5'],
    ['an integer result is a number', { '*': ['2.5', 4] }, 10],
    ['a cast, as in json-logic', { '+': '42' }, 42],
    ['an integer past MAX_SAFE_INTEGER is a string', { '+': [Number.MAX_SAFE_INTEGER, 2] }, '9007199254740993'],
    ['MAX_SAFE_INTEGER itself is a number', { '+': ['9007199254740990', 1] }, Number.MAX_SAFE_INTEGER],
    [
      'a product rounds past 34 digits',
      { '*': ['99999999999999999999', '99999999999999999999'] },
      '9999999999999999999800000000000000000000',
    ],
    ['% keeps the sign of the dividend', { '%': [-7, 2] }, -1],
    ['% of decimals', { '%': ['5.5', 2] }, '1.5'],
    ['min across numbers and strings', { min: [3, '2.999', 4] }, '2.999'],
    ['max across numbers and strings', { max: ['1.50', 1.4, '1.499'] }, '1.5'],
    ['a big literal times a big literal', { '*': [1e300, 1e300] }, `1${'0'.repeat(600)}`],
    ['underflow below 1e-6143 is zero', { '*': new Array<number>(22).fill(1e-300) }, 0],
    ['leading zeros are fine', { '+': ['007', '0.50'] }, '7.5'],
  ])('%s', (_name, expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['division by zero', { '/': [1, 0] }],
    ['division of zero by zero', { '/': [0, '0.00'] }],
    ['remainder by zero', { '%': [5, 0] }],
    ['overflow past 1e6144', { '*': new Array<number>(21).fill(1e300) }],
    ['null', { '+': [1, null] }],
    ['a boolean', { '*': [true, 2] }],
    ['a non-numeric string', { '+': ['abc'] }],
    ['a string with a unit', { '-': ['12px', 1] }],
    ['exponent notation, which is not a decimal string', { '+': ['1e3', 0] }],
    ['a list', { '+': [[1], 1] }],
    ['min of text', { min: ['a', 1] }],
  ])('%s gives null, never NaN or Infinity', (_name, expr) => {
    expect(run(expr)).toBeNull();
  });

  it('sums ten decimal fields in a reduce to exactly 1', () => {
    const sum = { reduce: [{ var: 'lines' }, { '+': [{ var: 'accumulator' }, { var: 'current.amount' }] }, 0] };
    expect(run(sum, { lines: Array.from({ length: 10 }, () => ({ amount: '0.1' })) })).toBe(1);
  });

  it('never gives -0', () => {
    expect(Object.is(run({ '-': [0] }), 0)).toBe(true);
    expect(Object.is(run({ '*': [-1, 0] }), 0)).toBe(true);
    expect(Object.is(run({ '%': [-4, 2] }), 0)).toBe(true);
  });
});

describe('exact comparisons', () => {
  it.each<[string, unknown, boolean]>([
    ['decimal strings compare as numbers', { '<': ['9', '10'] }, true],
    ['a decimal string against a number', { '>': ['10.5', 10] }, true],
    ['past binary floating point', { '<': [0.1, '0.10000000000000001'] }, true],
    ['equal values at different scales', { '>=': ['1.50', '1.5'] }, true],
    ['<= with equal values', { '<=': [2, '2.00'] }, true],
    ['between, inside', { '<': [1, '1.5', 2] }, true],
    ['between, outside', { '<': [1, '2.5', 2] }, false],
    ['between, on the edge', { '<': [1, 1, 2] }, false],
    ['between inclusive, on the edge', { '<=': [1, '1.0', 2] }, true],
    ['dates compare as text', { '<': ['2026-01-31', '2026-02-01'] }, true],
    ['null compares as 0, as in JavaScript and json-logic', { '<': [null, 1] }, true],
    ['text against a number', { '>=': ['abc', 1] }, false],
    ['== of a decimal string and a number', { '==': ['1.50', 1.5] }, true],
    ['== past binary floating point', { '==': ['0.1000000000000000000001', 0.1] }, false],
    ['== past MAX_SAFE_INTEGER', { '==': ['9007199254740993', 9007199254740992] }, false],
    ['== of two decimal strings compares text', { '==': ['1.50', '1.5'] }, false],
    ['== keeps soft equality: 1 and "1"', { '==': [1, '1'] }, true],
    ['== keeps soft equality: 0 and ""', { '==': [0, ''] }, true],
    ['== keeps soft equality: null and 0', { '==': [null, 0] }, false],
    ['== keeps soft equality: a list and its text', { '==': [[1, 2], '1,2'] }, true],
    ['!= of a decimal string and a number', { '!=': ['1.50', 1.5] }, false],
    ['=== does not convert', { '===': ['1.5', 1.5] }, false],
  ])('%s', (_name, expr, expected) => {
    expect(run(expr)).toBe(expected);
  });

  it('compares a decimal field with a literal threshold', () => {
    const big = { '>': [{ var: 'amount' }, 1000] };
    expect([run(big, { amount: '999.999' }), run(big, { amount: '1000.001' }), run(big, { amount: '10000' })]).toEqual([false, true, true]);
  });
});
