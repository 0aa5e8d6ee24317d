import { Decimal128, type Db, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { dec, type AnyDoc } from './compat-support.js';

/** The aggregation stages, accumulators and expressions that reports and dashboards emit. */

const opportunities = [
  {
    _id: 1,
    owner: 'ann',
    stage: 'won',
    amount: dec('1000.10'),
    closeAt: new Date('2026-01-05T10:00:00Z'),
    tags: ['new', 'big'],
    accountId: 'a1',
    probability: 100,
  },
  {
    _id: 2,
    owner: 'ann',
    stage: 'won',
    amount: dec('250.00'),
    closeAt: new Date('2026-01-20T23:30:00Z'),
    tags: ['renewal'],
    accountId: 'a2',
    probability: 100,
  },
  {
    _id: 3,
    owner: 'bob',
    stage: 'lost',
    amount: dec('80'),
    closeAt: new Date('2026-02-14T08:00:00Z'),
    tags: [],
    accountId: 'a1',
    probability: 0,
  },
  {
    _id: 4,
    owner: 'bob',
    stage: 'won',
    amount: dec('3000'),
    closeAt: new Date('2026-04-01T00:30:00Z'),
    tags: ['big'],
    accountId: 'a3',
    probability: 100,
  },
  {
    _id: 5,
    owner: 'cid',
    stage: 'open',
    amount: dec('500.5'),
    closeAt: new Date('2026-04-15T12:00:00Z'),
    tags: ['new'],
    accountId: 'a2',
    probability: 40,
  },
  { _id: 6, owner: 'ann', stage: 'open', amount: dec('0.1'), closeAt: new Date('2026-12-31T23:59:00Z'), accountId: null, probability: 10 },
];

const env = testEnv(import.meta.url);
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await db.collection<AnyDoc>('opportunities').insertMany(opportunities);
  await db.collection<AnyDoc>('accounts').insertMany([
    { _id: 'a1', name: 'Acme' },
    { _id: 'a2', name: 'Globex' },
    { _id: 'a3', name: 'Initech' },
    { _id: 'a4', name: 'Hooli' },
  ]);
  await db.collection<AnyDoc>('tenths').insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, v: dec('0.1') })));
  await db.collection<AnyDoc>('instants').insertOne({ _id: 1, at: new Date('2026-03-18T23:30:00Z') });
  await db.collection<AnyDoc>('orders').insertOne({
    _id: 1,
    lines: [
      { sku: 'a', qty: 2 },
      { sku: 'b', qty: 3 },
      { sku: 'c', qty: 1 },
    ],
  });
});

const run = (pipeline: Document[], collection = 'opportunities'): Promise<Document[]> =>
  db.collection(collection).aggregate(pipeline).toArray();

