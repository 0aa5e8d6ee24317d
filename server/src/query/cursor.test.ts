import { BSON, Decimal128, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { SortKey } from './compile-sort.js';
import { decodeCursor, encodeCursor, keysetFilter } from './cursor.js';
import { QueryError } from './query.errors.js';

const ID = new ObjectId('65a1b2c3d4e5f60718293a4b');
const keys: SortKey[] = [
  { field: 'amount', direction: -1 },
  { field: 'due', direction: 1 },
  { field: 'title', direction: 1 },
  { field: 'qty', direction: -1 },
  { field: 'active', direction: 1 },
  { field: '_id', direction: 1 },
];
const record = {
  _id: ID,
  amount: Decimal128.fromString('1500.50'),
  due: new Date('2026-04-01T00:00:00Z'),
  title: 'Acme',
  qty: 3,
  active: true,
  other: 'x',
};
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const ejson = (value: unknown): string => b64(BSON.EJSON.stringify(value, { relaxed: false }));
const SIG = ['-amount', 'due', 'title', '-qty', 'active', '_id'];

describe('cursors', () => {
  it('round-trips Decimal128, Date, ObjectId, strings, numbers and booleans faithfully', () => {
    const cursor = encodeCursor(keys, record);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const values = decodeCursor(cursor, keys);
    expect(values).toEqual([record.amount, record.due, 'Acme', 3, true, ID]);
    expect(values[0]).toBeInstanceOf(Decimal128);
    expect(String(values[0])).toBe('1500.50');
    expect(values[1]).toBeInstanceOf(Date);
    expect(values[5]).toBeInstanceOf(ObjectId);
  });

  it('carries a missing value as null', () => {
    const values = decodeCursor(encodeCursor(keys, { _id: ID, title: 'x' }), keys);
    expect(values).toEqual([null, null, 'x', null, null, ID]);
  });

  it.each<[string, string]>([
    ['an empty string', ''],
    ['characters outside base64url', 'abc$def'],
    ['base64 of garbage', b64('not json at all')],
    ['a truncated cursor', encodeCursor(keys, record).slice(0, -7)],
    [
      'a cursor of another sort',
      encodeCursor(
        [
          { field: 'title', direction: 1 },
          { field: '_id', direction: 1 },
        ],
        record,
      ),
    ],
    [
      'a cursor of the same fields in another direction',
      encodeCursor(
        keys.map((k) => ({ ...k, direction: k.field === 'title' ? -1 : k.direction })),
        record,
      ),
    ],
    ['an empty object', ejson({})],
    ['an extra key', ejson({ k: SIG, v: [null, null, null, null, null, ID], x: 1 })],
    ['too few values', ejson({ k: SIG, v: [null, null, null, null, ID] })],
    ['an operator as a value', ejson({ k: SIG, v: [{ $ne: null }, null, null, null, null, ID] })],
    [
      '$where as a value',
      b64(`{"k":${JSON.stringify(SIG)},"v":[{"$where":"sleep(1000)"},null,null,null,null,{"$oid":"${ID.toHexString()}"}]}`),
    ],
    ['a regular expression as a value', ejson({ k: SIG, v: [null, null, /.*/, null, null, ID] })],
    [
      'JavaScript code as a value',
      b64(`{"k":${JSON.stringify(SIG)},"v":[{"$code":"1"},null,null,null,null,{"$oid":"${ID.toHexString()}"}]}`),
    ],
    ['an array as a value', ejson({ k: SIG, v: [null, null, ['a'], null, null, ID] })],
    ['a string as the _id', ejson({ k: SIG, v: [null, null, null, null, null, ID.toHexString()] })],
    ['no _id', ejson({ k: SIG, v: [null, null, null, null, null, null] })],
    ['a huge cursor', 'A'.repeat(100_000)],
  ])('refuses %s with 400 CURSOR_INVALID', (_name, cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor, keys);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QueryError);
    expect({ status: (caught as QueryError).status, code: (caught as QueryError).code }).toEqual({ status: 400, code: 'CURSOR_INVALID' });
  });

  it('refuses a cursor with a flipped character, or decodes it to the same sort (never to anything else)', () => {
    const cursor = encodeCursor(keys, record);
    for (let i = 0; i < cursor.length; i += 1) {
      const flipped = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
      try {
        const values = decodeCursor(flipped, keys);
        expect(values).toHaveLength(keys.length);
      } catch (err) {
        expect(err).toBeInstanceOf(QueryError);
      }
    }
  });
});

describe('keysetFilter', () => {
  const asc = (field: string): SortKey => ({ field, direction: 1 });
  const desc = (field: string): SortKey => ({ field, direction: -1 });

  it.each<[string, SortKey[], unknown[], unknown]>([
    ['ascending after a value', [asc('qty'), asc('_id')], [3, ID], { $or: [{ qty: { $gt: 3 } }, { qty: { $eq: 3 }, _id: { $gt: ID } }] }],
    [
      'descending after a value: smaller or missing',
      [desc('qty'), desc('_id')],
      [3, ID],
      { $or: [{ qty: { $lt: 3 } }, { qty: { $eq: null } }, { qty: { $eq: 3 }, _id: { $lt: ID } }] },
    ],
    [
      'ascending after missing: any value',
      [asc('qty'), asc('_id')],
      [null, ID],
      { $or: [{ qty: { $ne: null } }, { qty: { $eq: null }, _id: { $gt: ID } }] },
    ],
    [
      'descending after missing: only more missing',
      [desc('qty'), desc('_id')],
      [null, ID],
      { $or: [{ qty: { $eq: null }, _id: { $lt: ID } }] },
    ],
    [
      'three keys, mixed directions',
      [desc('amount'), asc('title'), asc('_id')],
      [Decimal128.fromString('5'), 'b', ID],
      {
        $or: [
          { amount: { $lt: Decimal128.fromString('5') } },
          { amount: { $eq: null } },
          { amount: { $eq: Decimal128.fromString('5') }, title: { $gt: 'b' } },
          { amount: { $eq: Decimal128.fromString('5') }, title: { $eq: 'b' }, _id: { $gt: ID } },
        ],
      },
    ],
    ['only _id', [desc('_id')], [ID], { $or: [{ _id: { $lt: ID } }] }],
  ])('%s', (_name, sortKeys, values, expected) => {
    expect(keysetFilter(sortKeys, values as never)).toEqual(expected);
  });

  it('refuses values that do not match the keys', () => {
    expect(() => keysetFilter([asc('qty'), asc('_id')], [ID])).toThrow(QueryError);
  });
});
