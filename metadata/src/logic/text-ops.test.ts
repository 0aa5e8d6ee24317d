import { describe, expect, it } from 'vitest';
import { evaluateLogic } from './evaluate.js';
import { createLogicOperationRegistry } from './operations.js';

const ops = createLogicOperationRegistry();
const run = (expr: unknown, data: Record<string, unknown> = {}) => evaluateLogic(expr, data, ops);

describe('text operations', () => {
  it.each<[string, unknown, unknown]>([
    ['lower', { lower: 'ÄBC Def' }, 'äbc def'],
    ['upper', { upper: 'straße' }, 'STRASSE'],
    ['upper is not locale-sensitive', { upper: 'i' }, 'I'],
    ['lower of a number', { lower: 5 }, null],
    ['upper of null', { upper: null }, null],
    ['trim', { trim: '  a b \n' }, 'a b'],
    ['trim of a list', { trim: [[' a ']] }, null],
    ['length of text', { length: 'abc' }, 3],
    ['length counts an emoji once, as JSON Schema maxLength does', { length: '😀a' }, 2],
    ['length of empty text', { length: '' }, 0],
    ['length of a list', { length: [[1, 2, 3]] }, 3],
    ['length of an empty field', { length: null }, 0],
    ['length of a number', { length: 12345 }, null],
    ['contains in text', { contains: ['Springfield', 'field'] }, true],
    ['contains is case-sensitive', { contains: ['abc', 'B'] }, false],
    ['contains the empty text', { contains: ['abc', ''] }, true],
    ['contains in a list', { contains: [['a', 'b'], 'b'] }, true],
    ['contains in a list is strict', { contains: [['1'], 1] }, false],
    ['contains in null', { contains: [null, 'a'] }, false],
    ['contains null in text', { contains: ['null', null] }, false],
    ['starts_with', { starts_with: ['Springfield', 'Spring'] }, true],
    ['starts_with, no', { starts_with: ['Springfield', 'field'] }, false],
    ['starts_with of a number', { starts_with: [512, '5'] }, false],
    ['ends_with', { ends_with: ['offer.pdf', '.pdf'] }, true],
    ['ends_with, no', { ends_with: ['offer.pdf', '.PDF'] }, false],
    ['ends_with of null', { ends_with: [null, ''] }, false],
  ])('%s', (_name, expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it('works on fields', () => {
    const data = { email: '  Anna@Example.COM ', tags: ['vip', 'eu'] };
    expect(run({ lower: { trim: { var: 'email' } } }, data)).toBe('anna@example.com');
    expect(run({ and: [{ contains: [{ var: 'tags' }, 'vip'] }, { '>': [{ length: { var: 'tags' } }, 1] }] }, data)).toBe(true);
  });
});

describe('round and abs', () => {
  it.each<[string, unknown, unknown]>([
    ['half-even down', ['2.345', 2], '2.34'],
    ['half-even up', ['2.355', 2], '2.36'],
    ['not a tie', ['2.3451', 2], '2.35'],
    ['2.5 to an integer', ['2.5'], 2],
    ['3.5 to an integer', ['3.5'], 4],
    ['-2.5 to an integer', ['-2.5'], -2],
    ['a binary-unfriendly number', [0.125, 2], '0.12'],
    ['1.015, which (1.015).toFixed(2) gets wrong', ['1.015', 2], '1.02'],
    ['a float literal rounds as its shortest text', [1.015, 2], '1.02'],
    ['to tens', ['1234.5', -1], 1230],
    ['to tens, a tie', ['1235', -1], 1240],
    ['to tens, the other tie', ['1225', -1], 1220],
    ['places as a decimal string', ['1.2345', '3'], '1.234'],
    ['more places than there are', ['1.5', 5], '1.5'],
    ['zero', ['-0.004', 2], 0],
    ['non-numeric', ['abc', 2], null],
    ['fractional places', ['1.5', 1.5], null],
    ['too many places', ['1.5', 33], null],
    ['null places', ['1.5', null], null],
  ])('round: %s', (_name, args, expected) => {
    expect(run({ round: args })).toEqual(expected);
  });

  it.each<[unknown, unknown]>([
    ['-0.0001', '0.0001'],
    [-5, 5],
    ['12.50', '12.5'],
    [null, null],
    ['x', null],
  ])('abs(%j) is %j', (value, expected) => {
    expect(run({ abs: [value] })).toEqual(expected);
  });
});

describe('is_empty', () => {
  it.each<[unknown, boolean]>([
    [null, true],
    ['', true],
    [[[]], true],
    [' ', false],
    [0, false],
    [false, false],
    [[[null]], false],
    ['0', false],
  ])('is_empty(%j) is %s', (value, expected) => {
    expect(run({ is_empty: value })).toBe(expected);
  });

  it('reads fields', () => {
    expect(run([{ is_empty: { var: 'missing' } }, { is_empty: { var: 'o' } }, { is_empty: { var: 'list' } }], { o: {}, list: [] })).toEqual(
      [true, false, true],
    );
  });
});
