import { ObjectId, type Document } from 'mongodb';
import type { AggregateAnswer, AggregateKey, MeasureValue } from '@metacrm/metadata';
import { fromStorage } from '../record-storage/field-codec.js';
import type { AggregatePlan, GroupSpec, MeasureSpec } from './record-aggregate-request.js';
import { averageValue, decimalValue, integerValue } from './record-aggregate-values.js';

/**
 * Aggregates for reports, charts and pivot tables: the MongoDB pipeline of a validated
 * request, and the answer made from what it returns. Pure functions, no database.
 *
 * The pipeline is one `$match` and one `$facet` (one pass over the matching records):
 * `groups` groups on up to two keys, sorts and keeps `limit + 1` rows (the extra one
 * says the answer was truncated); `total` runs the same measures over every record.
 * Group keys are `_id.k0`, `_id.k1`; measure i is `m{i}` (plus `m{i}n`, the number of
 * values, for an average, and `m{i}a` when the groups are sorted by that average).
 */

/** The answer, declared once in the metadata package (the runtime UI reads it too). */
export type AggregateResult = AggregateAnswer;

/** What the pipeline returns: its single `$facet` document. */
export interface AggregateRows {
  groups?: Document[];
  total: Document[];
}

/** Display values of referenced records: lookup group index -> record id -> display value. */
export type DisplayNames = Map<number, Map<string, string>>;

/** The pipeline that computes `plan` over one entity's record collection. */
export function aggregatePipeline(plan: AggregatePlan): Document[] {
  const accumulators = measureAccumulators(plan.measures);
  const facet: Document = { total: [{ $group: { _id: null, ...accumulators } }] };
  if (plan.groups.length > 0) {
    const sortAverage = averageSortAccumulator(plan);
    const id = Object.fromEntries(plan.groups.map((g, i) => [`k${i}`, groupKey(g)]));
    facet.groups = [{ $group: { _id: id, ...accumulators, ...sortAverage } }, ...sortStages(plan), { $limit: plan.limit + 1 }];
  }
  return [{ $match: plan.match }, { $facet: facet }];
}

function path(spec: { ref?: { name: string } | undefined }): string {
  return `$${spec.ref?.name ?? ''}`;
}

/** A missing value and a null one make the same group, and a compound key keeps both keys. */
function groupKey(group: GroupSpec): Document {
  if (group.kind !== 'bucket') return { $ifNull: [path(group), null] };
  const trunc: Document = { date: path(group), unit: group.unit, timezone: group.timeZone };
  if (group.unit === 'week') trunc.startOfWeek = 'monday';
  // The local calendar day the bucket starts on: what a chart axis shows, and what sorts.
  return { $ifNull: [{ $dateToString: { date: { $dateTrunc: trunc }, format: '%Y-%m-%d', timezone: group.timeZone } }, null] };
}

/** 1 for a record holding a value of the field, 0 for one without. */
function present(spec: MeasureSpec): Document {
  return { $cond: [{ $eq: [{ $ifNull: [path(spec), null] }, null] }, 0, 1] };
}

/** Whole numbers are summed as 64-bit integers, so a sum past 2^53 stays exact. */
function sumOf(spec: MeasureSpec): Document {
  return { $sum: spec.kind === 'integer' ? { $toLong: path(spec) } : path(spec) };
}

function measureAccumulators(measures: MeasureSpec[]): Document {
  const out: Document = {};
  measures.forEach((m, i) => {
    const key = `m${i}`;
    if (m.fn === 'count') out[key] = { $sum: m.ref ? present(m) : 1 };
    else if (m.fn === 'sum') out[key] = sumOf(m);
    else if (m.fn === 'avg') Object.assign(out, { [key]: sumOf(m), [`${key}n`]: { $sum: present(m) } });
    else out[key] = { [`$${m.fn}`]: path(m) };
  });
  return out;
}

/** The answer's averages are computed exactly from sum and count; `$avg` only orders the groups. */
function averageSortAccumulator(plan: AggregatePlan): Document {
  const measure = plan.sort.by === 'measure' ? plan.measures[plan.sort.index] : undefined;
  return measure?.fn === 'avg' ? { [`m${plan.sort.index}a`]: { $avg: path(measure) } } : {};
}

/**
 * Sorts on the chosen key, then on the group keys in order so the answer is stable.
 * Select options sort in their metadata order (a pipeline reads new, won, lost), with
 * the no-value group first when ascending, as null sorts first everywhere.
 */
