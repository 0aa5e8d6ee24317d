import type { AggregateKey, Dashboard, Filter, MeasureValue, UserEntity } from '@metacrm/metadata';
import { label, type TextLocale as Locale } from '../meta/label';
import { valueKindOf } from '../meta/value-kind';

/** One widget of a dashboard, as the metadata declares it. */
export type Widget = Dashboard['widgets'][number];

export type { AggregateAnswer, AggregateKey, MeasureValue } from '@metacrm/metadata';

/** The filters a dashboard's bar applies to every widget, as the URL holds them. */
export interface DashboardFilters {
  /** Only the viewer's own records (`_ownerId` is `$user`). */
  mine: boolean;
  /** A relative period (filter language) on the records' creation time. */
  created?: string | undefined;
}

/** The conditions the dashboard's filter bar adds to each widget's own filter. */
export function dashboardConditions(filters: DashboardFilters): Filter[] {
  const parts: Filter[] = [];
  if (filters.mine) parts.push({ field: '_ownerId', op: 'eq', value: '$user' } as Filter);
  if (filters.created) parts.push({ field: '_createdAt', op: 'relative', value: filters.created } as Filter);
  return parts;
}

/** All of the filters at once (and), or undefined when there are none. */
export function allOf(parts: (Filter | undefined)[]): Filter | undefined {
  const present = parts.filter((p): p is Filter => p !== undefined);
  if (present.length <= 1) return present[0];
  return { and: present } as Filter;
}

/** The body a widget posts to the aggregate API: its query, the bar's filters and the viewer's time zone. */
export function aggregateBody(widget: Widget, filters: DashboardFilters, timeZone: string): Record<string, unknown> {
  const filter = allOf([widget.query.filter as Filter | undefined, ...dashboardConditions(filters)]);
  return { ...widget.query, ...(filter ? { filter } : {}), timeZone };
}

const BUCKET_MONTHS: Record<string, number> = { month: 1, quarter: 3, year: 12 };
const BUCKET_DAYS: Record<string, number> = { day: 1, week: 7 };

/** The first day after a bucket that starts on `start` (YYYY-MM-DD), as local y/m/d. */
function bucketEnd(start: string, unit: string): [number, number, number] {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y, m - 1 + (BUCKET_MONTHS[unit] ?? 0), d + (BUCKET_DAYS[unit] ?? 0)));
  return [end.getUTCFullYear(), end.getUTCMonth() + 1, end.getUTCDate()];
}

const ymd = ([y, m, d]: [number, number, number]) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
/** Local midnight of a calendar day in the browser's zone (the zone the aggregate bucketed in), as an ISO instant. */
const localMidnight = ([y, m, d]: [number, number, number]) => new Date(y, m - 1, d).toISOString();

/**
 * The condition that selects the records of one group of a widget: equal to the key, empty
 * for the "none" group, and for a date bucket the days (or the instants, for a date-time
 * field) from its first day up to the next bucket's.
 */
export function groupCondition(entity: UserEntity, group: { field: string; bucket?: string }, key: AggregateKey): Filter {
  if (key.value === null) return { field: group.field, op: 'isEmpty' } as Filter;
  if (!group.bucket || typeof key.value !== 'string') return { field: group.field, op: 'eq', value: key.value } as Filter;
  const start = key.value.split('-').map(Number) as [number, number, number];
  const end = bucketEnd(key.value, group.bucket);
  const dates = valueKindOf(entity, group.field) === 'datetime' ? [localMidnight(start), localMidnight(end)] : [ymd(start), ymd(end)];
  return {
    and: [
      { field: group.field, op: 'gte', value: dates[0] },
      { field: group.field, op: 'lt', value: dates[1] },
    ],
  } as Filter;
}

/**
 * Where a click on a group leads: the widget's entity list (its view, when it names one)
 * filtered to the widget's records in that group; the filter lives in the URL.
 */
export function drillDownHref(widget: Widget, entity: UserEntity, filters: DashboardFilters, keys: AggregateKey[]): string {
  const groups = widget.query.groupBy ?? [];
  const conditions = keys.flatMap((key, i) => (groups[i] ? [groupCondition(entity, groups[i], key)] : []));
  const filter = allOf([widget.query.filter as Filter | undefined, ...dashboardConditions(filters), ...conditions]);
  const params = new URLSearchParams();
  if (widget.view) params.set('view', widget.view);
  if (filter) params.set('filter', JSON.stringify(filter));
  const query = params.toString();
  return `/e/${widget.entity}${query ? `?${query}` : ''}`;
}

/** How a group key reads: its label in the user's language, a date bucket in the locale's words. */
export function keyText(key: AggregateKey, bucket: string | undefined, locale: Locale, none: string): string {
  if (key.value === null) return none;
  if (key.label) return label({ en: key.label.en ?? '', 'zh-CN': key.label['zh-CN'] ?? '' }, locale, String(key.value));
  if (bucket && typeof key.value === 'string') return bucketText(key.value, bucket, locale);
  return String(key.value);
}

function bucketText(start: string, bucket: string, locale: Locale): string {
  const date = new Date(`${start}T00:00:00Z`);
  const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(date);
  if (bucket === 'year') return format({ year: 'numeric' });
  if (bucket === 'quarter') return `${format({ year: 'numeric' })} Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
  if (bucket === 'month') return format({ year: 'numeric', month: 'short' });
  return format({ dateStyle: 'medium' });
}

/** A measure's value as a chart plots it. */
export const plotted = (value: MeasureValue): number => (value === null ? 0 : Number(value));
