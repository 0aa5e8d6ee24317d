import type { Document } from 'mongodb';
import type { Entity } from '@metacrm/metadata';
import { QueryError, compileFilter, type FieldOptions } from '../query/index.js';
import { assertReadable, resolveField, type QueryField } from '../query/query-fields.js';
import { pointerToken, quote } from '../query/query.errors.js';

/** Bounds of one aggregate request. */
export const AGGREGATE_LIMITS = { groupBy: 2, measures: 10, defaultLimit: 100, maxLimit: 1000, timeZoneLength: 64 } as const;

export const DATE_BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DateBucket = (typeof DATE_BUCKETS)[number];

export const MEASURE_FNS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type MeasureFn = (typeof MEASURE_FNS)[number];

/** A localized label, as select options carry it. */
export type I18nLabel = Record<string, string>;

/** A select option as the answer shows it, in the order the metadata gives. */
export interface OptionInfo {
  key: string;
  label?: I18nLabel;
  color?: string;
}

/** How one group key is computed and shown. */
export type GroupSpec = { ref: QueryField } & (
  | { kind: 'select'; options: OptionInfo[] }
  | { kind: 'lookup'; target: string; /** The lookup's own display field, when it names one. */ displayField?: string }
  | { kind: 'bucket'; unit: DateBucket; timeZone: string }
  | { kind: 'plain' }
);

/** One measure: its function, its field, and how its values read in the answer. */
export interface MeasureSpec {
  fn: MeasureFn;
  ref?: QueryField;
  /** integer: whole numbers; decimal: exact strings with `scale` places; temporal: dates. */
  kind: 'count' | 'integer' | 'decimal' | 'temporal';
  scale: number;
}

export interface AggregateSort {
  by: 'group' | 'measure';
  index: number;
  direction: 'asc' | 'desc';
}

/** A validated aggregate request: everything the pipeline builder and the result mapper need. */
export interface AggregatePlan {
  match: Document;
  groups: GroupSpec[];
  measures: MeasureSpec[];
  sort: AggregateSort;
  limit: number;
  timeZone: string;
}

/** What parseAggregateRequest needs besides the body. */
export interface AggregateParseOptions extends FieldOptions {
  /** The instant relative periods of the filter are computed from. */
  now: Date;
  /** Who `"$user"` in the filter stands for. */
  user?: string | undefined;
}

const BODY_KEYS = ['filter', 'groupBy', 'measures', 'sort', 'limit', 'timeZone'] as const;
// Fields that mean nothing in a report: every record has its own id and version, and
// deleted records never count.
const NOT_AGGREGATABLE = new Set(['_id', '_version', '_deletedAt']);

/**
 * Checks an aggregate request body (untrusted JSON) and resolves it against the entity:
 * exact keys, types and bounds, fields that exist, may be read and can be grouped or
 * measured as asked, buckets only on dates, and the filter compiled by compileFilter.
 *
 * @throws QueryError 400 AGGREGATE_INVALID (or the filter's own codes, TIME_ZONE_INVALID)
 *   with a JSON pointer into the body; 403 FIELD_NOT_READABLE for a field `canRead` refuses
 */
export function parseAggregateRequest(body: unknown, entity: Entity, options: AggregateParseOptions): AggregatePlan {
  const input = objectAt(body, '', BODY_KEYS);
  const timeZone = parseTimeZone(input.timeZone);
  const groups = listAt(input.groupBy ?? [], '/groupBy', 0, AGGREGATE_LIMITS.groupBy).map((g, i) =>
    parseGroup(g, `/groupBy/${i}`, entity, options, timeZone),
  );
  const measures = listAt(input.measures, '/measures', 1, AGGREGATE_LIMITS.measures).map((m, i) =>
    parseMeasure(m, `/measures/${i}`, entity, options),
  );
  const sort = parseSort(input.sort, groups.length, measures.length);
  const limit = parseLimit(input.limit);
  const match = filterQuery(input.filter, entity, options, timeZone);
  return { match, groups, measures, sort, limit, timeZone };
}

function fail(message: string, pointer: string, field?: string): never {
  throw new QueryError('AGGREGATE_INVALID', message, pointer, field);
}

function objectAt(value: unknown, pointer: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object', pointer);
  const extra = Object.keys(value).find((k) => !keys.includes(k));
  if (extra !== undefined) fail(`Unknown key ${quote(extra)}; allowed: ${keys.join(', ')}`, `${pointer}/${pointerToken(extra)}`);
  return value as Record<string, unknown>;
}

function listAt(value: unknown, pointer: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) fail('must be a list', pointer);
  if (value.length < min || value.length > max) fail(`must hold ${min} to ${max} entries`, pointer);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], pointer: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(`must be one of ${allowed.join(', ')}`, pointer);
  return value as T;
}

/** The IANA name as the runtime spells it ('asia/shanghai' -> 'Asia/Shanghai'), so the database reads it too. */
function parseTimeZone(value: unknown): string {
  if (value === undefined) return 'UTC';
  const invalid = () => new QueryError('TIME_ZONE_INVALID', `Unknown time zone ${quote(String(value))}`, '/timeZone');
  // IANA names only: letters, digits, _ + - and slashes; offsets such as +08:00 differ between runtimes.
  if (
    typeof value !== 'string' ||
    value.length > AGGREGATE_LIMITS.timeZoneLength ||
    !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)
  )
    throw invalid();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw invalid();
  }
}

