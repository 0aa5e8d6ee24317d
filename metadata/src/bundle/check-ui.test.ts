import { describe, expect, it } from 'vitest';
import { salesBundle } from '../../../test/fixtures/sales-bundle.js';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { createLogicOperationRegistry } from '../logic/operations.js';
import { Registry } from '../registry.js';
import { MetaValidator } from '../schema/meta-validator.js';
import type { Bundle, BundleRegistries, ConfigurableDefinition, Dashboard, Navigation } from './bundle-types.js';
import { diffBundles } from './diff.js';
import { validateBundle } from './validate.js';

const registries: BundleRegistries = {
  fieldTypes: createFieldTypeRegistry(),
  operations: createLogicOperationRegistry(),
  triggers: new Registry<ConfigurableDefinition>('trigger'),
  actions: new Registry<ConfigurableDefinition>('action'),
};
const validator = new MetaValidator(registries.fieldTypes);
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const dashboard = (): Dashboard => ({
  key: 'sales',
  label: l('销售', 'Sales'),
  roles: ['sales_rep'],
  widgets: [
    {
      key: 'won',
      type: 'kpi',
      title: l('赢单', 'Won'),
      layout: { x: 0, y: 0, w: 6, h: 2 },
      entity: 'opportunity',
      query: {
        filter: {
          and: [
            { field: 'stage', op: 'eq', value: 'won' },
            { field: '_ownerId', op: 'eq', value: '$user' },
            { field: 'close_date', op: 'relative', value: 'this_quarter' },
          ],
        },
        measures: [{ fn: 'sum', field: 'amount' }],
      },
    },
    {
      key: 'by_month',
      type: 'line',
      title: l('按月', 'By month'),
      layout: { x: 6, y: 0, w: 18, h: 4 },
      entity: 'opportunity',
      query: { groupBy: [{ field: 'close_date', bucket: 'month' }], measures: [{ fn: 'count' }, { fn: 'max', field: 'close_date' }] },
    },
    {
      key: 'funnel',
      type: 'funnel',
      title: l('漏斗', 'Funnel'),
      layout: { x: 0, y: 4, w: 12, h: 4 },
      entity: 'opportunity',
      query: {
        groupBy: [{ field: 'stage' }],
        measures: [{ fn: 'sum', field: 'amount' }],
        sort: { by: 'measure', index: 0, direction: 'desc' },
      },
      view: 'open_opportunities',
    },
  ],
});
const navigation = (): Navigation => ({
  key: 'main',
  label: l('主导航', 'Main'),
  default: true,
  groups: [
    {
      key: 'sales',
      label: l('销售', 'Sales'),
      icon: 'dollar',
      items: [
        { key: 'opps', type: 'entity', entity: 'opportunity', view: 'pipeline', icon: 'trophy', order: 2 },
        { key: 'accounts', type: 'entity', entity: 'account', order: 1 },
        { key: 'board', type: 'dashboard', dashboard: 'sales' },
        { key: 'help', type: 'url', url: 'https://example.com/help', label: l('帮助', 'Help') },
      ],
    },
  ],
});

function bundle(change: (b: Bundle & { navigation: Navigation[]; dashboards: Dashboard[] }) => void = () => {}): Bundle {
  const b = { ...salesBundle(), navigation: [navigation()], dashboards: [dashboard()] };
  change(b);
  return b;
}
const problems = (b: unknown) => validateBundle(b, registries, validator).map((p) => [p.pointer, p.code]);

