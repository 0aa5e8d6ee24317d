import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronProblem, dueTime, latestOccurrence, storedWindow, zonedInstant, type DueSettings, type OffsetUnit } from './schedule-time.js';

const at = (iso: string) => new Date(iso);

describe('cron expressions', () => {
  it.each([
    ['0 9 * * 1-5', undefined],
    ['*/5 * * * * *', undefined],
    ['0 0 1 jan thu', undefined],
    ['0 9 * *', /5 fields .* or 6/],
    ['* * * * * * *', /this one has 7/],
    ['H 9 * * *', /H \(hashed values\)/],
    ['61 * * * *', /Not a usable cron expression/],
    ['0 0 30 2 *', /Not a usable cron expression/],
    ['every day', /5 fields/],
  ])('%s: %s', (expression, problem) => {
    const found = cronProblem(expression, 'UTC');
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('answers the latest occurrence in (after, through] and how many it stands for', () => {
    expect(latestOccurrence('*/10 * * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:35.500Z'))).toEqual({
      at: at('2026-01-01T00:00:30Z'),
      missed: 2,
    });
    // The bounds: an occurrence at `after` is not in the span, one at `through` is.
    expect(latestOccurrence('*/10 * * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:10Z'))).toEqual({
      at: at('2026-01-01T00:00:10Z'),
      missed: 0,
    });
    expect(latestOccurrence('*/10 * * * * *', 'UTC', at('2026-01-01T00:00:10Z'), at('2026-01-01T00:00:19.999Z'))).toBeUndefined();
  });

  it('reads the cron in its time zone', () => {
    // 09:00 in Shanghai (UTC+8) is 01:00 UTC.
    expect(latestOccurrence('0 9 * * *', 'Asia/Shanghai', at('2026-03-01T00:00:00Z'), at('2026-03-01T02:00:00Z'))?.at).toEqual(
      at('2026-03-01T01:00:00Z'),
    );
  });
});

describe('due times', () => {
  const settings = (amount: number, unit: OffsetUnit, extra: Partial<DueSettings> = {}): DueSettings => ({
    offset: { amount, unit },
    ...extra,
  });

  it.each<[string, Date, 'date' | 'datetime', DueSettings, string]>([
    ['a datetime, minutes before', at('2026-05-10T12:00:00.250Z'), 'datetime', settings(-30, 'minute'), '2026-05-10T11:30:00.250Z'],
    ['a datetime, hours after', at('2026-05-10T12:00:00Z'), 'datetime', settings(2, 'hour'), '2026-05-10T14:00:00.000Z'],
    ['a date at midnight UTC by default', at('2026-05-10T00:00:00Z'), 'date', settings(0, 'day'), '2026-05-10T00:00:00.000Z'],
    [
      'a date at 09:00 in Shanghai, a day before',
      at('2026-05-10T00:00:00Z'),
      'date',
      settings(-1, 'day', { at: '09:00', timezone: 'Asia/Shanghai' }),
      '2026-05-09T01:00:00.000Z',
    ],
    [
      'a date 30 days before, across the spring change in Berlin',
      at('2026-04-15T00:00:00Z'),
      'date',
      settings(-30, 'day', { at: '09:00', timezone: 'Europe/Berlin' }),
      '2026-03-16T08:00:00.000Z',
    ],
    [
      'a datetime a week later keeps its wall clock across a change',
      at('2026-03-25T08:00:00Z'),
      'datetime',
      settings(1, 'week', { timezone: 'Europe/Berlin' }),
      '2026-04-01T07:00:00.000Z',
    ],
    [
      'a month after 31 January is the last day of February',
      at('2026-01-31T00:00:00Z'),
      'date',
      settings(1, 'month'),
      '2026-02-28T00:00:00.000Z',
    ],
    ['a month before 31 March in a leap year', at('2028-03-31T00:00:00Z'), 'date', settings(-1, 'month'), '2028-02-29T00:00:00.000Z'],
  ])('%s', (_what, value, kind, due, expected) => {
    expect(dueTime(value, kind, due).toISOString()).toBe(expected);
  });

  it('reads a skipped local time after the gap, and a repeated one at its first occurrence', () => {
    // Berlin, 29 March 2026: 02:00 → 03:00. 02:30 does not exist; it lands at 03:30 CEST.
    expect(new Date(zonedInstant(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // Berlin, 25 October 2026: 03:00 → 02:00. 02:30 happens twice; the first is 00:30 UTC.
    expect(new Date(zonedInstant(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('queries a stored range that holds every record due in the window', () => {
    const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Berlin'];
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom<'date' | 'datetime'>('date', 'datetime'),
        fc.integer({ min: -1000, max: 1000 }),
        fc.constantFrom<OffsetUnit>('minute', 'hour', 'day', 'week', 'month'),
        fc.constantFrom(...zones),
        fc.option(fc.constantFrom('00:00', '09:30', '23:59'), { nil: undefined }),
        (raw, kind, amount, unit, timezone, time) => {
          const value = new Date(kind === 'date' ? Math.floor(raw / day) * day : raw);
          const due: DueSettings = { offset: { amount, unit }, timezone, ...(kind === 'date' && time ? { at: time } : {}) };
          const when = dueTime(value, kind, due).getTime();
          const [low, high] = storedWindow(kind, due, new Date(when - 1), new Date(when));
          expect(value.getTime()).toBeGreaterThan(low.getTime());
          expect(value.getTime()).toBeLessThanOrEqual(high.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });
});
