import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterOptions } from './compile-filter.js';
import { QueryError, type QueryErrorCode } from './query.errors.js';
import { deal, fieldTypes } from './query.fixture.js';

const NOW = new Date('2026-03-31T23:30:00.000Z');
const ID = '65a1b2c3d4e5f60718293a4b';
const c = (field: string, op: string, value?: unknown): Record<string, unknown> =>
  value === undefined ? { field, op } : { field, op, value };

/** The QueryError that compiling `filter` throws. */
function refusal(filter: unknown, options: Partial<FilterOptions> = {}): QueryError {
  try {
    compileFilter(filter, deal, { fieldTypes, now: NOW, ...options });
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error('the filter was accepted');
}

type Row = [string, unknown, QueryErrorCode, string];

const nested = (levels: number, wrap: (inner: unknown) => unknown): unknown => {
  let filter: unknown = c('qty', 'eq', 1);
  for (let i = 1; i < levels; i += 1) filter = wrap(filter);
  return filter;
};

describe('compileFilter refuses hostile input with 400', () => {
  it.each<Row>([
    ['a string', 'title', 'FILTER_INVALID', ''],
    ['null', null, 'FILTER_INVALID', ''],
    ['an array', [c('qty', 'eq', 1)], 'FILTER_INVALID', ''],
    ['$where at the top', { $where: 'sleep(1000)' }, 'FILTER_INVALID', '/$where'],
    ['a raw MongoDB query', { title: { $ne: null } }, 'FILTER_INVALID', '/title'],
    ['$where beside a condition', { and: [{ ...c('title', 'eq', 'x'), $where: '1' }] }, 'FILTER_INVALID', '/and/0/$where'],
    ['$or instead of or', { $or: [c('qty', 'eq', 1)] }, 'FILTER_INVALID', '/$or'],
    ['a dotted key', { 'title.x': 1 }, 'FILTER_INVALID', '/title.x'],
    [
      'an own __proto__ key from JSON.parse',
      JSON.parse('{"__proto__": {"field": "qty", "op": "eq", "value": 1}}'),
      'FILTER_INVALID',
      '/__proto__',
    ],
    [
      'a constructor key',
      JSON.parse('{"field": "qty", "op": "eq", "value": 1, "constructor": {"prototype": {}}}'),
      'FILTER_INVALID',
      '/constructor',
    ],
    ['a prototype key', { not: { prototype: 1 } }, 'FILTER_INVALID', '/not/prototype'],
    ['an unknown key', { ...c('qty', 'eq', 1), options: 'i' }, 'FILTER_INVALID', '/options'],
    ['a key with a slash, escaped in the pointer', { 'a/b~c': 1 }, 'FILTER_INVALID', '/a~1b~0c'],
    ['an operator as the op', c('title', '$regex', '.*'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['$where as the op', c('title', '$where', 'sleep(1)'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['an operator as the field', c('$where', 'eq', 'x'), 'FILTER_FIELD_UNKNOWN', '/field'],
    ['a path as the field', c('account.name', 'eq', 'x'), 'FILTER_FIELD_UNKNOWN', '/field'],
    ['__proto__ as the field', c('__proto__', 'eq', 'x'), 'FILTER_FIELD_UNKNOWN', '/field'],
    ['an operator object as the value', c('title', 'eq', { $ne: null }), 'FILTER_VALUE_INVALID', '/value'],
    ['a regex-looking object as the value', c('title', 'contains', { $regex: '.*' }), 'FILTER_VALUE_INVALID', '/value'],
    ['a list where one value goes', c('title', 'eq', ['a']), 'FILTER_VALUE_INVALID', '/value'],
    ['an object inside a list', c('title', 'in', ['a', { $gt: '' }]), 'FILTER_VALUE_INVALID', '/value/1'],
    ['a list inside a list', c('title', 'in', [['a']]), 'FILTER_VALUE_INVALID', '/value/0'],
    ['a Date object as the value', c('due', 'eq', new Date()), 'FILTER_VALUE_INVALID', '/value'],
    ['NaN', c('qty', 'eq', NaN), 'FILTER_VALUE_INVALID', '/value'],
    ['a string over 1,000 characters', c('title', 'eq', 'x'.repeat(1001)), 'FILTER_VALUE_INVALID', '/value'],
    ['ten megabytes of text', c('title', 'contains', 'x'.repeat(10_000_000)), 'FILTER_VALUE_INVALID', '/value'],
    ['a huge string in a list', c('title', 'in', ['a', 'x'.repeat(5000)]), 'FILTER_VALUE_INVALID', '/value/1'],
    ['a NUL in text searched by regex', c('title', 'contains', 'a\0b'), 'FILTER_VALUE_INVALID', '/value'],
    [
      '501 values in a list',
      c(
        'title',
        'in',
        Array.from({ length: 501 }, (_, i) => `v${i}`),
      ),
      'FILTER_TOO_COMPLEX',
      '/value',
    ],
    ['51 items in an and', { and: Array.from({ length: 51 }, () => c('qty', 'eq', 1)) }, 'FILTER_TOO_COMPLEX', '/and'],
    ['a million items in an or', { or: new Array(1_000_000).fill(c('qty', 'eq', 1)) }, 'FILTER_TOO_COMPLEX', '/or'],
    [
      '101 conditions',
      { and: [0, 1, 2].map(() => ({ and: Array.from({ length: 34 }, () => c('qty', 'eq', 1)) })) },
      'FILTER_TOO_COMPLEX',
      '/and/2/and/32',
    ],
    ['9 levels of not', nested(9, (f) => ({ not: f })), 'FILTER_TOO_COMPLEX', `${'/not'.repeat(8)}`],
    ['9 levels of and', nested(9, (f) => ({ and: [f] })), 'FILTER_TOO_COMPLEX', `${'/and/0'.repeat(8)}`],
    [
      'many empty groups',
      { or: Array.from({ length: 50 }, () => ({ or: Array.from({ length: 50 }, () => ({ and: [] })) })) },
      'FILTER_TOO_COMPLEX',
      '/or/3/or/45',
    ],
  ])('%s', (_name, filter, code, pointer) => {
    const err = refusal(filter);
    expect({ status: err.status, code: err.code, pointer: err.details.pointer }).toEqual({ status: 400, code, pointer });
    expect(err.message.length).toBeLessThan(300);
  });

  it.each<[string, (levels: number) => unknown]>([
    ['not objects', (n) => nested(n, (f) => ({ not: f }))],
    ['and lists', (n) => nested(n, (f) => ({ and: [f] }))],
    ['JSON text', (n) => JSON.parse(`${'{"not":'.repeat(n)}{"field":"qty","op":"eq","value":1}${'}'.repeat(n)}`)],
    ['nested arrays', (n) => ({ and: nested(n, (f) => [f]) })],
    [
      'a nested value',
      (n) =>
        c(
          'title',
          'eq',
          nested(n, (f) => ({ a: f })),
        ),
    ],
  ])('fails fast on 10,000 levels of %s', (_name, build) => {
    const filter = build(10_000);
    const started = performance.now();
    const err = refusal(filter);
    expect(err.status).toBe(400);
    expect(['FILTER_TOO_COMPLEX', 'FILTER_INVALID', 'FILTER_VALUE_INVALID']).toContain(err.code);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('compileFilter refuses what the field cannot take with 400', () => {
  it.each<Row>([
    ['a field that does not exist', c('colour', 'eq', 'red'), 'FILTER_FIELD_UNKNOWN', '/field'],
    ['a missing field name', { op: 'eq', value: 1 }, 'FILTER_INVALID', '/field'],
    ['a missing operator', { field: 'qty', value: 1 }, 'FILTER_INVALID', '/op'],
    ['a number as the field name', { field: 7, op: 'eq', value: 1 }, 'FILTER_INVALID', '/field'],
    ['and with another key', { and: [], or: [] }, 'FILTER_INVALID', '/or'],
    ['and that is not a list', { and: c('qty', 'eq', 1) }, 'FILTER_INVALID', '/and'],
    ['an empty or', { or: [] }, 'FILTER_INVALID', '/or'],
    [
      'a bad item deep inside',
      { and: [c('qty', 'eq', 1), { or: [c('stage', 'eq', 'won'), c('stage', 'eq', 'maybe')] }] },
      'FILTER_VALUE_INVALID',
      '/and/1/or/1/value',
    ],
    ['gt on text', c('title', 'gt', 'B'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['contains on a single select', c('stage', 'contains', 'w'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['eq on long text', c('notes', 'eq', 'x'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['eq on a multi select', c('tags', 'eq', 'vip'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['gt on a lookup', c('account', 'gt', ID), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['relative on a number', c('qty', 'relative', 'today'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['eq on an attachment', c('files', 'eq', 'x'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['contains on _id', c('_id', 'contains', 'ab'), 'FILTER_OPERATOR_NOT_ALLOWED', '/op'],
    ['a number for a decimal', c('amount', 'eq', 12.5), 'FILTER_VALUE_INVALID', '/value'],
    ['an exponent for a decimal', c('amount', 'eq', '1e5'), 'FILTER_VALUE_INVALID', '/value'],
    ['more digits than Decimal128 holds', c('amount', 'eq', `${'1'.repeat(32)}.${'1'.repeat(32)}`), 'FILTER_VALUE_INVALID', '/value'],
    ['a fraction for an integer', c('qty', 'eq', 1.5), 'FILTER_VALUE_INVALID', '/value'],
    ['a string for an integer', c('qty', 'eq', '1'), 'FILTER_VALUE_INVALID', '/value'],
    ['an unsafe integer', c('qty', 'eq', 2 ** 60), 'FILTER_VALUE_INVALID', '/value'],
    ['a string for a boolean', c('active', 'eq', 'true'), 'FILTER_VALUE_INVALID', '/value'],
    ['a date that does not exist', c('due', 'eq', '2026-02-30'), 'FILTER_VALUE_INVALID', '/value'],
    ['a date-time for a date', c('due', 'eq', '2026-02-03T00:00:00Z'), 'FILTER_VALUE_INVALID', '/value'],
    ['a date for a date-time', c('seen_at', 'eq', '2026-02-03'), 'FILTER_VALUE_INVALID', '/value'],
    ['a date-time without an offset', c('seen_at', 'eq', '2026-02-03T10:00:00'), 'FILTER_VALUE_INVALID', '/value'],
    ['a record id that is not hex', c('account', 'eq', 'xyz'), 'FILTER_VALUE_INVALID', '/value'],
    ['a 12-character record id', c('_id', 'eq', 'abcdefghijkl'), 'FILTER_VALUE_INVALID', '/value'],
    ['a user id with operators', c('owner', 'eq', '{"$ne":1}'), 'FILTER_VALUE_INVALID', '/value'],
    ['an option that does not exist', c('stage', 'eq', 'maybe'), 'FILTER_VALUE_INVALID', '/value'],
    ['an unknown option in a list', c('stage', 'in', ['won', 'maybe']), 'FILTER_VALUE_INVALID', '/value/1'],
    ['an unknown multi-select option', c('tags', 'contains', 'zzz'), 'FILTER_VALUE_INVALID', '/value'],
    ['null for eq', c('title', 'eq', null), 'FILTER_VALUE_INVALID', '/value'],
    ['no value for eq', c('title', 'eq'), 'FILTER_VALUE_INVALID', '/value'],
    ['a value for isEmpty', c('title', 'isEmpty', 'x'), 'FILTER_VALUE_INVALID', '/value'],
    ['null for isEmpty', c('title', 'isEmpty', null), 'FILTER_VALUE_INVALID', '/value'],
    ['an empty contains', c('title', 'contains', ''), 'FILTER_VALUE_INVALID', '/value'],
    ['one value for in', c('title', 'in', 'a'), 'FILTER_VALUE_INVALID', '/value'],
    ['three values for between', c('qty', 'between', [1, 2, 3]), 'FILTER_VALUE_INVALID', '/value'],
    ['one value for between', c('qty', 'between', 1), 'FILTER_VALUE_INVALID', '/value'],
    ['null in between', c('qty', 'between', [1, null]), 'FILTER_VALUE_INVALID', '/value/1'],
    ['a period that does not exist', c('due', 'relative', 'someday'), 'FILTER_VALUE_INVALID', '/value'],
    ['zero days', c('due', 'relative', 'last_0_days'), 'FILTER_VALUE_INVALID', '/value'],
    ['a list as the period', c('due', 'relative', ['today']), 'FILTER_VALUE_INVALID', '/value'],
  ])('%s', (_name, filter, code, pointer) => {
    const err = refusal(filter);
    expect({ status: err.status, code: err.code, pointer: err.details.pointer }).toEqual({ status: 400, code, pointer });
  });

  it('refuses an unknown time zone, even without relative conditions', () => {
    const err = refusal(c('qty', 'eq', 1), { timeZone: 'Mars/Olympus_Mons' });
    expect({ status: err.status, code: err.code }).toEqual({ status: 400, code: 'TIME_ZONE_INVALID' });
  });
});

describe('compileFilter asks canRead', () => {
  const canRead = (field: string): boolean => field !== 'amount';

  it('refuses a field the actor may not read with 403 naming it', () => {
    const err = refusal({ and: [c('qty', 'eq', 1), { not: c('amount', 'gt', '5') }] }, { canRead });
    expect({ status: err.status, code: err.code, details: err.details }).toEqual({
      status: 403,
      code: 'FIELD_NOT_READABLE',
      details: { pointer: '/and/1/not/field', field: 'amount' },
    });
  });

  it('lets the other fields through, system fields too when allowed', () => {
    const asked: string[] = [];
    compileFilter({ and: [c('qty', 'eq', 1), c('_ownerId', 'eq', 'system')] }, deal, {
      fieldTypes,
      now: NOW,
      canRead: (f) => (asked.push(f), true),
    });
    expect(asked).toEqual(['qty', '_ownerId']);
  });
});