/** A field of the entity (or a system field) that exists, may be aggregated and that the actor may read. */
function fieldAt(name: unknown, pointer: string, entity: Entity, options: FieldOptions): QueryField {
  if (typeof name !== 'string') fail('must be a field name', pointer);
  const ref = resolveField(name, entity, options.fieldTypes);
  if (!ref) fail(`${quote(name)} is not a field of ${entity.key}`, pointer, name);
  assertReadable(ref, options.canRead, pointer);
  if (NOT_AGGREGATABLE.has(ref.name)) fail(`${quote(ref.name)} cannot be grouped or measured`, pointer, ref.name);
  return ref;
}

function isTemporal(ref: QueryField): boolean {
  return ref.traits.value === 'date' || ref.traits.value === 'datetime';
}

function parseGroup(value: unknown, pointer: string, entity: Entity, options: FieldOptions, timeZone: string): GroupSpec {
  const input = objectAt(value, pointer, ['field', 'bucket']);
  const ref = fieldAt(input.field, `${pointer}/field`, entity, options);
  if (!ref.traits.groupable) fail(`${quote(ref.name)} cannot be grouped on`, `${pointer}/field`, ref.name);
  if (isTemporal(ref)) {
    const unit = input.bucket === undefined ? 'day' : oneOf(input.bucket, DATE_BUCKETS, `${pointer}/bucket`);
    // A date is a calendar day stored at 00:00 UTC: it falls in the same bucket in every zone.
    return { ref, kind: 'bucket', unit, timeZone: ref.traits.value === 'date' ? 'UTC' : timeZone };
  }
  if (input.bucket !== undefined)
    fail(`Only date and date-time fields take a bucket; ${quote(ref.name)} is ${ref.field.type}`, `${pointer}/bucket`, ref.name);
  // Groupable types with options are single selects; multi selects are not groupable.
  if (!ref.system && ref.traits.options) return { ref, kind: 'select', options: optionsOf(ref) };
  if (!ref.system && ref.traits.reference === 'record') return lookupGroup(ref);
  return { ref, kind: 'plain' };
}

function lookupGroup(ref: QueryField): GroupSpec {
  const { target, displayField } = ref.field as { target?: unknown; displayField?: unknown };
  return { ref, kind: 'lookup', target: String(target), ...(typeof displayField === 'string' ? { displayField } : {}) };
}

/** The options in display order: by `order` where set, else as listed. */
function optionsOf(ref: QueryField): OptionInfo[] {
  const raw = (ref.field as { options?: { key: string; label?: I18nLabel; color?: string; order?: number }[] }).options ?? [];
  return raw
    .map((o, i) => ({ option: o, rank: o.order ?? i, i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ option: { key, label, color } }) => ({ key, ...(label ? { label } : {}), ...(color ? { color } : {}) }));
}

function parseMeasure(value: unknown, pointer: string, entity: Entity, options: FieldOptions): MeasureSpec {
  const input = objectAt(value, pointer, ['fn', 'field']);
  const fn = oneOf(input.fn, MEASURE_FNS, `${pointer}/fn`);
  if (input.field === undefined) {
    if (fn !== 'count') fail(`${fn} needs a field`, `${pointer}/field`);
    return { fn, kind: 'count', scale: 0 };
  }
  const ref = fieldAt(input.field, `${pointer}/field`, entity, options);
  if (fn === 'count') return { fn, ref, kind: 'count', scale: 0 };
  const temporal = isTemporal(ref) && (fn === 'min' || fn === 'max');
  if (!ref.traits.numeric && !temporal) {
    const what = fn === 'min' || fn === 'max' ? 'numeric, date or date-time fields' : 'numeric fields';
    fail(`${fn} works on ${what}; ${quote(ref.name)} is ${ref.field.type}`, `${pointer}/field`, ref.name);
  }
  if (temporal) return { fn, ref, kind: 'temporal', scale: 0 };
  if (ref.traits.value === 'integer') return { fn, ref, kind: 'integer', scale: 0 };
  const scale = (ref.field as { scale?: unknown }).scale;
  return { fn, ref, kind: 'decimal', scale: typeof scale === 'number' ? scale : 2 };
}

function parseSort(value: unknown, groups: number, measures: number): AggregateSort {
  if (value === undefined) return { by: 'group', index: 0, direction: 'asc' };
  const input = objectAt(value, '/sort', ['by', 'index', 'direction']);
  const by = oneOf(input.by, ['group', 'measure'] as const, '/sort/by');
  const direction = oneOf(input.direction, ['asc', 'desc'] as const, '/sort/direction');
  const count = by === 'group' ? groups : measures;
  if (count === 0) fail('There is no group to sort by', '/sort/by');
  const index = input.index ?? 0;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count)
    fail(`must be a whole number from 0 to ${count - 1}`, '/sort/index');
  return { by, index, direction };
}

function parseLimit(value: unknown): number {
  if (value === undefined) return AGGREGATE_LIMITS.defaultLimit;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > AGGREGATE_LIMITS.maxLimit) {
    fail(`must be a whole number from 1 to ${AGGREGATE_LIMITS.maxLimit}`, '/limit');
  }
  return value;
}

/** compileFilter with its pointers moved under /filter, where the filter sits in this body. */
function filterQuery(filter: unknown, entity: Entity, options: AggregateParseOptions, timeZone: string): Document {
  try {
    return compileFilter(filter, entity, { ...options, timeZone });
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    throw new QueryError(err.code, err.message, `/filter${err.details.pointer}`, err.details.field);
  }
}
