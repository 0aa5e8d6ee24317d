import { type Decimal128, type Collection, type Db, type Filter } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { dec, type AnyDoc } from './compat-support.js';

/**
 * The filters the filter-DSL compiler emits, and field projection. Each row names the
 * filter and the exact set of matching ids.
 */

interface Account {
  _id: number;
  name: string;
  employees?: number | null;
  revenue: Decimal128;
  createdAt: Date;
  tags: string[];
  address?: { city: string; zip?: string | null };
  contacts: { name: string; role: string }[];
  status: string;
}

const accounts: Account[] = [
  {
    _id: 1,
    name: 'Acme Corp',
    employees: 120,
    revenue: dec('1500000.50'),
    createdAt: new Date('2026-01-15T09:30:00.000Z'),
    tags: ['customer', 'enterprise'],
    address: { city: 'Paris', zip: '75001' },
    contacts: [
      { name: 'Ann', role: 'ceo' },
      { name: 'Bob', role: 'cto' },
    ],
    status: 'active',
  },
  {
    _id: 2,
    name: 'ACME (EU) Ltd.',
    employees: 45,
    revenue: dec('250000'),
    createdAt: new Date('2026-02-01T00:00:00.000Z'),
    tags: ['prospect'],
    address: { city: 'Berlin' },
    contacts: [{ name: 'Cid', role: 'cfo' }],
    status: 'active',
  },
  {
    _id: 3,
    name: 'Globex',
    employees: null,
    revenue: dec('99.99'),
    createdAt: new Date('2025-12-31T23:59:59.999Z'),
    tags: [],
    address: { city: 'Paris' },
    contacts: [],
    status: 'churned',
  },
  {
    _id: 4,
    name: 'Initech',
    revenue: dec('0'),
    createdAt: new Date('2026-03-10T12:00:00.000Z'),
    tags: ['customer'],
    contacts: [{ name: 'Dee', role: 'ceo' }],
    status: 'active',
  },
  {
    _id: 5,
    name: 'Umbrella acme',
    employees: 5000,
    revenue: dec('-12.5'),
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    tags: ['customer', 'partner', 'enterprise'],
    address: { city: 'Raccoon City', zip: null },
    contacts: [
      { name: 'Eve', role: 'cto' },
      { name: 'Ann', role: 'cfo' },
    ],
    status: 'prospect',
  },
  {
    _id: 6,
    name: 'a.c.m.e',
    employees: 0,
    revenue: dec('1E+3'),
    createdAt: new Date('2026-02-28T18:45:12.345Z'),
    tags: ['partner'],
    address: { city: 'Lyon', zip: '69001' },
    contacts: [{ name: 'Ann', role: 'ceo' }],
    status: 'active',
  },
];

const env = testEnv(import.meta.url);
let db: Db;
let coll: Collection<Account>;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  coll = db.collection<Account>('accounts');
  await coll.insertMany(accounts);
});

/** Escapes a user's search text for use inside a regular expression, as the compiler does. */
const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The sorted ids of the matching documents. Filters are untyped: they compare Decimal128 fields with numbers. */
async function idsOf(filter: Filter<AnyDoc>): Promise<number[]> {
  const docs = await db
    .collection<AnyDoc>('accounts')
    .find(filter, { projection: { _id: 1 } })
    .toArray();
  return docs.map((d) => d._id as number).sort((a, b) => a - b);
}

type Row = [string, Filter<AnyDoc>, number[]];

