import { isCalendarDate } from '../fields/formats.js';
import { isNumeric } from './decimal-ops.js';

/**
 * Date operations over the platform's text forms: dates 'YYYY-MM-DD', date-times ISO
 * 8601 with an offset. Everything runs on UTC fields, never the machine's time zone,
 * so the server and every browser agree; "today" is the caller's `$today`, already in
 * the workspace's time zone. Invalid input of any kind gives null, never an error:
 * a half-filled form is not an exception.
 */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const DAY_MS = 86_400_000;
const UNITS = ['day', 'week', 'month', 'year'] as const;
type Unit = (typeof UNITS)[number];

/** A date or date-time as written: its wall-clock time (in a Date's UTC fields) and its offset. */
interface Moment {
  wall: Date;
  /** 'Z' or '+02:00'; null for a plain date. */
  offset: string | null;
}

/** `date_add` [date | datetime, n, unit]: n whole days, weeks, months or years later (earlier if negative); month ends clamp (Jan 31 + 1 month = Feb 28). */
export function dateAdd(value: unknown, amount: unknown, unit: unknown): string | null {
  const moment = parseMoment(value);
  const n = wholeNumber(amount);
  if (!moment || n === null || !isUnit(unit)) return null;
  const wall =
    unit === 'day' || unit === 'week'
      ? new Date(moment.wall.getTime() + n * (unit === 'week' ? 7 : 1) * DAY_MS)
      : addMonths(moment.wall, n * (unit === 'year' ? 12 : 1));
  return formatMoment({ wall, offset: moment.offset });
}

/**
 * `date_diff` [a, b, unit]: whole units from a to b (b - a, negative when b is earlier),
 * truncated toward zero. A month has passed when date_add(a, 1, 'month') <= b, so
 * Jan 31 to Feb 28 is one month. Date-times compare as instants; a date is its UTC midnight.
 */
export function dateDiff(a: unknown, b: unknown, unit: unknown): number | null {
  const from = parseMoment(a);
  const to = parseMoment(b);
  if (!from || !to || !isUnit(unit)) return null;
  const start = instant(from);
  const end = instant(to);
  const days = (end.getTime() - start.getTime()) / DAY_MS;
  if (unit === 'day') return Math.trunc(days) + 0; // + 0: never -0
  if (unit === 'week') return Math.trunc(days / 7) + 0;
  const months = monthsBetween(start, end);
  return unit === 'month' ? months : Math.trunc(months / 12) + 0;
}

/** `date_part` [date | datetime, part]: year, quarter (1-4), month (1-12), day, or weekday (1-7, Monday = 1), read from the value's own wall clock. */
export function datePart(value: unknown, part: unknown): number | null {
  const moment = parseMoment(value);
  if (!moment) return null;
  const wall = moment.wall;
  switch (part) {
    case 'year':
      return wall.getUTCFullYear();
    case 'quarter':
      return Math.floor(wall.getUTCMonth() / 3) + 1;
    case 'month':
      return wall.getUTCMonth() + 1;
    case 'day':
      return wall.getUTCDate();
    case 'weekday':
      return ((wall.getUTCDay() + 6) % 7) + 1;
    default:
      return null;
  }
}

function parseMoment(value: unknown): Moment | null {
  if (typeof value !== 'string') return null;
  if (isCalendarDate(value)) return { wall: new Date(`${value}T00:00:00.000Z`), offset: null };
  const match = DATETIME.exec(value);
  if (!match) return null;
  const field = (i: number) => Number(match[i] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2) - 1, field(3), field(4), field(5), field(6)];
  const wall = utc(year, month, day, [hour, minute, second, Number((match[7] ?? '').padEnd(3, '0'))]);
  // Date.parse rolls 2026-02-30 or 24:00 over to the next day; the round trip refuses them.
  const fields = [
    wall.getUTCFullYear(),
    wall.getUTCMonth(),
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  ];
  const exact = fields.every((f, i) => f === [year, month, day, hour, minute, second][i]);
  return exact ? { wall, offset: match[8] ?? 'Z' } : null;
}

function formatMoment(moment: Moment): string | null {
  const wall = moment.wall;
  const year = wall.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return null; // also NaN, when the shift left Date's range
  const date = `${pad(year, 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}`;
  if (moment.offset === null) return date;
  const time = `${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}.${pad(wall.getUTCMilliseconds(), 3)}`;
  return `${date}T${time}${moment.offset}`;
}

/** The instant a moment stands for: its wall clock minus its offset. */
function instant(moment: Moment): Date {
  const offset = moment.offset;
  if (offset === null || offset === 'Z') return moment.wall;
  const minutes = (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * (offset.startsWith('-') ? -1 : 1);
  return new Date(moment.wall.getTime() - minutes * 60_000);
}

function addMonths(date: Date, months: number): Date {
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  return utc(year, month, day, [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()]);
}

function monthsBetween(start: Date, end: Date): number {
  let months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + (end.getUTCMonth() - start.getUTCMonth());
  // The calendar count overshoots by one when b's day (or time) of month is before a's.
  if (months > 0 && addMonths(start, months) > end) months--;
  else if (months < 0 && addMonths(start, months) < end) months++;
  return months;
}

function daysInMonth(year: number, month: number): number {
  return utc(year, month + 1, 0, [0, 0, 0, 0]).getUTCDate();
}

/** A Date from UTC fields; unlike Date.UTC, years 0-99 stay years 0-99. */
function utc(year: number, month: number, day: number, [hour, minute, second, milli]: number[]): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour ?? 0, minute ?? 0, second ?? 0, milli ?? 0);
  return date;
}

function wholeNumber(value: unknown): number | null {
  if (!isNumeric(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function isUnit(value: unknown): value is Unit {
  return UNITS.includes(value as Unit);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
