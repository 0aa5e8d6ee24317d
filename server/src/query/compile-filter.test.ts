import { Decimal128, ObjectId, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { combineQueries, compileFilter, type FilterOptions } from './compile-filter.js';
import { deal, fieldTypes } from './query.fixture.js';

const NOW = new Date('2026-03-31T23:30:00.000Z');
const ID = '65a1b2c3d4e5f60718293a4b';
const ID2 = '65a1b2c3d4e5f60718293a4c';

const compile = (filter: unknown, options: Partial<FilterOptions> = {}): Document =>
  compileFilter(filter, deal, { fieldTypes, now: NOW, includeDeleted: true, ...options });
const c = (field: string, op: string, value?: unknown): Document => (value === undefined ? { field, op } : { field, op, value });
const dec = (text: string): Decimal128 => Decimal128.fromString(text);
const day = (text: string): Date => new Date(`${text}T00:00:00.000Z`);
const missing = (path: string): Document => ({ [path]: { $eq: null } });
const present = (path: string): Document => ({ [path]: { $ne: null } });

type Row = [string, Document, Document];

describe('compileFilter: every operator on every field type', () => {
  it.each<Row>([
    ['text eq', c('title', 'eq', 'Acme'), { title: { $eq: 'Acme' } }],
    ['text ne (matches records without a title too)', c('title', 'ne', 'Acme'), { title: { $ne: 'Acme' } }],
    ['text in', c('title', 'in', ['a', 'b']), { title: { $in: ['a', 'b'] } }],
    ['text in an empty list', c('title', 'in', []), { title: { $in: [] } }],
    ['text nin', c('title', 'nin', ['a']), { title: { $nin: ['a'] } }],
    [
      'text contains, escaped and case-insensitive',
      c('title', 'contains', 'a.b*(c)'),
      { title: { $regex: 'a\\.b\\*\\(c\\)', $options: 'i' } },
    ],
    ['text notContains', c('title', 'notContains', 'x+y'), { title: { $not: /x\+y/i } }],
    ['text startsWith, anchored', c('title', 'startsWith', '^Ac$'), { title: { $regex: '^\\^Ac\\$', $options: 'i' } }],
    ['text isEmpty', c('title', 'isEmpty'), missing('title')],
    ['text isNotEmpty', c('title', 'isNotEmpty'), present('title')],
    ['long_text contains', c('notes', 'contains', 'call back'), { notes: { $regex: 'call back', $options: 'i' } }],
    ['long_text notContains', c('notes', 'notContains', '[x]'), { notes: { $not: /\[x\]/i } }],
    ['long_text isEmpty', c('notes', 'isEmpty'), missing('notes')],
    ['rich_text contains', c('body', 'contains', 'x'), { body: { $regex: 'x', $options: 'i' } }],
    ['integer eq', c('qty', 'eq', 3), { qty: { $eq: 3 } }],
    ['integer gt a negative', c('qty', 'gt', -2), { qty: { $gt: -2 } }],
    ['integer between, inclusive', c('qty', 'between', [1, 5]), { qty: { $gte: 1, $lte: 5 } }],
    ['integer in', c('qty', 'in', [1, 2]), { qty: { $in: [1, 2] } }],
    ['decimal eq as Decimal128, so 1.50 matches a stored 1.5', c('price', 'eq', '1.50'), { price: { $eq: dec('1.50') } }],
    ['decimal gte', c('price', 'gte', '-0.5'), { price: { $gte: dec('-0.5') } }],
    ['decimal between', c('price', 'between', ['1', '2.25']), { price: { $gte: dec('1'), $lte: dec('2.25') } }],
    ['decimal nin', c('price', 'nin', ['0']), { price: { $nin: [dec('0')] } }],
    ['currency lt', c('amount', 'lt', '1000.00'), { amount: { $lt: dec('1000.00') } }],
    ['currency isEmpty', c('amount', 'isEmpty'), missing('amount')],
    ['percent eq', c('rate', 'eq', '12.5'), { rate: { $eq: dec('12.5') } }],
    ['boolean eq', c('active', 'eq', true), { active: { $eq: true } }],
    ['boolean ne', c('active', 'ne', false), { active: { $ne: false } }],
    ['boolean isNotEmpty', c('active', 'isNotEmpty'), present('active')],
    ['date eq at 00:00 UTC', c('due', 'eq', '2026-04-01'), { due: { $eq: day('2026-04-01') } }],
    ['date gt', c('due', 'gt', '2026-04-01'), { due: { $gt: day('2026-04-01') } }],
    [
      'date between, both days included',
      c('due', 'between', ['2026-04-01', '2026-04-30']),
      { due: { $gte: day('2026-04-01'), $lte: day('2026-04-30') } },
    ],
    ['date in', c('due', 'in', ['2026-04-01']), { due: { $in: [day('2026-04-01')] } }],
    ['date relative', c('due', 'relative', 'today'), { due: { $gte: day('2026-03-31'), $lt: day('2026-04-01') } }],
    ['datetime eq, any offset', c('seen_at', 'eq', '2026-04-01T08:00:00+08:00'), { seen_at: { $eq: new Date('2026-04-01T00:00:00Z') } }],
    ['datetime lte', c('seen_at', 'lte', '2026-04-01T00:00:00.123Z'), { seen_at: { $lte: new Date('2026-04-01T00:00:00.123Z') } }],
    [
      'datetime between',
      c('seen_at', 'between', ['2026-04-01T00:00Z', '2026-04-02T00:00Z']),
      { seen_at: { $gte: new Date('2026-04-01T00:00Z'), $lte: new Date('2026-04-02T00:00Z') } },
    ],
    [
      'datetime relative',
      c('seen_at', 'relative', 'yesterday'),
      { seen_at: { $gte: new Date('2026-03-30T00:00Z'), $lt: new Date('2026-03-31T00:00Z') } },
    ],
    ['single_select eq', c('stage', 'eq', 'won'), { stage: { $eq: 'won' } }],
    ['single_select ne', c('stage', 'ne', 'won'), { stage: { $ne: 'won' } }],
    ['single_select in', c('stage', 'in', ['won', 'lost']), { stage: { $in: ['won', 'lost'] } }],
    ['single_select nin', c('stage', 'nin', ['won', 'lost']), { stage: { $nin: ['won', 'lost'] } }],
    ['single_select isEmpty', c('stage', 'isEmpty'), missing('stage')],
    ['multi_select contains: holds the option', c('tags', 'contains', 'vip'), { tags: { $eq: 'vip' } }],
    ['multi_select notContains', c('tags', 'notContains', 'vip'), { tags: { $ne: 'vip' } }],
    ['multi_select in: holds any', c('tags', 'in', ['hot', 'vip']), { tags: { $in: ['hot', 'vip'] } }],
    ['multi_select nin: holds none', c('tags', 'nin', ['hot']), { tags: { $nin: ['hot'] } }],
    ['multi_select isEmpty: missing or []', c('tags', 'isEmpty'), { tags: { $in: [null, []] } }],
    ['multi_select isNotEmpty', c('tags', 'isNotEmpty'), { tags: { $nin: [null, []] } }],
    ['email eq', c('email', 'eq', 'a@b.cn'), { email: { $eq: 'a@b.cn' } }],
    ['email contains', c('email', 'contains', '@b.cn'), { email: { $regex: '@b\\.cn', $options: 'i' } }],
    ['phone startsWith', c('phone', 'startsWith', '+86'), { phone: { $regex: '^\\+86', $options: 'i' } }],
    ['url contains', c('site', 'contains', '?q='), { site: { $regex: '\\?q=', $options: 'i' } }],
    ['lookup eq as ObjectId', c('account', 'eq', ID), { account: { $eq: new ObjectId(ID) } }],
    ['lookup eq, upper-case hex', c('account', 'eq', ID.toUpperCase()), { account: { $eq: new ObjectId(ID) } }],
    ['lookup ne', c('account', 'ne', ID), { account: { $ne: new ObjectId(ID) } }],
    ['lookup in', c('account', 'in', [ID, ID2]), { account: { $in: [new ObjectId(ID), new ObjectId(ID2)] } }],
    ['lookup isEmpty', c('account', 'isEmpty'), missing('account')],
    ['user eq the system actor', c('owner', 'eq', 'system'), { owner: { $eq: 'system' } }],
    ['auto_number startsWith', c('ref', 'startsWith', 'D-2026'), { ref: { $regex: '^D-2026', $options: 'i' } }],
    ['decimal formula gt, as its result type', c('expected', 'gt', '10'), { expected: { $gt: dec('10') } }],
    ['text formula contains', c('summary', 'contains', 'x'), { summary: { $regex: 'x', $options: 'i' } }],
    ['date formula relative', c('closed_on', 'relative', 'tomorrow'), { closed_on: { $gte: day('2026-04-01'), $lt: day('2026-04-02') } }],
    ['sum roll-up gte', c('total', 'gte', '100'), { total: { $gte: dec('100') } }],
    ['count roll-up eq, an integer', c('lines', 'eq', 2), { lines: { $eq: 2 } }],
    ['attachment isEmpty: missing or []', c('files', 'isEmpty'), { files: { $in: [null, []] } }],
    ['attachment isNotEmpty', c('files', 'isNotEmpty'), { files: { $nin: [null, []] } }],
  ])('%s', (_name, filter, expected) => {
    expect(compile(filter)).toEqual(expected);
  });
});

describe('compileFilter: system fields', () => {
  it.each<Row>([
    ['_id eq as ObjectId', c('_id', 'eq', ID), { _id: { $eq: new ObjectId(ID) } }],
    ['_id nin', c('_id', 'nin', [ID]), { _id: { $nin: [new ObjectId(ID)] } }],
    ['_createdAt gte', c('_createdAt', 'gte', '2026-01-01T00:00:00Z'), { _createdAt: { $gte: new Date('2026-01-01T00:00:00Z') } }],
    [
      '_updatedAt relative',
      c('_updatedAt', 'relative', 'this_year'),
      { _updatedAt: { $gte: new Date('2026-01-01T00:00Z'), $lt: new Date('2027-01-01T00:00Z') } },
    ],
    ['_ownerId eq', c('_ownerId', 'eq', 'system'), { _ownerId: { $eq: 'system' } }],
    ['_version gt', c('_version', 'gt', 1), { _version: { $gt: 1 } }],
    ['_deletedAt isNotEmpty: stored null counts as empty', c('_deletedAt', 'isNotEmpty'), present('_deletedAt')],
    ['_deletedAt isEmpty', c('_deletedAt', 'isEmpty'), missing('_deletedAt')],
  ])('%s', (_name, filter, expected) => {
    expect(compile(filter)).toEqual(expected);
  });
});

describe('compileFilter: "$user", the user the query runs for', () => {
  const me = { user: ID };
  it.each<Row>([
    ['_ownerId eq', c('_ownerId', 'eq', '$user'), { _ownerId: { $eq: ID } }],
    ['a user field ne', c('owner', 'ne', '$user'), { owner: { $ne: ID } }],
    ['in a list, beside other ids', c('owner', 'in', ['$user', 'system']), { owner: { $in: [ID, 'system'] } }],
  ])('%s', (_name, filter, expected) => {
    expect(compile(filter, me)).toEqual(expected);
  });

  it('is plain text on other fields, and refused without a user', () => {
    expect(compile(c('title', 'eq', '$user'), me)).toEqual({ title: { $eq: '$user' } });
    expect(() => compile({ and: [c('owner', 'eq', '$user')] })).toThrow(
      expect.objectContaining({ code: 'FILTER_VALUE_INVALID', details: expect.objectContaining({ pointer: '/and/0/value' }) }),
    );
  });
});

describe('compileFilter: and, or, not', () => {
  it.each<Row>([
    ['and', { and: [c('stage', 'eq', 'won'), c('qty', 'gt', 1)] }, { stage: { $eq: 'won' }, qty: { $gt: 1 } }],
    ['and on one field twice', { and: [c('qty', 'gt', 1), c('qty', 'lt', 9)] }, { qty: { $gt: 1 }, $and: [{ qty: { $lt: 9 } }] }],
    ['or', { or: [c('stage', 'eq', 'won'), c('qty', 'gt', 1)] }, { $or: [{ stage: { $eq: 'won' } }, { qty: { $gt: 1 } }] }],
    ['not', { not: c('stage', 'eq', 'won') }, { $nor: [{ stage: { $eq: 'won' } }] }],
    ['an empty and: no condition', { and: [] }, {}],
    [
      'nested',
      { and: [{ or: [c('stage', 'eq', 'won'), { not: c('tags', 'contains', 'hot') }] }, c('title', 'isNotEmpty')] },
      { $or: [{ stage: { $eq: 'won' } }, { $nor: [{ tags: { $eq: 'hot' } }] }], ...present('title') },
    ],
  ])('%s', (_name, filter, expected) => {
    expect(compile(filter)).toEqual(expected);
  });

  it('accepts the limits exactly: 8 levels, 100 conditions, 50 items, 500 values, 1,000 characters', () => {
    let deep: Document = c('qty', 'eq', 1);
    for (let i = 1; i < 8; i += 1) deep = { not: deep };
    expect(() => compile(deep)).not.toThrow();
    const hundred = {
      and: [{ and: Array.from({ length: 50 }, () => c('qty', 'eq', 1)) }, { and: Array.from({ length: 50 }, () => c('qty', 'eq', 1)) }],
    };
    expect(() => compile(hundred)).not.toThrow();
    expect(() =>
      compile(
        c(
          'title',
          'in',
          Array.from({ length: 500 }, (_, i) => `t${i}`),
        ),
      ),
    ).not.toThrow();
    expect(() => compile(c('title', 'eq', 'x'.repeat(1000)))).not.toThrow();
  });
});

describe('compileFilter: deleted records', () => {
  const live = { _deletedAt: null };
  it.each<[string, unknown, Partial<FilterOptions>, Document]>([
    ['no filter: live records', undefined, { includeDeleted: false }, live],
    ['a filter ANDed with live', c('qty', 'eq', 1), { includeDeleted: false }, { ...live, qty: { $eq: 1 } }],
    ['an empty and: live records', { and: [] }, { includeDeleted: false }, live],
    ['includeDeleted, no filter: everything', undefined, {}, {}],
    [
      'deletedOnly: the recycle bin',
      c('qty', 'eq', 1),
      { includeDeleted: false, deletedOnly: true },
      { _deletedAt: { $ne: null }, qty: { $eq: 1 } },
    ],
  ])('%s', (_name, filter, options, expected) => {
    expect(compile(filter, options)).toEqual(expected);
  });

  it('refuses includeDeleted with deletedOnly as a programming error', () => {
    expect(() => compile(undefined, { deletedOnly: true })).toThrow(/exclude each other/);
  });
});

describe('combineQueries', () => {
  it.each<[Document[], Document]>([
    [[], {}],
    [[{}, { a: 1 }, {}], { a: 1 }],
    [[{ a: 1 }, { b: 2 }], { a: 1, b: 2 }],
    [[{ a: 1 }, { a: 2 }], { a: 1, $and: [{ a: 2 }] }],
    [[{ $and: [{ a: 1 }, { $and: [{ b: 2 }] }] }, { $or: [{ c: 3 }] }], { a: 1, b: 2, $or: [{ c: 3 }] }],
    [[{ $or: [{ a: 1 }] }, { $or: [{ b: 1 }] }], { $or: [{ a: 1 }], $and: [{ $or: [{ b: 1 }] }] }],
  ])('%j → %j', (parts, expected) => {
    expect(combineQueries(...parts)).toEqual(expected);
  });
});
