import { RELATIVE_PERIOD } from '@metacrm/metadata';
import { QueryError, quote } from './query.errors.js';

const DAY_MS = 86_400_000;

/** A calendar day as days since 1970-01-01; the calendar, not any time zone's instant. */
type DayNumber = number;

/**
 * The instants [start, end) of a relative period such as `this_quarter` or
 * `last_7_days`, as seen from `now` in `timeZone`:
 * - `date` fields store each calendar day at 00:00 UTC, so the range runs over those;
 * - `datetime` fields get the local midnights that open and close the period.
 *
 * Weeks start on Monday. `last_N_days` is today and the N-1 days before it, and
 * `next_N_days` today and the N-1 days after it (a record due today is due within the
 * next 7 days). `last_N_weeks` / `last_N_months` are the N whole weeks or months
 * before the current one, `next_N_...` the N after it. Returns undefined for a string
 * that is not a period.
 */
export function relativeRange(period: string, kind: 'date' | 'datetime', now: Date, timeZone: string): [Date, Date] | undefined {
  const days = periodDays(period, localDay(now.getTime(), timeZone));
  if (!days) return undefined;
  const [start, end] = days;
  if (kind === 'date') return [new Date(start * DAY_MS), new Date(end * DAY_MS)];
  return [new Date(localMidnight(start, timeZone)), new Date(localMidnight(end, timeZone))];
}

/** [first day, day after the last) of `period` around the local day `today`. */
export function periodDays(period: string, today: DayNumber): [DayNumber, DayNumber] | undefined {
  const match = RELATIVE_PERIOD.exec(period);
  if (!match) return undefined;
  const date = new Date(today * DAY_MS);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const monday = today - ((date.getUTCDay() + 6) % 7);
  // Date.UTC carries month overflow into the year, so month arithmetic needs no care.
  const firstOfMonth = (month: number): DayNumber => Date.UTC(y, month, 1) / DAY_MS;
  const [, fixed, when, unit, rollWhen, countText, rollUnit] = match;
  if (fixed === 'today' || fixed === 'yesterday' || fixed === 'tomorrow') {
    const day = today + { today: 0, yesterday: -1, tomorrow: 1 }[fixed];
    return [day, day + 1];
  }
  if (when && unit) {
    const step = when === 'this' ? 0 : when === 'last' ? -1 : 1;
    if (unit === 'week') return [monday + 7 * step, monday + 7 * step + 7];
    if (unit === 'month') return [firstOfMonth(m + step), firstOfMonth(m + step + 1)];
    if (unit === 'quarter') return [firstOfMonth(m - (m % 3) + 3 * step), firstOfMonth(m - (m % 3) + 3 * step + 3)];
    return [Date.UTC(y + step, 0, 1) / DAY_MS, Date.UTC(y + step + 1, 0, 1) / DAY_MS];
  }
  const n = Number(countText);
  const last = rollWhen === 'last';
  if (rollUnit === 'days') return last ? [today - n + 1, today + 1] : [today, today + n];
  if (rollUnit === 'weeks') return last ? [monday - 7 * n, monday] : [monday + 7, monday + 7 + 7 * n];
  return last ? [firstOfMonth(m - n), firstOfMonth(m)] : [firstOfMonth(m + 1), firstOfMonth(m + 1 + n)];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter of wall-clock parts in `timeZone`; throws TIME_ZONE_INVALID for an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new QueryError('TIME_ZONE_INVALID', `Unknown time zone ${quote(timeZone)}`, '');
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time at `instant` in `timeZone`, read as if it were UTC, in ms. */
export function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** The local calendar day of `instant` in `timeZone`. */
export function localDay(instant: number, timeZone: string): DayNumber {
  return Math.floor(wallClock(instant, timeZone) / DAY_MS);
}

/**
 * The first instant of local day `day` in `timeZone`. The offset at midnight is found
 * in two steps, as it may differ from the offset one guess away. Where a daylight-saving
 * jump skips midnight, the day starts at the end of the jump: the earliest candidate
 * that lies on `day` wins.
 */
export function localMidnight(day: DayNumber, timeZone: string): number {
  const guess = day * DAY_MS;
  const first = guess - (wallClock(guess, timeZone) - guess);
  const second = guess - (wallClock(first, timeZone) - first);
  const onDay = [first, second].filter((t) => localDay(t, timeZone) === day);
  return onDay.length > 0 ? Math.min(...onDay) : first;
}