function sortStages(plan: AggregatePlan): Document[] {
  const { by, index, direction } = plan.sort;
  const dir = direction === 'asc' ? 1 : -1;
  const stages: Document[] = [];
  const spec: Document = {};
  const group = by === 'group' ? plan.groups[index] : undefined;
  if (group?.kind === 'select') {
    stages.push({ $addFields: { _rank: { $indexOfArray: [{ $literal: group.options.map((o) => o.key) }, `$_id.k${index}`] } } });
    spec._rank = dir;
  } else if (group) {
    spec[`_id.k${index}`] = dir;
  } else {
    spec[plan.measures[index]?.fn === 'avg' ? `m${index}a` : `m${index}`] = dir;
  }
  plan.groups.forEach((_g, i) => {
    if (spec[`_id.k${i}`] === undefined) spec[`_id.k${i}`] = 1;
  });
  stages.push({ $sort: spec });
  return stages;
}

/** The ids each lookup group refers to, by group index, to be named in one query per target entity. */
export function referencedIds(plan: AggregatePlan, rows: AggregateRows): Map<number, ObjectId[]> {
  const out = new Map<number, ObjectId[]>();
  plan.groups.forEach((group, i) => {
    if (group.kind !== 'lookup') return;
    const ids = new Map<string, ObjectId>();
    for (const row of (rows.groups ?? []).slice(0, plan.limit)) {
      const raw: unknown = (row._id as Document | undefined)?.[`k${i}`];
      if (raw instanceof ObjectId) ids.set(raw.toHexString(), raw);
    }
    if (ids.size > 0) out.set(i, [...ids.values()]);
  });
  return out;
}

/** The answer: groups with their keys labeled, values made exact, at most `limit` groups. */
export function aggregateResult(plan: AggregatePlan, rows: AggregateRows, names: DisplayNames): AggregateResult {
  const total = { values: measureValues(plan.measures, rows.total[0]) };
  if (plan.groups.length === 0) {
    // No grouping: the one group is everything, when there is anything.
    return { groups: rows.total.length > 0 ? [{ keys: [], values: total.values }] : [], total, truncated: false };
  }
  const found = rows.groups ?? [];
  const groups = found.slice(0, plan.limit).map((row) => ({
    keys: plan.groups.map((g, i) => groupKeyValue(g, (row._id as Document | undefined)?.[`k${i}`], names.get(i))),
    values: measureValues(plan.measures, row),
  }));
  return { groups, total, truncated: found.length > plan.limit };
}

function groupKeyValue(group: GroupSpec, raw: unknown, names: Map<string, string> | undefined): AggregateKey {
  if (raw === null || raw === undefined) return { value: null };
  if (group.kind === 'bucket') return { value: String(raw) };
  const value = fromStorage(group.ref.field, raw);
  const key: AggregateKey = { value: typeof value === 'boolean' ? value : String(value) };
  if (group.kind === 'select') {
    const option = group.options.find((o) => o.key === key.value);
    if (option?.label) key.label = option.label;
    if (option?.color) key.color = option.color;
  } else if (group.kind === 'lookup') {
    const name = names?.get(String(key.value));
    if (name !== undefined) key.label = { 'zh-CN': name, en: name };
  }
  return key;
}

/** The measures of one row; `row` undefined (no matching record) gives counts of 0 and sums of 0. */
function measureValues(measures: MeasureSpec[], row: Document | undefined): MeasureValue[] {
  return measures.map((m, i) => {
    const raw: unknown = row?.[`m${i}`];
    switch (m.fn) {
      case 'count':
        return integerValue(raw);
      case 'sum':
        return m.kind === 'integer' ? integerValue(raw) : decimalValue(raw, m.scale);
      case 'avg':
        return averageValue(raw, row?.[`m${i}n`], m.scale + 2);
      default:
        return extremeValue(m, raw);
    }
  });
}

function extremeValue(measure: MeasureSpec, raw: unknown): MeasureValue {
  if (raw === null || raw === undefined) return null;
  if (measure.kind === 'integer') return integerValue(raw);
  if (measure.kind === 'decimal') return decimalValue(raw, measure.scale);
  const value = measure.ref ? fromStorage(measure.ref.field, raw) : raw;
  return typeof value === 'string' ? value : null;
}
