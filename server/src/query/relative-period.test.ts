import { describe, expect, it } from 'vitest';
import { compileFilter } from './compile-filter.js';
import { deal, fieldTypes } from './query.fixture.js';
import { localMidnight, relativeRange } from './relative-period.js';

// 23:30 UTC on 31 March is 07:30 on Wednesday 1 April in Shanghai (UTC+8, no DST).
const NOW = new Date('2026-03-31T23:30:00.000Z');
const SHANGHAI = 'Asia/Shanghai';

const days = (period: string, now = NOW, timeZone = SHANGHAI): [string, string] | undefined =>
  relativeRange(period, 'date', now, timeZone)?.map((d) => d.toISOString().slice(0, 10)) as [string, string] | undefined;
const instants = (period: string, now = NOW, timeZone = SHANGHAI): [string, string] | undefined =>
  relativeRange(period, 'datetime', now, timeZone)?.map((d) => d.toISOString()) as [string, string] | undefined;

describe('relative periods of a date field, seen from Shanghai on 1 April', () => {
  it.each<[string, string, string]>([
    ['today', '2026-04-01', '2026-04-02'],
    ['yesterday', '2026-03-31', '2026-04-01'],
    ['tomorrow', '2026-04-02', '2026-04-03'],
    ['this_week', '2026-03-30', '2026-04-06'],
    ['last_week', '2026-03-23', '2026-03-30'],
    ['next_week', '2026-04-06', '2026-04-13'],
    ['this_month', '2026-04-01', '2026-05-01'],
    ['last_month', '2026-03-01', '2026-04-01'],
    ['next_month', '2026-05-01', '2026-06-01'],
    ['this_quarter', '2026-04-01', '2026-07-01'],
    ['last_quarter', '2026-01-01', '2026-04-01'],
    ['next_quarter', '2026-07-01', '2026-10-01'],
    ['this_year', '2026-01-01', '2027-01-01'],
    ['last_year', '2025-01-01', '2026-01-01'],
    ['next_year', '2027-01-01', '2028-01-01'],
    ['last_1_days', '2026-04-01', '2026-04-02'],
    ['last_7_days', '2026-03-26', '2026-04-02'],
    ['next_7_days', '2026-04-01', '2026-04-08'],
    ['last_2_weeks', '2026-03-16', '2026-03-30'],
    ['next_2_weeks', '2026-04-06', '2026-04-20'],
    ['last_3_months', '2026-01-01', '2026-04-01'],
    ['next_3_months', '2026-05-01', '2026-08-01'],
    ['last_13_months', '2025-03-01', '2026-04-01'],
    ['next_9999_days', '2026-04-01', '2053-08-16'],
  ])('%s is [%s, %s)', (period, from, to) => {
    expect(days(period)).toEqual([from, to]);
  });

  it('is still 31 March in UTC: this_month is March, this_quarter Q1', () => {
    expect(days('this_month', NOW, 'UTC')).toEqual(['2026-03-01', '2026-04-01']);
    expect(days('this_quarter', NOW, 'UTC')).toEqual(['2026-01-01', '2026-04-01']);
    expect(days('this_week', NOW, 'UTC')).toEqual(['2026-03-30', '2026-04-06']);
  });

  it('is undefined for what is not a period', () => {
    expect(days('last_10000_days')).toBeUndefined();
    expect(days('this_decade')).toBeUndefined();
  });
});

describe('relative periods of a datetime field: local midnights', () => {
  it.each<[string, string, string, string, string]>([
    ['today in Shanghai', SHANGHAI, 'today', '2026-03-31T16:00:00.000Z', '2026-04-01T16:00:00.000Z'],
    ['this_quarter in Shanghai', SHANGHAI, 'this_quarter', '2026-03-31T16:00:00.000Z', '2026-06-30T16:00:00.000Z'],
    ['this_week in Shanghai', SHANGHAI, 'this_week', '2026-03-29T16:00:00.000Z', '2026-04-05T16:00:00.000Z'],
    ['last_7_days in Shanghai', SHANGHAI, 'last_7_days', '2026-03-25T16:00:00.000Z', '2026-04-01T16:00:00.000Z'],
    ['today in UTC', 'UTC', 'today', '2026-03-31T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['today in Kathmandu (+05:45)', 'Asia/Kathmandu', 'today', '2026-03-31T18:15:00.000Z', '2026-04-01T18:15:00.000Z'],
    ['today in Los Angeles (PDT)', 'America/Los_Angeles', 'today', '2026-03-31T07:00:00.000Z', '2026-04-01T07:00:00.000Z'],
  ])('%s', (_name, zone, period, from, to) => {
    expect(instants(period, NOW, zone)).toEqual([from, to]);
  });

  it('spans a daylight-saving change: 8 March 2026 in New York has 23 hours', () => {
    const sunday = new Date('2026-03-08T12:00:00Z');
    expect(instants('today', sunday, 'America/New_York')).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    // Sunday belongs to the week that began on Monday 2 March.
    expect(instants('this_week', sunday, 'America/New_York')).toEqual(['2026-03-02T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
  });

  it('starts a day whose midnight was skipped at the end of the jump (São Paulo, 4 November 2018)', () => {
    const day = Date.UTC(2018, 10, 4) / 86_400_000;
    expect(new Date(localMidnight(day, 'America/Sao_Paulo')).toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(instants('today', new Date('2018-11-04T15:00:00Z'), 'America/Sao_Paulo')).toEqual([
      '2018-11-04T03:00:00.000Z',
      '2018-11-05T02:00:00.000Z',
    ]);
  });

  it('crosses into a new year in Tokyo before it does in UTC', () => {
    const now = new Date('2026-12-31T20:00:00Z');
    expect(days('this_year', now, 'Asia/Tokyo')).toEqual(['2027-01-01', '2028-01-01']);
    expect(days('last_month', now, 'Asia/Tokyo')).toEqual(['2026-12-01', '2027-01-01']);
    expect(days('this_week', now, 'Asia/Tokyo')).toEqual(['2026-12-28', '2027-01-04']);
  });

  it('knows leap years', () => {
    expect(days('last_month', new Date('2024-03-31T12:00:00Z'), 'UTC')).toEqual(['2024-02-01', '2024-03-01']);
    expect(days('next_month', new Date('2028-01-31T12:00:00Z'), 'UTC')).toEqual(['2028-02-01', '2028-03-01']);
  });
});

describe('compileFilter with relative periods', () => {
  it.each<[string, string, string, string]>([
    ['due', 'this_month', '2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
    ['due', 'this_quarter', '2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ['seen_at', 'this_month', '2026-03-31T16:00:00.000Z', '2026-04-30T16:00:00.000Z'],
    ['_createdAt', 'last_7_days', '2026-03-25T16:00:00.000Z', '2026-04-01T16:00:00.000Z'],
  ])('%s %s in Shanghai', (field, period, from, to) => {
    const query = compileFilter({ field, op: 'relative', value: period }, deal, {
      fieldTypes,
      now: NOW,
      timeZone: SHANGHAI,
      includeDeleted: true,
    });
    expect(query).toEqual({ [field]: { $gte: new Date(from), $lt: new Date(to) } });
  });
});