describe('comparison operators', () => {
  it.each<Row>([
    ['string $eq', { status: 'active' }, [1, 2, 4, 6]],
    ['string explicit $eq', { status: { $eq: 'churned' } }, [3]],
    ['string $ne', { status: { $ne: 'active' } }, [3, 5]],
    ['string $in', { status: { $in: ['churned', 'prospect'] } }, [3, 5]],
    ['string $nin', { status: { $nin: ['active', 'prospect'] } }, [3]],
    ['string range $gte/$lt (binary order)', { name: { $gte: 'B', $lt: 'J' } }, [3, 4]],
    ['number $gt', { employees: { $gt: 100 } }, [1, 5]],
    ['number $gte', { employees: { $gte: 45 } }, [1, 2, 5]],
    ['number $lt (null and missing never match)', { employees: { $lt: 45 } }, [6]],
    ['number $lte', { employees: { $lte: 0 } }, [6]],
    ['number $eq 0', { employees: 0 }, [6]],
    ['number $ne (matches null and missing)', { employees: { $ne: 120 } }, [2, 3, 4, 5, 6]],
    ['number $in', { employees: { $in: [0, 45] } }, [2, 6]],
    ['number $nin (matches null and missing)', { employees: { $nin: [0, 45] } }, [1, 3, 4, 5]],
    ['date range $gte/$lt', { createdAt: { $gte: new Date('2026-01-01T00:00:00Z'), $lt: new Date('2026-02-01T00:00:00Z') } }, [1, 5]],
    ['date $eq to the millisecond', { createdAt: new Date('2025-12-31T23:59:59.999Z') }, [3]],
    ['date $gt', { createdAt: { $gt: new Date('2026-02-28T18:45:12.344Z') } }, [4, 6]],
    ['date $lte', { createdAt: { $lte: new Date('2026-01-01T00:00:00Z') } }, [3, 5]],
    ['date $in', { createdAt: { $in: [new Date('2026-02-01T00:00:00Z'), new Date('2026-03-10T12:00:00Z')] } }, [2, 4]],
    ['Decimal128 $gt', { revenue: { $gt: dec('250000') } }, [1]],
    ['Decimal128 $gte', { revenue: { $gte: dec('250000.00') } }, [1, 2]],
    ['Decimal128 $lt', { revenue: { $lt: dec('0') } }, [5]],
    ['Decimal128 $lte', { revenue: { $lte: dec('99.99') } }, [3, 4, 5]],
    ['Decimal128 $eq across exponents', { revenue: dec('1000.00') }, [6]],
    ['Decimal128 $ne', { revenue: { $ne: dec('0.0') } }, [1, 2, 3, 5, 6]],
    ['Decimal128 $in', { revenue: { $in: [dec('0'), dec('99.990')] } }, [3, 4]],
    ['Decimal128 $nin', { revenue: { $nin: [dec('0'), dec('99.990')] } }, [1, 2, 5, 6]],
    ['Decimal128 field against a double', { revenue: { $gte: 99.99 } }, [1, 2, 3, 6]],
    ['Decimal128 field against an int', { revenue: 1000 }, [6]],
  ])('%s', async (_name, filter, ids) => {
    expect(await idsOf(filter)).toEqual(ids);
  });
});

describe('logical operators, existence and null', () => {
  it.each<Row>([
    ['$and', { $and: [{ status: 'active' }, { employees: { $gte: 45 } }] }, [1, 2]],
    ['$or', { $or: [{ status: 'churned' }, { employees: { $gt: 1000 } }] }, [3, 5]],
    ['$nor', { $nor: [{ status: 'active' }, { tags: 'partner' }] }, [3]],
    ['$not (matches null and missing)', { employees: { $not: { $gt: 100 } } }, [2, 3, 4, 6]],
    [
      'nested $and of $or',
      { $and: [{ $or: [{ status: 'active' }, { status: 'prospect' }] }, { $or: [{ tags: 'partner' }, { employees: 45 }] }] },
      [2, 5, 6],
    ],
    ['$exists true (null counts as present)', { employees: { $exists: true } }, [1, 2, 3, 5, 6]],
    ['$exists false', { employees: { $exists: false } }, [4]],
    ['null matches null and missing', { employees: null }, [3, 4]],
    ['$ne null excludes null and missing', { employees: { $ne: null } }, [1, 2, 5, 6]],
    ['$type null matches only null', { employees: { $type: 'null' } }, [3]],
    ['$in with null matches null and missing', { employees: { $in: [null, 45] } }, [2, 3, 4]],
    ['dotted null matches missing parent, missing field and null', { 'address.zip': null }, [2, 3, 4, 5]],
  ])('%s', async (_name, filter, ids) => {
    expect(await idsOf(filter)).toEqual(ids);
  });
});

