import type { Filter } from '@metacrm/metadata';
import { type ApiRecord } from '@metacrm/ui-kit';

/** The calendar's modes: a month grid, a week of days, and an agenda list of the month. */
export const CALENDAR_MODES = ['month', 'week', 'agenda'] as const;
export type CalendarMode = (typeof CALENDAR_MODES)[number];

/** A calendar day as `YYYY-MM-DD`, in the browser's zone. */
export type DayKey = string;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** The local day of a Date. */
export const dayKey = (date: Date): DayKey => `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
/** Local midnight of a day. */
export const dayStart = (day: DayKey): Date => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
};
export const addDays = (day: DayKey, n: number): DayKey => {
  const date = dayStart(day);
  date.setDate(date.getDate() + n);
  return dayKey(date);
};
const daysBetween = (from: DayKey, to: DayKey) => Math.round((Date.UTC(...ymd(to)) - Date.UTC(...ymd(from))) / 86_400_000);
const ymd = (day: DayKey) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return [y, m - 1, d] as const;
};

/** The first day of the week: Monday in Chinese, Sunday in English. */
export const weekStartOf = (locale: string): number => (locale.startsWith('zh') ? 1 : 0);

/**
 * The days a mode shows around `anchor`: six whole weeks covering its month, its week,
 * or the month's days for the agenda. `to` is the day after the last one.
 */
export function visibleRange(mode: CalendarMode, anchor: DayKey, firstDay: number): { from: DayKey; to: DayKey } {
  const [y, m] = ymd(anchor);
  const monthStart = dayKey(new Date(y, m, 1));
  if (mode === 'agenda') return { from: monthStart, to: dayKey(new Date(y, m + 1, 1)) };
  const start = (day: DayKey) => addDays(day, -((dayStart(day).getDay() - firstDay + 7) % 7));
  if (mode === 'week') {
    const from = start(anchor);
    return { from, to: addDays(from, 7) };
  }
  const from = start(monthStart);
  return { from, to: addDays(from, 42) };
}

/** The anchor one step back or forward (a month, or a week). */
export function step(mode: CalendarMode, anchor: DayKey, direction: 1 | -1): DayKey {
  if (mode === 'week') return addDays(anchor, 7 * direction);
  const [y, m] = ymd(anchor);
  return dayKey(new Date(y, m + direction, 1));
}

/** The records API filter of a range on a date (days) or date-time (local midnights) field. */
export function rangeFilter(field: string, kind: string | undefined, from: DayKey, to: DayKey): Filter {
  const bound = (day: DayKey) => (kind === 'datetime' ? dayStart(day).toISOString() : day);
  return {
    and: [
      { field, op: 'gte', value: bound(from) },
      { field, op: 'lt', value: bound(to) },
    ],
  } as Filter;
}

/** The local day a value falls on: a date as it is, a date-time in the browser's zone. */
export function dayOf(value: unknown, kind: string | undefined): DayKey | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return kind === 'datetime' ? dayKey(new Date(value)) : value.slice(0, 10);
}

/**
 * The values that move a record to another day: its date (a date-time keeps its time of
 * day), and its end moved by as many days, so the entry keeps its length.
 */
export function moveValues(
  record: ApiRecord,
  fields: { start: string; end?: string | undefined },
  kinds: { start?: string | undefined; end?: string | undefined },
  to: DayKey,
): Record<string, unknown> {
  const from = dayOf(record[fields.start], kinds.start);
  if (!from) return {};
  const days = daysBetween(from, to);
  const shift = (value: unknown, kind: string | undefined) => {
    if (typeof value !== 'string' || value === '') return value;
    if (kind !== 'datetime') return addDays(value.slice(0, 10), days);
    const date = new Date(value);
    date.setDate(date.getDate() + days);
    return date.toISOString();
  };
  const values: Record<string, unknown> = { [fields.start]: shift(record[fields.start], kinds.start) };
  if (fields.end && record[fields.end] !== undefined && record[fields.end] !== null)
    values[fields.end] = shift(record[fields.end], kinds.end);
  return values;
}
