import { CronExpressionParser } from 'cron-parser';
import { wallClock } from '../../query/relative-period.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Missed cron occurrences are counted up to this many (a catch-up run reports "at least"). */
export const MAX_MISSED_COUNTED = 1000;

export type OffsetUnit = 'minute' | 'hour' | 'day' | 'week' | 'month';

/** The settings of a `date_field` trigger that place a record's due time. */
export interface DueSettings {
  offset: { amount: number; unit: OffsetUnit };
  /** `HH:MM` on a date field's day; midnight when absent. */
  at?: string | undefined;
  timezone?: string | undefined;
}

/** True for a time zone the runtime knows by its IANA name (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a cron expression cannot be used, or undefined when it can: 5 fields (minute
 * precision) or 6 (seconds first), no `H` (its hashed values would differ between
 * processes), and at least one future occurrence (`0 0 30 2 *` never comes).
 */
export function cronProblem(expression: string, timeZone: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    return `A cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); this one has ${fields.length}`;
  // Month and weekday names (THU) may contain an H; only a bare H is the hash.
  if (fields.some((f) => /H/i.test(f.replace(/[a-z]{3}/gi, '')))) return 'H (hashed values) is not supported in cron expressions';
  try {
    CronExpressionParser.parse(expression, { tz: timeZone }).next();
    return undefined;
  } catch (err) {
    return `Not a usable cron expression: ${(err as Error).message}`;
  }
}

/**
 * The latest occurrence of a cron in (after, through], and how many earlier ones in
 * that span it stands for (counted up to MAX_MISSED_COUNTED); undefined when none fell
 * in it. Firing only the latest is the misfire rule: after downtime, one catch-up run,
 * not one per missed occurrence.
 */
export function latestOccurrence(
  expression: string,
  timeZone: string,
  after: Date,
  through: Date,
): { at: Date; missed: number } | undefined {
  // prev() answers the occurrence strictly before currentDate, so start just past `through`.
  const at = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(through.getTime() + 1) })
    .prev()
    .toDate();
  if (at.getTime() <= after.getTime()) return undefined;
  const forward = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: after });
  let missed = 0;
  while (missed < MAX_MISSED_COUNTED && forward.next().getTime() < at.getTime()) missed++;
  return { at, missed };
}

/**
 * When a record's date arrives for a `date_field` trigger:
 * - a `date` value (a calendar day, stored at 00:00 UTC) is taken at `at` (else
 *   midnight) on that day in the trigger's time zone;
 * - a `datetime` value is its instant.
 * Then the offset: minutes and hours are exact durations; days, weeks and months
 * move the wall clock in the time zone (30 days before 09:00 is 09:00, across a
 * daylight-saving change; a month from 31 January is the last day of February).
 */
export function dueTime(value: Date, kind: 'date' | 'datetime', settings: DueSettings): Date {
  const timeZone = settings.timezone ?? 'UTC';
  const { amount, unit } = settings.offset;
  if (unit === 'minute' || unit === 'hour') {
    const shift = amount * (unit === 'minute' ? MINUTE : HOUR);
    const start = kind === 'datetime' ? value.getTime() : zonedInstant(value.getTime() + timeOfDay(settings.at), timeZone);
    return new Date(start + shift);
  }
  const wall = kind === 'date' ? value.getTime() + timeOfDay(settings.at) : wallTime(value.getTime(), timeZone);
  return new Date(zonedInstant(addCalendar(wall, amount, unit), timeZone));
}

/**
 * Bounds (exclusive, inclusive] on stored values that contain every record whose due
 * time falls in (from, through]: the offset taken back approximately, widened by what
 * the approximation can miss (time of day and zone for dates, month lengths,
 * daylight saving). Callers check each record's exact due time.
 */
export function storedWindow(kind: 'date' | 'datetime', settings: DueSettings, from: Date, through: Date): [Date, Date] {
  const { amount, unit } = settings.offset;
  const unitMs = { minute: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY, month: 30 * DAY }[unit];
  const shift = amount * unitMs + (kind === 'date' ? timeOfDay(settings.at) : 0);
  let slack = MINUTE;
  if (kind === 'date') slack += 2 * DAY;
  if (unit === 'month') slack += (2 * Math.abs(amount) + 2) * DAY;
  else if (unit === 'day' || unit === 'week') slack += 2 * HOUR;
  return [new Date(from.getTime() - shift - slack), new Date(through.getTime() - shift + slack)];
}

function timeOfDay(at: string | undefined): number {
  if (at === undefined) return 0;
  const [h = 0, m = 0] = at.split(':').map(Number);
  return h * HOUR + m * MINUTE;
}

/** The wall clock at `instant` in `timeZone` (as if it were UTC), to the millisecond. */
function wallTime(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) + (((instant % 1000) + 1000) % 1000);
}

/**
 * The instant whose wall clock in `timeZone` reads `wall`. The zone's offsets a day
 * either side are the only candidates; of two that both fit (the repeated hour when
 * clocks go back) the earlier wins; a time that does not exist (the hour skipped when
 * clocks go forward) is read with the offset before the change, so it lands after the
 * gap, as most calendars do.
 */
export function zonedInstant(wall: number, timeZone: string): number {
  const before = wall - (wallTime(wall - DAY, timeZone) - (wall - DAY));
  const after = wall - (wallTime(wall + DAY, timeZone) - (wall + DAY));
  const fits = [before, after].filter((t) => wallTime(t, timeZone) === wall);
  return fits.length > 0 ? Math.min(...fits) : before;
}

/** `wall` moved by whole days, weeks or months; a day past the target month's end is its last day. */
function addCalendar(wall: number, amount: number, unit: 'day' | 'week' | 'month'): number {
  if (unit === 'day') return wall + amount * DAY;
  if (unit === 'week') return wall + amount * 7 * DAY;
  const date = new Date(wall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + amount;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}