/** Replaces Decimal128 values by their strings so results compare exactly, digits and exponent alike. */
function plain(value: unknown): unknown {
  if (value instanceof Decimal128) return `dec:${value.toString()}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe('$group accumulators', () => {
  it('counts and sums numbers and Decimal128 exactly per group after $match', async () => {
    const rows = await run([
      { $match: { closeAt: { $gte: new Date('2026-01-01T00:00:00Z') } } },
      {
        $group: {
          _id: '$stage',
          count: { $sum: 1 },
          amount: { $sum: '$amount' },
          probability: { $sum: '$probability' },
          missing: { $sum: '$nothing' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(plain(rows)).toEqual([
      { _id: 'lost', count: 1, amount: 'dec:80', probability: 0, missing: 0 },
      { _id: 'open', count: 2, amount: 'dec:500.6', probability: 50, missing: 0 },
      { _id: 'won', count: 3, amount: 'dec:4250.10', probability: 300, missing: 0 },
    ]);
  });

  it('sums ten Decimal128 0.1 values to exactly 1.0', async () => {
    const rows = await run([{ $group: { _id: null, total: { $sum: '$v' } } }], 'tenths');
    expect(plain(rows)).toEqual([{ _id: null, total: 'dec:1.0' }]);
  });

  it('computes $avg, $min and $max over numbers and Decimal128', async () => {
    const rows = await run([
      {
        $group: {
          _id: '$owner',
          avgP: { $avg: '$probability' },
          minP: { $min: '$probability' },
          maxP: { $max: '$probability' },
          minA: { $min: '$amount' },
          maxA: { $max: '$amount' },
          firstClose: { $min: '$closeAt' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(plain(rows)).toEqual([
      { _id: 'ann', avgP: 70, minP: 10, maxP: 100, minA: 'dec:0.1', maxA: 'dec:1000.10', firstClose: new Date('2026-01-05T10:00:00Z') },
      { _id: 'bob', avgP: 50, minP: 0, maxP: 100, minA: 'dec:80', maxA: 'dec:3000', firstClose: new Date('2026-02-14T08:00:00Z') },
      { _id: 'cid', avgP: 40, minP: 40, maxP: 40, minA: 'dec:500.5', maxA: 'dec:500.5', firstClose: new Date('2026-04-15T12:00:00Z') },
    ]);
  });

  it('averages Decimal128 values as Decimal128', async () => {
    const rows = await run([{ $match: { owner: 'bob' } }, { $group: { _id: null, avg: { $avg: '$amount' } } }]);
    expect(plain(rows)).toEqual([{ _id: null, avg: 'dec:1540' }]);
  });

  it('takes $first and $last in sort order and collects with $push and $addToSet', async () => {
    const rows = await run([
      { $sort: { closeAt: 1 } },
      {
        $group: {
          _id: '$owner',
          first: { $first: '$_id' },
          last: { $last: '$_id' },
          stages: { $push: '$stage' },
          distinct: { $addToSet: '$stage' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    const sorted = rows.map((r) => ({ ...r, distinct: [...(r.distinct as string[])].sort() }));
    expect(sorted).toEqual([
      { _id: 'ann', first: 1, last: 6, stages: ['won', 'won', 'open'], distinct: ['open', 'won'] },
      { _id: 'bob', first: 3, last: 4, stages: ['lost', 'won'], distinct: ['lost', 'won'] },
      { _id: 'cid', first: 5, last: 5, stages: ['open'], distinct: ['open'] },
    ]);
  });

  it('groups by two keys', async () => {
    const rows = await run([
      { $group: { _id: { owner: '$owner', stage: '$stage' }, n: { $sum: 1 } } },
      { $sort: { '_id.owner': 1, '_id.stage': 1 } },
    ]);
    expect(rows).toEqual([
      { _id: { owner: 'ann', stage: 'open' }, n: 1 },
      { _id: { owner: 'ann', stage: 'won' }, n: 2 },
      { _id: { owner: 'bob', stage: 'lost' }, n: 1 },
      { _id: { owner: 'bob', stage: 'won' }, n: 1 },
      { _id: { owner: 'cid', stage: 'open' }, n: 1 },
    ]);
  });
});

describe('dates', () => {
  it.each([
    ['day', 'UTC', undefined, '2026-03-18T00:00:00.000Z'],
    ['week', 'UTC', undefined, '2026-03-15T00:00:00.000Z'],
    ['week', 'UTC', 'monday', '2026-03-16T00:00:00.000Z'],
    ['month', 'UTC', undefined, '2026-03-01T00:00:00.000Z'],
    ['quarter', 'UTC', undefined, '2026-01-01T00:00:00.000Z'],
    ['year', 'UTC', undefined, '2026-01-01T00:00:00.000Z'],
    ['day', 'Europe/Paris', undefined, '2026-03-18T23:00:00.000Z'],
    ['week', 'Europe/Paris', undefined, '2026-03-14T23:00:00.000Z'],
    ['week', 'Europe/Paris', 'monday', '2026-03-15T23:00:00.000Z'],
    ['month', 'Europe/Paris', undefined, '2026-02-28T23:00:00.000Z'],
    ['quarter', 'Europe/Paris', undefined, '2025-12-31T23:00:00.000Z'],
    ['year', 'America/New_York', undefined, '2026-01-01T05:00:00.000Z'],
  ])('truncates 2026-03-18T23:30Z to the %s in %s (week starts %s)', async (unit, timezone, startOfWeek, expected) => {
    const spec: Document = { date: '$at', unit, timezone };
    if (startOfWeek) spec.startOfWeek = startOfWeek;
    const rows = await run([{ $project: { _id: 0, t: { $dateTrunc: spec } } }], 'instants');
    expect(rows).toEqual([{ t: new Date(expected) }]);
  });

  it('extracts date parts and formats dates in a timezone', async () => {
    const rows = await run(
      [
        {
          $project: {
            _id: 0,
            year: { $year: '$at' },
            month: { $month: '$at' },
            day: { $dayOfMonth: '$at' },
            week: { $week: '$at' },
            isoWeek: { $isoWeek: '$at' },
            dayParis: { $dayOfMonth: { date: '$at', timezone: 'Europe/Paris' } },
            utc: { $dateToString: { date: '$at', format: '%Y-%m-%dT%H:%M:%S.%LZ' } },
            paris: { $dateToString: { date: '$at', format: '%Y-%m-%d %H:%M', timezone: 'Europe/Paris' } },
          },
        },
      ],
      'instants',
    );
    expect(rows).toEqual([
      { year: 2026, month: 3, day: 18, week: 11, isoWeek: 12, dayParis: 19, utc: '2026-03-18T23:30:00.000Z', paris: '2026-03-19 00:30' },
    ]);
  });

  it('groups amounts by month with $dateTrunc', async () => {
    const rows = await run([
      {
        $group: { _id: { $dateTrunc: { date: '$closeAt', unit: 'month', timezone: 'UTC' } }, amount: { $sum: '$amount' }, n: { $sum: 1 } },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(plain(rows)).toEqual([
      { _id: new Date('2026-01-01T00:00:00Z'), amount: 'dec:1250.10', n: 2 },
      { _id: new Date('2026-02-01T00:00:00Z'), amount: 'dec:80', n: 1 },
      { _id: new Date('2026-04-01T00:00:00Z'), amount: 'dec:3500.5', n: 2 },
      { _id: new Date('2026-12-01T00:00:00Z'), amount: 'dec:0.1', n: 1 },
    ]);
  });
});

describe('shaping stages and expressions', () => {
  it('computes fields with $addFields, $cond, $ifNull and $switch, then $project', async () => {
    const rows = await run([
      {
        $addFields: {
          likelihood: { $cond: { if: { $gte: ['$probability', 50] }, then: 'likely', else: 'unlikely' } },
          account: { $ifNull: ['$accountId', 'none'] },
          tagList: { $ifNull: ['$tags', []] },
          code: {
            $switch: {
              branches: [
                { case: { $eq: ['$stage', 'won'] }, then: 'W' },
                { case: { $eq: ['$stage', 'lost'] }, then: 'L' },
              ],
              default: '?',
            },
          },
        },
      },
      { $project: { _id: 1, likelihood: 1, account: 1, code: 1, tagCount: { $size: '$tagList' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: 1, likelihood: 'likely', account: 'a1', code: 'W', tagCount: 2 },
      { _id: 2, likelihood: 'likely', account: 'a2', code: 'W', tagCount: 1 },
      { _id: 3, likelihood: 'unlikely', account: 'a1', code: 'L', tagCount: 0 },
      { _id: 4, likelihood: 'likely', account: 'a3', code: 'W', tagCount: 1 },
      { _id: 5, likelihood: 'unlikely', account: 'a2', code: '?', tagCount: 1 },
      { _id: 6, likelihood: 'unlikely', account: 'none', code: '?', tagCount: 0 },
    ]);
  });

  it('pages with $sort, $skip and $limit, sorting Decimal128 numerically', async () => {
    const rows = await run([{ $sort: { amount: -1 } }, { $skip: 1 }, { $limit: 3 }, { $project: { _id: 1 } }]);
    expect(rows).toEqual([{ _id: 1 }, { _id: 5 }, { _id: 2 }]);
  });

  it('unwinds arrays, dropping or keeping documents without elements', async () => {
    const dropped = await run([{ $unwind: '$tags' }, { $project: { _id: 1, tags: 1 } }, { $sort: { _id: 1, tags: 1 } }]);
    expect(dropped).toEqual([
      { _id: 1, tags: 'big' },
      { _id: 1, tags: 'new' },
      { _id: 2, tags: 'renewal' },
      { _id: 4, tags: 'big' },
      { _id: 5, tags: 'new' },
    ]);
    const kept = await run([{ $unwind: { path: '$tags', preserveNullAndEmptyArrays: true } }, { $count: 'n' }]);
    expect(kept).toEqual([{ n: 7 }]);
  });

  // Reports read values inside arrays of sub-documents with $map (or $unwind first), not
  // with a bare path such as '$lines.sku', which SecantusDB 0.7.0b3 resolves to nothing
  // (test/compat/README.md); both forms mean the same on MongoDB.
  it('maps and sums values inside an array of sub-documents with $map', async () => {
    const rows = await run(
      [
        {
          $project: {
            skus: { $map: { input: '$lines', as: 'line', in: '$$line.sku' } },
            units: { $sum: { $map: { input: '$lines', in: '$$this.qty' } } },
          },
        },
      ],
      'orders',
    );
    expect(rows).toEqual([{ _id: 1, skus: ['a', 'b', 'c'], units: 6 }]);
  });

  it('counts matching documents with $count', async () => {
    expect(await run([{ $match: { stage: 'won' } }, { $count: 'won' }])).toEqual([{ won: 3 }]);
  });
});

describe('joins and facets', () => {
  it('joins with $lookup on localField / foreignField', async () => {
    const rows = await run([
      { $lookup: { from: 'accounts', localField: 'accountId', foreignField: '_id', as: 'account' } },
      { $project: { _id: 1, account: 1 } },
      { $sort: { _id: 1 } },
    ]);
    const acme = { _id: 'a1', name: 'Acme' };
    const globex = { _id: 'a2', name: 'Globex' };
    expect(rows).toEqual([
      { _id: 1, account: [acme] },
      { _id: 2, account: [globex] },
      { _id: 3, account: [acme] },
      { _id: 4, account: [{ _id: 'a3', name: 'Initech' }] },
      { _id: 5, account: [globex] },
      { _id: 6, account: [] },
    ]);
  });

  it('joins with a $lookup pipeline using let variables', async () => {
    const rows = await run(
      [
        {
          $lookup: {
            from: 'opportunities',
            let: { account: '$_id' },
            pipeline: [
              { $match: { $expr: { $and: [{ $eq: ['$accountId', '$$account'] }, { $eq: ['$stage', 'won'] }] } } },
              { $sort: { _id: 1 } },
              { $project: { _id: 1 } },
            ],
            as: 'won',
          },
        },
        { $sort: { _id: 1 } },
      ],
      'accounts',
    );
    expect(rows).toEqual([
      { _id: 'a1', name: 'Acme', won: [{ _id: 1 }] },
      { _id: 'a2', name: 'Globex', won: [{ _id: 2 }] },
      { _id: 'a3', name: 'Initech', won: [{ _id: 4 }] },
      { _id: 'a4', name: 'Hooli', won: [] },
    ]);
  });

  it('runs several sub-pipelines at once with $facet, $count, $sortByCount and $bucket', async () => {
    const rows = await run([
      { $sort: { _id: 1 } },
      {
        $facet: {
          total: [{ $count: 'n' }],
          byStage: [{ $sortByCount: '$stage' }],
          byProbability: [
            {
              $bucket: {
                groupBy: '$probability',
                boundaries: [0, 50, 101],
                default: 'other',
                output: { n: { $sum: 1 }, ids: { $push: '$_id' } },
              },
            },
          ],
          top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
        },
      },
    ]);
    expect(rows).toEqual([
      {
        total: [{ n: 6 }],
        byStage: [
          { _id: 'won', count: 3 },
          { _id: 'open', count: 2 },
          { _id: 'lost', count: 1 },
        ],
        byProbability: [
          { _id: 0, n: 3, ids: [3, 5, 6] },
          { _id: 50, n: 3, ids: [1, 2, 4] },
        ],
        top: [{ _id: 4 }],
      },
    ]);
  });
});
