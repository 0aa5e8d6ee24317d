import { describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { QueryError, type QueryErrorCode } from '../query/index.js';
import { aggregatePipeline } from './record-aggregate.js';
import { plan } from './record-aggregate.fixture.js';
import { AGGREGATE_LIMITS } from './record-aggregate-request.js';

const LIVE = { _deletedAt: null };

/** The facet's `groups` pipeline of `body`. */
const groupsOf = (body: unknown): Document[] => (aggregatePipeline(plan(body))[1]!.$facet as { groups: Document[] }).groups;

function refusal(body: unknown, canRead?: (field: string) => boolean): QueryError {
  try {
    plan(body, canRead);
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error('the request was accepted');
}

const count = [{ fn: 'count' }];

describe('aggregatePipeline', () => {
  it('matches live records, groups once, sorts select options in metadata order and keeps limit + 1', () => {
    expect(aggregatePipeline(plan({ groupBy: [{ field: 'stage' }], measures: count, limit: 5 }))).toEqual([
      { $match: LIVE },
      {
        $facet: {
          total: [{ $group: { _id: null, m0: { $sum: 1 } } }],
          groups: [
            { $group: { _id: { k0: { $ifNull: ['$stage', null] } }, m0: { $sum: 1 } } },
            { $addFields: { _rank: { $indexOfArray: [{ $literal: ['new', 'won', 'lost'] }, '$_id.k0'] } } },
            { $sort: { _rank: 1, '_id.k0': 1 } },
            { $limit: 6 },
          ],
        },
      },
    ]);
  });

  it('puts the compiled filter in $match, with the live-records clause', () => {
    const [match] = aggregatePipeline(plan({ filter: { field: 'qty', op: 'gt', value: 3 }, measures: count }));
    expect(match).toEqual({ $match: { ...LIVE, qty: { $gt: 3 } } });
  });

  it('leaves out the groups facet when nothing is grouped', () => {
    expect(Object.keys(aggregatePipeline(plan({ measures: count }))[1]!.$facet as Document)).toEqual(['total']);
  });

  it.each<[string, Record<string, unknown>, Document]>([
    [
      'a date-time by month in the request zone',
      { field: 'seen_at', bucket: 'month' },
      { date: '$seen_at', unit: 'month', timezone: 'Asia/Shanghai' },
    ],
    [
      'a date-time by ISO week, starting on Monday',
      { field: 'seen_at', bucket: 'week' },
      { date: '$seen_at', unit: 'week', timezone: 'Asia/Shanghai', startOfWeek: 'monday' },
    ],
    ['a date in UTC, whatever the zone', { field: 'due', bucket: 'quarter' }, { date: '$due', unit: 'quarter', timezone: 'UTC' }],
    ['a date formula in UTC', { field: 'closed_on', bucket: 'year' }, { date: '$closed_on', unit: 'year', timezone: 'UTC' }],
    ['a date without a bucket by day', { field: 'due' }, { date: '$due', unit: 'day', timezone: 'UTC' }],
    ['a system date-time', { field: '_createdAt', bucket: 'day' }, { date: '$_createdAt', unit: 'day', timezone: 'Asia/Shanghai' }],
  ])('buckets %s', (_what, group, trunc) => {
    const [$group] = groupsOf({ groupBy: [group], measures: count, timeZone: 'asia/shanghai' });
    const zone = trunc.timezone as string;
    expect($group!.$group._id).toEqual({
      k0: { $ifNull: [{ $dateToString: { date: { $dateTrunc: trunc }, format: '%Y-%m-%d', timezone: zone } }, null] },
    });
  });

  it.each<[string, unknown, Document]>([
    ['count of records', { fn: 'count' }, { m0: { $sum: 1 } }],
    [
      'count of values',
      { fn: 'count', field: 'price' },
      { m0: { $sum: { $cond: [{ $eq: [{ $ifNull: ['$price', null] }, null] }, 0, 1] } } },
    ],
    ['an integer sum as 64-bit integers', { fn: 'sum', field: 'qty' }, { m0: { $sum: { $toLong: '$qty' } } }],
    ['a roll-up count as an integer', { fn: 'sum', field: 'lines' }, { m0: { $sum: { $toLong: '$lines' } } }],
    ['a decimal sum as Decimal128', { fn: 'sum', field: 'amount' }, { m0: { $sum: '$amount' } }],
    [
      'an average as sum and count',
      { fn: 'avg', field: 'price' },
      { m0: { $sum: '$price' }, m0n: { $sum: { $cond: [{ $eq: [{ $ifNull: ['$price', null] }, null] }, 0, 1] } } },
    ],
    ['a minimum', { fn: 'min', field: 'due' }, { m0: { $min: '$due' } }],
    ['a maximum of a decimal formula', { fn: 'max', field: 'expected' }, { m0: { $max: '$expected' } }],
  ])('accumulates %s', (_what, measure, accumulators) => {
    const [total] = (aggregatePipeline(plan({ measures: [measure] }))[1]!.$facet as { total: Document[] }).total;
    expect(total).toEqual({ $group: { _id: null, ...accumulators } });
  });

  it.each<[string, unknown, Document]>([
    ['the first group descending', { by: 'group', direction: 'desc' }, { '_id.k0': -1, '_id.k1': 1 }],
    ['the second group', { by: 'group', index: 1, direction: 'asc' }, { '_id.k1': 1, '_id.k0': 1 }],
    ['a sum descending, groups breaking ties', { by: 'measure', index: 1, direction: 'desc' }, { m1: -1, '_id.k0': 1, '_id.k1': 1 }],
    ['an average through $avg', { by: 'measure', index: 2, direction: 'asc' }, { m2a: 1, '_id.k0': 1, '_id.k1': 1 }],
  ])('sorts by %s', (_what, sort, spec) => {
    const stages = groupsOf({
      groupBy: [{ field: 'owner' }, { field: 'active' }],
      measures: [{ fn: 'count' }, { fn: 'sum', field: 'qty' }, { fn: 'avg', field: 'qty' }],
      sort,
    });
    expect(stages.find((s) => s.$sort)).toEqual({ $sort: spec });
    expect(Object.keys(stages[0]!.$group as Document).includes('m2a')).toBe(spec.m2a !== undefined);
  });
});

type Row = [string, unknown, QueryErrorCode, string];

const valid = { groupBy: [{ field: 'stage' }], measures: count };

describe('parseAggregateRequest refuses', () => {
  it.each<Row>([
    ['a body that is a list', [valid], 'AGGREGATE_INVALID', ''],
    ['a body that is null', null, 'AGGREGATE_INVALID', ''],
    ['an unknown key', { ...valid, having: {} }, 'AGGREGATE_INVALID', '/having'],
    ['an operator key', { ...valid, $where: '1' }, 'AGGREGATE_INVALID', '/$where'],
    ['no measures', { groupBy: [] }, 'AGGREGATE_INVALID', '/measures'],
    ['measures that are not a list', { measures: { fn: 'count' } }, 'AGGREGATE_INVALID', '/measures'],
    [
      'eleven measures',
      { measures: Array.from({ length: AGGREGATE_LIMITS.measures + 1 }, () => ({ fn: 'count' })) },
      'AGGREGATE_INVALID',
      '/measures',
    ],
    ['three groups', { ...valid, groupBy: [{ field: 'stage' }, { field: 'owner' }, { field: 'active' }] }, 'AGGREGATE_INVALID', '/groupBy'],
    ['a group that is a string', { ...valid, groupBy: ['stage'] }, 'AGGREGATE_INVALID', '/groupBy/0'],
    ['an unknown key in a group', { ...valid, groupBy: [{ field: 'stage', order: 1 }] }, 'AGGREGATE_INVALID', '/groupBy/0/order'],
    ['a group without a field', { ...valid, groupBy: [{}] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on an unknown field', { ...valid, groupBy: [{ field: 'colour' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on a path', { ...valid, groupBy: [{ field: 'account.title' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on an operator', { ...valid, groupBy: [{ field: '$stage' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on text', { ...valid, groupBy: [{ field: 'title' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on a number', { ...valid, groupBy: [{ field: 'amount' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on a multi-select', { ...valid, groupBy: [{ field: 'tags' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a group on the record id', { ...valid, groupBy: [{ field: '_id' }] }, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    [
      'a group on the deletion time',
      { ...valid, groupBy: [{ field: '_deletedAt', bucket: 'day' }] },
      'AGGREGATE_INVALID',
      '/groupBy/0/field',
    ],
    ['a bucket on a select', { ...valid, groupBy: [{ field: 'stage', bucket: 'month' }] }, 'AGGREGATE_INVALID', '/groupBy/0/bucket'],
    [
      'a bucket on a user',
      { ...valid, groupBy: [{ field: 'stage' }, { field: '_ownerId', bucket: 'day' }] },
      'AGGREGATE_INVALID',
      '/groupBy/1/bucket',
    ],
    ['an unknown bucket', { ...valid, groupBy: [{ field: 'due', bucket: 'fortnight' }] }, 'AGGREGATE_INVALID', '/groupBy/0/bucket'],
    ['a measure without fn', { measures: [{ field: 'qty' }] }, 'AGGREGATE_INVALID', '/measures/0/fn'],
    ['an unknown fn', { measures: [{ fn: 'median', field: 'qty' }] }, 'AGGREGATE_INVALID', '/measures/0/fn'],
    ['a sum without a field', { measures: [{ fn: 'count' }, { fn: 'sum' }] }, 'AGGREGATE_INVALID', '/measures/1/field'],
    ['a field that is not a string', { measures: [{ fn: 'sum', field: ['qty'] }] }, 'AGGREGATE_INVALID', '/measures/0/field'],
    ['an unknown key in a measure', { measures: [{ fn: 'count', as: 'n' }] }, 'AGGREGATE_INVALID', '/measures/0/as'],
    ['a sum of text', { measures: [{ fn: 'sum', field: 'title' }] }, 'AGGREGATE_INVALID', '/measures/0/field'],
    ['an average of a date', { measures: [{ fn: 'avg', field: 'due' }] }, 'AGGREGATE_INVALID', '/measures/0/field'],
    ['a minimum of a select', { measures: [{ fn: 'min', field: 'stage' }] }, 'AGGREGATE_INVALID', '/measures/0/field'],
    ['a sum of a text formula', { measures: [{ fn: 'sum', field: 'summary' }] }, 'AGGREGATE_INVALID', '/measures/0/field'],
    ['a sum of record versions', { measures: [{ fn: 'sum', field: '_version' }] }, 'AGGREGATE_INVALID', '/measures/0/field'],
    ['a sort that is a string', { ...valid, sort: 'stage' }, 'AGGREGATE_INVALID', '/sort'],
    ['a sort by something else', { ...valid, sort: { by: 'label', direction: 'asc' } }, 'AGGREGATE_INVALID', '/sort/by'],
    ['a sort without a direction', { ...valid, sort: { by: 'group' } }, 'AGGREGATE_INVALID', '/sort/direction'],
    [
      'a sort index past the measures',
      { ...valid, sort: { by: 'measure', index: 1, direction: 'asc' } },
      'AGGREGATE_INVALID',
      '/sort/index',
    ],
    [
      'a sort index that is a string',
      { ...valid, sort: { by: 'group', index: '0', direction: 'asc' } },
      'AGGREGATE_INVALID',
      '/sort/index',
    ],
    ['a sort by group with no groups', { measures: count, sort: { by: 'group', direction: 'asc' } }, 'AGGREGATE_INVALID', '/sort/by'],
    ['a limit of 0', { ...valid, limit: 0 }, 'AGGREGATE_INVALID', '/limit'],
    ['a limit over 1,000', { ...valid, limit: 1001 }, 'AGGREGATE_INVALID', '/limit'],
    ['a fractional limit', { ...valid, limit: 2.5 }, 'AGGREGATE_INVALID', '/limit'],
    ['a limit as a string', { ...valid, limit: '10' }, 'AGGREGATE_INVALID', '/limit'],
    ['an unknown time zone', { ...valid, timeZone: 'Mars/Olympus' }, 'TIME_ZONE_INVALID', '/timeZone'],
    ['an offset for a time zone', { ...valid, timeZone: '+08:00' }, 'TIME_ZONE_INVALID', '/timeZone'],
    ['a time zone that is a number', { ...valid, timeZone: 8 }, 'TIME_ZONE_INVALID', '/timeZone'],
    ['a raw query as the filter', { ...valid, filter: { stage: { $ne: null } } }, 'FILTER_INVALID', '/filter/stage'],
    [
      'an unknown field in the filter',
      { ...valid, filter: { and: [{ field: 'colour', op: 'eq', value: 1 }] } },
      'FILTER_FIELD_UNKNOWN',
      '/filter/and/0/field',
    ],
  ])('%s', (_what, body, code, pointer) => {
    const err = refusal(body);
    expect({ code: err.code, status: err.status, pointer: err.details.pointer }).toEqual({ code, status: 400, pointer });
  });

  it.each<[string, unknown, string]>([
    ['grouped', { groupBy: [{ field: 'owner' }], measures: count }, '/groupBy/0/field'],
    ['measured', { measures: [{ fn: 'count' }, { fn: 'max', field: 'owner' }] }, '/measures/1/field'],
    ['counted', { measures: [{ fn: 'count', field: 'owner' }] }, '/measures/0/field'],
    ['filtered', { measures: count, filter: { field: 'owner', op: 'isEmpty' } }, '/filter/field'],
  ])('a field the actor may not read, %s, with 403 naming it', (_what, body, pointer) => {
    const err = refusal(body, (field) => field !== 'owner');
    expect({ status: err.status, code: err.code, details: err.details }).toEqual({
      status: 403,
      code: 'FIELD_NOT_READABLE',
      details: { pointer, field: 'owner' },
    });
  });

  it('accepts every groupable kind and measures min / max on dates', () => {
    const body = {
      groupBy: [{ field: 'account' }, { field: '_ownerId' }],
      measures: [
        { fn: 'min', field: 'seen_at' },
        { fn: 'max', field: '_updatedAt' },
        { fn: 'avg', field: 'rate' },
      ],
    };
    const p = plan(body);
    expect(p.groups.map((g) => g.kind)).toEqual(['lookup', 'plain']);
    expect(p.measures.map((m) => [m.kind, m.scale])).toEqual([
      ['temporal', 0],
      ['temporal', 0],
      ['decimal', 2],
    ]);
    expect(p).toMatchObject({ limit: 100, timeZone: 'UTC', sort: { by: 'group', index: 0, direction: 'asc' } });
  });
});