describe('navigation and dashboards at publish', () => {
  it('accepts sound ones, and a bundle without either kind', () => {
    expect(problems(bundle())).toEqual([]);
    expect(problems(salesBundle())).toEqual([]);
  });

  it.each<[string, (b: Bundle & { navigation: Navigation[]; dashboards: Dashboard[] }) => void, string, string]>([
    [
      'an entry for a missing entity',
      (b) => ((b.navigation[0]!.groups[0]!.items[1] as { entity: string }).entity = 'lead'),
      '/navigation/0/groups/0/items/1/entity',
      'UNKNOWN_ENTITY',
    ],
    [
      'a view of another entity',
      (b) => ((b.navigation[0]!.groups[0]!.items[1] as { view?: string }).view = 'pipeline'),
      '/navigation/0/groups/0/items/1/view',
      'UNKNOWN_VIEW',
    ],
    [
      'a missing dashboard',
      (b) => ((b.navigation[0]!.groups[0]!.items[2] as { dashboard: string }).dashboard = 'nope'),
      '/navigation/0/groups/0/items/2/dashboard',
      'UNKNOWN_DASHBOARD',
    ],
    [
      'a link without a label',
      (b) => delete (b.navigation[0]!.groups[0]!.items[3] as { label?: unknown }).label,
      '/navigation/0/groups/0/items/3/label',
      'REQUIRED',
    ],
    [
      'a duplicate entry key',
      (b) => (b.navigation[0]!.groups[0]!.items[1]!.key = 'opps'),
      '/navigation/0/groups/0/items/1/key',
      'DUPLICATE_KEY',
    ],
    ['an unknown role', (b) => (b.dashboards[0]!.roles = ['sales_rep', 'ghost']), '/dashboards/0/roles/1', 'UNKNOWN_ROLE'],
    ['two default navigations', (b) => b.navigation.push({ ...navigation(), key: 'other' }), '/navigation/1/default', 'DUPLICATE_DEFAULT'],
    ['a widget past the grid', (b) => (b.dashboards[0]!.widgets[1]!.layout.x = 7), '/dashboards/0/widgets/1/layout/w', 'OUT_OF_GRID'],
    [
      'a widget on a missing entity',
      (b) => (b.dashboards[0]!.widgets[0]!.entity = 'lead'),
      '/dashboards/0/widgets/0/entity',
      'UNKNOWN_ENTITY',
    ],
    [
      'a filter on a missing field',
      (b) => (b.dashboards[0]!.widgets[0]!.query.filter = { field: 'stag', op: 'eq', value: 'won' }),
      '/dashboards/0/widgets/0/query/filter/field',
      'UNKNOWN_FIELD',
    ],
    [
      'grouping on a text field',
      (b) => (b.dashboards[0]!.widgets[2]!.query.groupBy = [{ field: 'title' }]),
      '/dashboards/0/widgets/2/query/groupBy/0/field',
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'a bucket on a select field',
      (b) => (b.dashboards[0]!.widgets[2]!.query.groupBy = [{ field: 'stage', bucket: 'month' }]),
      '/dashboards/0/widgets/2/query/groupBy/0/bucket',
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'a sum of a text field',
      (b) => (b.dashboards[0]!.widgets[0]!.query.measures = [{ fn: 'sum', field: 'title' }]),
      '/dashboards/0/widgets/0/query/measures/0/field',
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'a sum without a field',
      (b) => (b.dashboards[0]!.widgets[0]!.query.measures = [{ fn: 'sum' }]),
      '/dashboards/0/widgets/0/query/measures/0/field',
      'REQUIRED',
    ],
    [
      'a KPI grouped',
      (b) => (b.dashboards[0]!.widgets[0]!.query.groupBy = [{ field: 'stage' }]),
      '/dashboards/0/widgets/0/query/groupBy',
      'OUT_OF_RANGE',
    ],
    [
      'a pie with two measures',
      (b) => (
        (b.dashboards[0]!.widgets[2]!.type = 'pie'),
        (b.dashboards[0]!.widgets[2]!.query.measures = [{ fn: 'count' }, { fn: 'count' }])
      ),
      '/dashboards/0/widgets/2/query/measures',
      'OUT_OF_RANGE',
    ],
    [
      'a sort past the measures',
      (b) => (b.dashboards[0]!.widgets[2]!.query.sort = { by: 'measure', index: 1, direction: 'asc' }),
      '/dashboards/0/widgets/2/query/sort/index',
      'OUT_OF_RANGE',
    ],
    [
      'a click-through to a kanban',
      (b) => (b.dashboards[0]!.widgets[2]!.view = 'pipeline'),
      '/dashboards/0/widgets/2/view',
      'NOT_ALLOWED_VALUE',
    ],
    [
      'an unknown widget type',
      (b) => ((b.dashboards[0]!.widgets[0] as { type: string }).type = 'radar'),
      '/dashboards/0/widgets/0/type',
      'NOT_ALLOWED_VALUE',
    ],
  ])('refuses %s, with its pointer', (_name, change, pointer, code) => {
    expect(problems(bundle(change))).toContainEqual([pointer, code]);
  });

  it('diffs them like the other kinds', () => {
    const after = bundle((b) => ((b.dashboards[0]!.widgets[0]!.layout.w = 4), b.navigation.splice(0, 1)));
    const diff = diffBundles(bundle(), after);
    expect(diff.changes).toEqual([
      { kind: 'navigation', key: 'main', change: 'removed' },
      {
        kind: 'dashboards',
        key: 'sales',
        change: 'changed',
        properties: [{ path: '/widgets/won/layout/w', change: 'changed', before: 6, after: 4 }],
      },
    ]);
    expect(diffBundles(salesBundle(), bundle()).changes.map((c) => [c.kind, c.change])).toEqual([
      ['navigation', 'added'],
      ['dashboards', 'added'],
    ]);
  });
});
