import { describe, expect, it } from 'vitest';
import { Decimal128, Long, ObjectId } from 'mongodb';
import { aggregateResult, referencedIds, type AggregateRows } from './record-aggregate.js';
import { plan } from './record-aggregate.fixture.js';
import { averageValue, decimalValue, divideHalfEven, integerValue } from './record-aggregate-values.js';

const dec = (text: string) => Decimal128.fromString(text);

describe('exact values', () => {
  it.each<[string, unknown, number | string]>([
    ['a number', 42, 42],
    ['a bigint within range', 9_007_199_254_740_991n, 9_007_199_254_740_991],
    ['a bigint past 2^53', 9_007_199_254_740_993n, '9007199254740993'],
    ['a negative bigint past -2^53', -9_007_199_254_740_993n, '-9007199254740993'],
    ['a Long', Long.fromString('123456789012345678'), '123456789012345678'],
    ['nothing', undefined, 0],
  ])('integerValue of %s', (_what, raw, expected) => {
    expect(integerValue(raw)).toBe(expected);
  });

  it.each<[unknown, number, string]>([
    [dec('0.30'), 2, '0.30'],
    [dec('1E+3'), 2, '1000.00'],
    [dec('12.5'), 2, '12.50'],
    [dec('-0.1'), 0, '-0.1'],
    [0, 2, '0.00'],
    [undefined, 2, '0.00'],
  ])('decimalValue(%s, %i) is %s', (raw, scale, expected) => {
    expect(decimalValue(raw, scale)).toBe(expected);
  });

  it.each<[string, bigint, number, string]>([
    ['1', 3n, 4, '0.3333'],
    ['2', 3n, 4, '0.6667'],
    ['0.00125', 1n, 4, '0.0012'], // half to even: down
    ['0.00135', 1n, 4, '0.0014'], // half to even: up
    ['0.001251', 1n, 4, '0.0013'], // past half: up
    ['-0.00125', 1n, 4, '-0.0012'],
    ['-0.00001', 1n, 4, '0.0000'],
    ['10', 4n, 0, '2'], // 2.5 -> 2
    ['14', 4n, 0, '4'], // 3.5 -> 4
    ['7', -2n, 2, '-3.50'],
    ['123456789012345678901234567890.10', 7n, 4, '17636684144620811271604938270.0143'],
  ])('divideHalfEven(%s, %s, %i) is %s', (text, divisor, places, expected) => {
    expect(divideHalfEven(text, divisor, places)).toBe(expected);
  });

  it('averages nothing as null', () => {
    expect(averageValue(0, 0, 4)).toBeNull();
    expect(averageValue(dec('0.30'), 2n, 4)).toBe('0.1500');
  });
});

const acme = new ObjectId('65a1b2c3d4e5f60718293a4b');
const globex = new ObjectId('65a1b2c3d4e5f60718293a4c');

describe('aggregateResult', () => {
  const p = plan({
    groupBy: [{ field: 'stage' }, { field: 'account' }],
    measures: [
      { fn: 'count' },
      { fn: 'sum', field: 'amount' },
      { fn: 'avg', field: 'qty' },
      { fn: 'min', field: 'due' },
      { fn: 'max', field: 'seen_at' },
      { fn: 'sum', field: 'qty' },
    ],
    limit: 2,
  });
  const rows: AggregateRows = {
    groups: [
      {
        _id: { k0: 'new', k1: acme },
        m0: 2n,
        m1: dec('0.30'),
        m2: 3n,
        m2n: 2n,
        m3: new Date('2026-03-31T00:00:00Z'),
        m4: new Date('2026-04-01T01:02:03Z'),
        m5: 3n,
      },
      { _id: { k0: null, k1: null }, m0: 1, m1: 0, m2: 0n, m2n: 0, m3: null, m4: null, m5: 0 },
      { _id: { k0: 'retired', k1: globex }, m0: 1, m1: dec('1'), m2: 1, m2n: 1, m3: null, m4: null, m5: 1 },
    ],
    total: [
      {
        _id: null,
        m0: 4n,
        m1: dec('1.30'),
        m2: 9_007_199_254_740_993n,
        m2n: 3,
        m3: new Date('2026-01-01T00:00:00Z'),
        m4: new Date('2026-04-01T01:02:03Z'),
        m5: 9_007_199_254_740_993n,
      },
    ],
  };
  const names = new Map([[1, new Map([[acme.toHexString(), 'Acme']])]]);

  it('labels select keys with their labels and colors and lookup keys with display names', () => {
    const result = aggregateResult(p, rows, names);
    expect(result.groups[0]).toEqual({
      keys: [
        { value: 'new', label: { 'zh-CN': '新建', en: 'New' }, color: '#3b82f6' },
        { value: acme.toHexString(), label: { 'zh-CN': 'Acme', en: 'Acme' } },
      ],
      values: [2, '0.30', '1.50', '2026-03-31', '2026-04-01T01:02:03.000Z', 3],
    });
  });

  it('answers the no-value group with null keys, zero sums and null extremes', () => {
    expect(aggregateResult(p, rows, names).groups[1]).toEqual({
      keys: [{ value: null }, { value: null }],
      values: [1, '0.00', null, null, null, 0],
    });
  });

  it('keeps limit groups and says it truncated; totals stay exact past 2^53', () => {
    const result = aggregateResult(p, rows, names);
    expect(result.groups).toHaveLength(2);
    expect(result.truncated).toBe(true);
    expect(result.total.values).toEqual([4, '1.30', '3002399751580331.00', '2026-01-01', '2026-04-01T01:02:03.000Z', '9007199254740993']);
  });

  it('answers zeros and nulls when nothing matched', () => {
    expect(aggregateResult(p, { groups: [], total: [] }, new Map())).toEqual({
      groups: [],
      total: { values: [0, '0.00', null, null, null, 0] },
      truncated: false,
    });
  });

  it('answers one group of everything when nothing is grouped', () => {
    const flat = plan({ measures: [{ fn: 'count' }] });
    expect(aggregateResult(flat, { total: [{ _id: null, m0: 3 }] }, new Map())).toEqual({
      groups: [{ keys: [], values: [3] }],
      total: { values: [3] },
      truncated: false,
    });
    expect(aggregateResult(flat, { total: [] }, new Map()).groups).toEqual([]);
  });

  it('collects the ids each lookup group shows, each once', () => {
    const twice: AggregateRows = { groups: [...rows.groups!, { _id: { k0: 'won', k1: acme }, m0: 1 }], total: [] };
    expect(referencedIds({ ...p, limit: 10 }, twice)).toEqual(new Map([[1, [acme, globex]]]));
    // Globex is only in the row past the limit, which the answer leaves out.
    expect(referencedIds(p, twice)).toEqual(new Map([[1, [acme]]]));
    expect(referencedIds(plan({ groupBy: [{ field: 'stage' }], measures: [{ fn: 'count' }] }), rows)).toEqual(new Map());
  });

  it('shows boolean keys as booleans and users as their ids', () => {
    const q = plan({ groupBy: [{ field: 'active' }, { field: '_ownerId' }], measures: [{ fn: 'count' }] });
    const result = aggregateResult(q, { groups: [{ _id: { k0: false, k1: 'u1' }, m0: 1 }], total: [] }, new Map());
    expect(result.groups[0]!.keys).toEqual([{ value: false }, { value: 'u1' }]);
  });
});
