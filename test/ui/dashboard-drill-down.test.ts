import { beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, UserEntity } from '@metacrm/metadata';

/*
 * The runtime UI compiles with its bundler's module resolution (extensionless imports,
 * the UI kit's index), which the root type check does not follow: its modules are loaded
 * by a path the checker leaves alone, with the signatures this test needs spelled out.
 */
type Widget = Dashboard['widgets'][number];
type Key = { value: unknown };
type ChartModel = { option: unknown; keysAt: (series: number, index: number) => Key[] };
let groupCondition: (entity: UserEntity, group: unknown, key: Key) => unknown;
let drillDownHref: (widget: Widget, entity: UserEntity, bar: Record<string, unknown>, keys: Key[]) => string;
let keyText: (key: Key, bucket: string, locale: string, none: string) => string;
let chartModel: (type: string, answer: unknown, texts: unknown) => ChartModel;
const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ path)) as T;

beforeAll(async () => {
  const dashboard = '../../runtime-ui/kit/src/charts';
  ({ groupCondition, drillDownHref, keyText } = await load<{
    groupCondition: typeof groupCondition;
    drillDownHref: typeof drillDownHref;
    keyText: typeof keyText;
  }>(`${dashboard}/aggregate`));
  ({ chartModel } = await load<{ chartModel: typeof chartModel }>(`${dashboard}/chart-options`));
});

// A dashboard's click-through: the filter that selects the records of a clicked group
// (a value, "none", a date bucket of a date or date-time field), added to the widget's
// own filter and the dashboard's bar, in the list's URL.

const entity = {
  key: 'deal',
  fields: [
    { key: 'stage', type: 'single_select' },
    { key: 'close_date', type: 'date' },
    { key: 'seen_at', type: 'datetime' },
  ],
} as unknown as UserEntity;
const local = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();

describe('groupCondition', () => {
  it.each([
    ['a select value', { field: 'stage' }, { value: 'won' }, { field: 'stage', op: 'eq', value: 'won' }],
    ['the none group', { field: 'stage' }, { value: null }, { field: 'stage', op: 'isEmpty' }],
    ['a boolean', { field: 'stage' }, { value: false }, { field: 'stage', op: 'eq', value: false }],
    [
      'a month of a date',
      { field: 'close_date', bucket: 'month' },
      { value: '2026-12-01' },
      {
        and: [
          { field: 'close_date', op: 'gte', value: '2026-12-01' },
          { field: 'close_date', op: 'lt', value: '2027-01-01' },
        ],
      },
    ],
    [
      'a quarter of a date',
      { field: 'close_date', bucket: 'quarter' },
      { value: '2026-04-01' },
      {
        and: [
          { field: 'close_date', op: 'gte', value: '2026-04-01' },
          { field: 'close_date', op: 'lt', value: '2026-07-01' },
        ],
      },
    ],
    [
      'a week of a date',
      { field: 'close_date', bucket: 'week' },
      { value: '2026-12-27' },
      {
        and: [
          { field: 'close_date', op: 'gte', value: '2026-12-27' },
          { field: 'close_date', op: 'lt', value: '2027-01-03' },
        ],
      },
    ],
    [
      'a day of a date-time, local midnights',
      { field: 'seen_at', bucket: 'day' },
      { value: '2026-03-31' },
      {
        and: [
          { field: 'seen_at', op: 'gte', value: local(2026, 3, 31) },
          { field: 'seen_at', op: 'lt', value: local(2026, 4, 1) },
        ],
      },
    ],
    [
      'a year of the creation time (a system field)',
      { field: '_createdAt', bucket: 'year' },
      { value: '2026-01-01' },
      {
        and: [
          { field: '_createdAt', op: 'gte', value: local(2026, 1, 1) },
          { field: '_createdAt', op: 'lt', value: local(2027, 1, 1) },
        ],
      },
    ],
  ])('%s', (_name, group, key, expected) => {
    expect(groupCondition(entity, group, key)).toEqual(expected);
  });
});

describe('drillDownHref', () => {
  const widget = {
    key: 'w',
    type: 'bar',
    entity: 'deal',
    view: 'deals_all',
    title: { en: 'W', 'zh-CN': 'W' },
    layout: { x: 0, y: 0, w: 1, h: 1 },
    query: {
      filter: { field: 'stage', op: 'ne', value: 'lost' },
      groupBy: [{ field: 'stage' }, { field: 'close_date', bucket: 'year' }],
      measures: [{ fn: 'count' }],
    },
  } as unknown as Widget;
  const filterOf = (href: string) => JSON.parse(new URL(href, 'http://x').searchParams.get('filter')!) as unknown;

  it("ands the widget filter, the bar's filters and one condition per clicked key", () => {
    const href = drillDownHref(widget, entity, { mine: true, created: 'this_year' }, [{ value: 'won' }, { value: '2026-01-01' }]);
    expect(href.startsWith('/e/deal?view=deals_all&filter=')).toBe(true);
    expect(filterOf(href)).toEqual({
      and: [
        { field: 'stage', op: 'ne', value: 'lost' },
        { field: '_ownerId', op: 'eq', value: '$user' },
        { field: '_createdAt', op: 'relative', value: 'this_year' },
        { field: 'stage', op: 'eq', value: 'won' },
        {
          and: [
            { field: 'close_date', op: 'gte', value: '2026-01-01' },
            { field: 'close_date', op: 'lt', value: '2027-01-01' },
          ],
        },
      ],
    });
  });

  it("opens the widget's records as they are for a KPI (no keys) without a filter of its own", () => {
    expect(
      drillDownHref(
        { ...widget, query: { measures: [{ fn: 'count' }] }, view: undefined } as unknown as Widget,
        entity,
        { mine: false },
        [],
      ),
    ).toBe('/e/deal');
  });
});

describe('chartModel', () => {
  const answer = {
    groups: [
      { keys: [{ value: 'new' }, { value: 'high' }], values: [2] },
      { keys: [{ value: 'new' }, { value: 'low' }], values: [1] },
      { keys: [{ value: 'won' }, { value: 'low' }], values: ['4.50'] },
    ],
    total: { values: [7] },
    truncated: false,
  };
  const texts = { key: (k: { value: unknown }) => String(k.value), measure: () => 'Count', value: (v: number) => String(v) };

  it('stacks a second group as series and hands back both keys of a clicked bar', () => {
    const model = chartModel('bar', answer, texts);
    const series = (model.option as { series: { name: string; data: number[] }[] }).series;
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['high', [2, 0]],
      ['low', [1, 4.5]],
    ]);
    expect(model.keysAt(1, 1)).toEqual([{ value: 'won' }, { value: 'low' }]);
  });

  it('makes a slice per group for a pie, and its keys on a click', () => {
    const model = chartModel('pie', answer, texts);
    expect((model.option as { series: { data: { value: number }[] }[] }).series[0]!.data.map((d) => d.value)).toEqual([2, 1, 4.5]);
    expect(model.keysAt(0, 2)).toEqual(answer.groups[2]!.keys);
  });

  it("writes a date bucket in the locale's words", () => {
    expect(keyText({ value: '2026-04-01' }, 'quarter', 'en', '-')).toBe('2026 Q2');
    expect(keyText({ value: '2026-12-01' }, 'month', 'zh-CN', '-')).toBe('2026年12月');
    expect(keyText({ value: null }, 'month', 'en', '(none)')).toBe('(none)');
  });
});