describe('arrays, sub-documents and regular expressions', () => {
  it.each<Row>([
    ['array contains a value', { tags: 'customer' }, [1, 4, 5]],
    ['array $in', { tags: { $in: ['prospect', 'partner'] } }, [2, 5, 6]],
    ['array $all', { tags: { $all: ['customer', 'enterprise'] } }, [1, 5]],
    ['array $nin', { tags: { $nin: ['customer'] } }, [2, 3, 6]],
    ['array $ne', { tags: { $ne: 'customer' } }, [2, 3, 6]],
    ['array $size 0', { tags: { $size: 0 } }, [3]],
    ['array $size 1', { tags: { $size: 1 } }, [2, 4, 6]],
    ['array equals exactly', { tags: ['customer', 'enterprise'] }, [1]],
    ['dotted path into a sub-document', { 'address.city': 'Paris' }, [1, 3]],
    ['dotted path into an array of sub-documents', { 'contacts.role': 'ceo' }, [1, 4, 6]],
    ['dotted conditions may match different elements', { 'contacts.name': 'Ann', 'contacts.role': 'cto' }, [1, 5]],
    ['$elemMatch needs one element to match all', { contacts: { $elemMatch: { name: 'Ann', role: 'cto' } } }, []],
    ['$elemMatch', { contacts: { $elemMatch: { name: 'Ann', role: 'cfo' } } }, [5]],
    ['anchored case-insensitive $regex', { name: { $regex: '^acme', $options: 'i' } }, [1, 2]],
    ['anchored escaped $regex with metacharacters', { name: { $regex: `^${escapeRegex('ACME (EU)')}`, $options: 'i' } }, [2]],
    ['escaped dots match only dots', { name: { $regex: `^${escapeRegex('a.c')}`, $options: 'i' } }, [6]],
    ['contains, case-insensitive', { name: { $regex: escapeRegex('acme'), $options: 'i' } }, [1, 2, 5]],
    ['contains, case-sensitive', { name: { $regex: 'acme' } }, [5]],
    ['a JavaScript RegExp', { name: /^acme/i }, [1, 2]],
    ['$regex inside $not', { name: { $not: /acme/i } }, [3, 4, 6]],
    ['$regex over array elements', { tags: { $regex: '^part' } }, [5, 6]],
  ])('%s', async (_name, filter, ids) => {
    expect(await idsOf(filter)).toEqual(ids);
  });
});

describe('distinct', () => {
  it('lists the distinct values of a field, flattening arrays and honouring a filter', async () => {
    expect((await coll.distinct('status')).sort()).toEqual(['active', 'churned', 'prospect']);
    expect((await coll.distinct('tags')).sort()).toEqual(['customer', 'enterprise', 'partner', 'prospect']);
    expect((await coll.distinct('address.city', { status: 'active' })).sort()).toEqual(['Berlin', 'Lyon', 'Paris']);
  });
});

describe('projection', () => {
  it('returns only included fields, with _id, including dotted sub-fields', async () => {
    const docs = await coll
      .find({ _id: { $in: [1, 4] } }, { projection: { name: 1, 'address.city': 1 } })
      .sort({ _id: 1 })
      .toArray();
    expect(docs).toEqual([
      { _id: 1, name: 'Acme Corp', address: { city: 'Paris' } },
      { _id: 4, name: 'Initech' },
    ]);
  });

  it('drops _id when asked', async () => {
    const docs = await coll.find({ status: 'churned' }, { projection: { _id: 0, name: 1, status: 1 } }).toArray();
    expect(docs).toEqual([{ name: 'Globex', status: 'churned' }]);
  });

  it('returns everything but excluded fields', async () => {
    const doc = await coll.findOne({ _id: 2 }, { projection: { contacts: 0, revenue: 0, createdAt: 0, 'address.city': 0 } });
    expect(doc).toEqual({ _id: 2, name: 'ACME (EU) Ltd.', employees: 45, tags: ['prospect'], address: {}, status: 'active' });
  });

  it('projects a field of every element of an array of sub-documents', async () => {
    const doc = await coll.findOne({ _id: 5 }, { projection: { _id: 0, 'contacts.name': 1 } });
    expect(doc).toEqual({ contacts: [{ name: 'Eve' }, { name: 'Ann' }] });
  });

  it('returns the whole document without a projection', async () => {
    expect(await coll.findOne({ _id: 1 })).toEqual(accounts[0]);
  });
});
