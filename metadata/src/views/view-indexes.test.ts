import { describe, expect, it } from 'vitest';
import { salesBundle } from '../../../test/fixtures/sales-bundle.js';
import { planMigrations } from '../bundle/migrations.js';
import type { Bundle, BundleRegistries, ConfigurableDefinition, Entity, View } from '../bundle/bundle-types.js';
import { validateBundle } from '../bundle/validate.js';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { createLogicOperationRegistry } from '../logic/operations.js';
import { Registry } from '../registry.js';
import { MetaValidator } from '../schema/meta-validator.js';
import { MAX_INDEXES_PER_COLLECTION, indexName, viewIndexes } from './view-indexes.js';
import { DEFAULT_RECORD_SORT, viewSortKeys, withIdTiebreak } from './view-query.js';

const fieldTypes = createFieldTypeRegistry();
const l = (en: string) => ({ 'zh-CN': en, en });
const options = [
  { key: 'a', label: l('A') },
  { key: 'b', label: l('B') },
];
const deal: Entity = {
  key: 'deal',
  label: l('Deal'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title') },
    { key: 'amount', type: 'currency', label: l('Amount'), currencyCode: 'CNY' },
    { key: 'stage', type: 'single_select', label: l('Stage'), options },
    { key: 'owner', type: 'user', label: l('Owner') },
    { key: 'close_date', type: 'date', label: l('Close date') },
    { key: 'tags', type: 'multi_select', label: l('Tags'), options },
    { key: 'regions', type: 'multi_select', label: l('Regions'), options },
  ],
};
const list = (key: string, extra: Partial<Extract<View, { type: 'list' }>> = {}): View => ({
  key,
  type: 'list',
  entity: 'deal',
  label: l(key),
  columns: [{ field: 'title' }],
  ...extra,
});
const bundleOf = (views: View[], entity: Entity = deal): Bundle => ({
  entities: [entity],
  forms: [],
  views,
  rules: [],
  workflows: [],
  roles: [],
});
/** The one index the views need, as `field:1` / `field:-1` strings. */
const keyOf = (...views: View[]) => {
  const found = viewIndexes(bundleOf(views), fieldTypes);
  expect(found).toHaveLength(1);
  return found[0]!.fields.map((f) => `${f.field}:${f.direction === 'asc' ? 1 : -1}`);
};

describe('viewIndexes', () => {
  it.each<[string, View, string[]]>([
    ['a list with neither filter nor sort: live records, newest first', list('all'), ['_deletedAt:1', '_createdAt:-1', '_id:-1']],
    [
      'equality, then sort, then range (ESR), skipping what an index cannot narrow',
      list('mine', {
        filter: {
          and: [
            { field: 'amount', op: 'gte', value: '100' },
            { field: 'owner', op: 'eq', value: 'u1' },
            { field: 'stage', op: 'ne', value: 'a' },
            { field: 'title', op: 'contains', value: 'x' },
          ],
        },
        sort: [{ field: 'close_date', direction: 'asc' }],
      }),
      ['_deletedAt:1', 'owner:1', 'close_date:1', '_id:1', 'amount:1'],
    ],
    [
      'nested ands flattened; or and not branches left out',
      list('nested', {
        filter: {
          and: [
            { and: [{ field: 'stage', op: 'eq', value: 'a' }] },
            { or: [{ field: 'owner', op: 'eq', value: 'u1' }] },
            { not: { field: 'title', op: 'eq', value: 'x' } },
          ],
        },
      }),
      ['_deletedAt:1', 'stage:1', '_createdAt:-1', '_id:-1'],
    ],
    [
      'a multi-select contains as equality, and only one list field per index',
      list('tagged', {
        filter: {
          and: [
            { field: 'tags', op: 'contains', value: 'a' },
            { field: 'regions', op: 'contains', value: 'b' },
            { field: 'title', op: 'isEmpty' },
          ],
        },
      }),
      ['_deletedAt:1', 'tags:1', 'title:1', '_createdAt:-1', '_id:-1'],
    ],
    [
      'a field both filtered and sorted on placed once',
      list('soon', {
        filter: { field: 'close_date', op: 'relative', value: 'this_quarter' },
        sort: [
          { field: 'close_date', direction: 'desc' },
          { field: 'amount', direction: 'asc' },
        ],
      }),
      ['_deletedAt:1', 'close_date:-1', 'amount:1', '_id:1'],
    ],
    [
      'a kanban asks one column at a time',
      { key: 'board', type: 'kanban', entity: 'deal', label: l('Board'), groupBy: 'stage', sort: [{ field: 'amount', direction: 'desc' }] },
      ['_deletedAt:1', 'stage:1', 'amount:-1', '_id:-1'],
    ],
    [
      'a calendar asks for a window of its dates, in date order',
      { key: 'cal', type: 'calendar', entity: 'deal', label: l('Cal'), dateField: 'close_date' },
      ['_deletedAt:1', 'close_date:1', '_id:1'],
    ],
  ])('%s', (_what, view, expected) => {
    expect(keyOf(view)).toEqual(expected);
  });

  it('ends its sort part exactly as the engine sorts the view', () => {
    const view = list('v', {
      sort: [
        { field: 'amount', direction: 'desc' },
        { field: 'title', direction: 'asc' },
      ],
    });
    const sort = withIdTiebreak(viewSortKeys(view)).map((k) => `${k.field}:${k.direction}`);
    expect(sort).toEqual(['amount:-1', 'title:1', '_id:1']);
    expect(keyOf(view).slice(1)).toEqual(sort);
    expect(withIdTiebreak(DEFAULT_RECORD_SORT)).toEqual([
      { field: '_createdAt', direction: -1 },
      { field: '_id', direction: -1 },
    ]);
  });

  it('names an index after its key: stable, distinct per key and direction', () => {
    const a = viewIndexes(bundleOf([list('x', { sort: [{ field: 'amount', direction: 'asc' }] })]), fieldTypes)[0]!;
    const b = viewIndexes(bundleOf([list('y', { sort: [{ field: 'amount', direction: 'desc' }] })]), fieldTypes)[0]!;
    expect(a.name).toMatch(/^view_[0-9a-f]{16}$/);
    expect(a.name).not.toBe(b.name);
    expect(viewIndexes(bundleOf([list('renamed', { sort: [{ field: 'amount', direction: 'asc' }] })]), fieldTypes)[0]!.name).toBe(a.name);
    expect(
      indexName([
        { field: '_deletedAt', direction: 1 },
        { field: 'amount', direction: 1 },
        { field: '_id', direction: 1 },
      ]),
    ).toBe(a.name);
  });

  it('shares one index among views with the same key, and lets a longer key serve its prefixes', () => {
    const byStage = { field: 'stage', op: 'eq', value: 'a' } as const;
    const found = viewIndexes(
      bundleOf([
        list('one', { filter: byStage }),
        list('two', { filter: { field: 'stage', op: 'eq', value: 'b' } }),
        list('three', { filter: { and: [byStage, { field: 'amount', op: 'gt', value: '5' }] } }),
        list('four', { sort: [{ field: 'title', direction: 'asc' }] }),
      ]),
      fieldTypes,
    );
    expect(found.map((ix) => [ix.fields.map((f) => f.field), ix.views]).sort()).toEqual([
      [
        ['_deletedAt', 'stage', '_createdAt', '_id', 'amount'],
        ['one', 'three', 'two'],
      ],
      [['_deletedAt', 'title', '_id'], ['four']],
    ]);
  });

  it("derives indexes for the queries workflow triggers declare, beside the views' and shared with them", () => {
    const triggers = new Registry<ConfigurableDefinition>('trigger');
    triggers.register('scan', {
      type: 'scan',
      configSchema: {},
      queries: (settings) => [{ filter: settings.filter, sort: [{ field: String(settings.field), direction: 'asc' }] }],
    });
    triggers.register('record_created', { type: 'record_created', configSchema: {} });
    const workflow = (key: string, trigger: Record<string, unknown>) =>
      ({ key, label: l(key), entity: 'deal', trigger, steps: [{ id: 's', type: 'noop' }] }) as unknown as Bundle['workflows'][number];
    const bundle: Bundle = {
      ...bundleOf([list('by_close', { sort: [{ field: 'close_date', direction: 'asc' }] })]),
      workflows: [
        workflow('remind', { type: 'scan', field: 'close_date' }),
        workflow('staged', { type: 'scan', field: 'close_date', filter: { field: 'stage', op: 'eq', value: 'a' } }),
        workflow('plain', { type: 'record_created' }),
      ],
    };
    expect(viewIndexes(bundle, fieldTypes, triggers).map((ix) => [ix.fields.map((f) => f.field), ix.views])).toEqual(
      expect.arrayContaining([
        [
          ['_deletedAt', 'close_date', '_id'],
          ['by_close', 'workflow:remind'],
        ],
        [['_deletedAt', 'stage', 'close_date', '_id'], ['workflow:staged']],
      ]),
    );
    expect(viewIndexes(bundle, fieldTypes, triggers)).toHaveLength(2);
    // Without the trigger registry (as before), only the views count.
    expect(viewIndexes(bundle, fieldTypes)).toHaveLength(1);
  });

  it('leaves out a key that an index the entity declares already covers', () => {
    const declared: Entity = {
      ...deal,
      indexes: [
        {
          key: 'live_stage',
          fields: [
            { field: '_deletedAt', direction: 'asc' },
            { field: 'stage', direction: 'asc' },
            { field: '_createdAt', direction: 'desc' },
            { field: '_id', direction: 'desc' },
          ],
        },
      ],
    };
    expect(viewIndexes(bundleOf([list('s', { filter: { field: 'stage', op: 'eq', value: 'a' } })], declared), fieldTypes)).toEqual([]);
  });
});

describe('view index migrations', () => {
  const base = salesBundle();
  const plan = (to: Bundle) => planMigrations(base, to, fieldTypes);
  const viewSteps = (to: Bundle) => plan(to).filter((m) => m.type === 'create_view_index' || m.type === 'drop_view_index');

  it('plans nothing when no key changes: same bundle, a relabelled view, a new column', () => {
    expect(viewSteps(salesBundle())).toEqual([]);
    const relabelled = salesBundle();
    relabelled.views[0]!.label = l('Renamed');
    (relabelled.views[0] as { columns: { field: string }[] }).columns.push({ field: 'close_date' });
    expect(viewSteps(relabelled)).toEqual([]);
  });

  it('drops the old index and creates the new one when a sort changes', () => {
    const to = salesBundle();
    to.views[0]!.sort = [{ field: 'amount', direction: 'desc' }];
    const [before] = viewIndexes(base, fieldTypes).filter((ix) => ix.views.includes('open_opportunities'));
    const [after] = viewIndexes(to, fieldTypes).filter((ix) => ix.views.includes('open_opportunities'));
    expect(plan(to).map((m) => m.type)).toEqual(['drop_view_index', 'create_view_index']);
    expect(viewSteps(to)).toEqual([
      { type: 'drop_view_index', entity: 'opportunity', index: before!.name },
      {
        type: 'create_view_index',
        entity: 'opportunity',
        index: { name: after!.name, fields: after!.fields, views: ['open_opportunities'] },
      },
    ]);
  });

  it('drops the index of a removed view', () => {
    const to = salesBundle();
    to.views = to.views.filter((v) => v.key !== 'pipeline');
    const gone = viewIndexes(base, fieldTypes).find((ix) => ix.views.includes('pipeline'))!;
    expect(viewSteps(to)).toEqual([{ type: 'drop_view_index', entity: 'opportunity', index: gone.name }]);
  });
});

describe('the index budget at publish', () => {
  const registries: BundleRegistries = {
    fieldTypes,
    operations: createLogicOperationRegistry(),
    triggers: new Registry<ConfigurableDefinition>('trigger'),
    actions: new Registry<ConfigurableDefinition>('action'),
  };
  const validator = new MetaValidator(fieldTypes);
  const wide = (fields: number, uniques: number): Entity => ({
    key: 'wide',
    label: l('Wide'),
    displayField: 'f0',
    fields: Array.from({ length: fields }, (_, i) => ({
      key: `f${i}`,
      type: 'integer' as const,
      label: l(`F${i}`),
      ...(i < uniques ? { unique: true } : {}),
    })),
  });
  const sortedViews = (count: number): View[] =>
    Array.from({ length: count }, (_, i) => ({
      key: `by_f${i}`,
      type: 'list',
      entity: 'wide',
      label: l(`By ${i}`),
      columns: [{ field: 'f0' }],
      sort: [{ field: `f${i}`, direction: 'asc' }],
    }));

  it.each([
    ['fits: 3 system + 10 unique + 51 view indexes', 10, 51, []],
    [
      'one too many: 3 system + 10 unique + 52 view indexes',
      10,
      52,
      [
        expect.objectContaining({
          pointer: '/entities/0',
          code: 'TOO_MANY_INDEXES',
          params: expect.objectContaining({ needed: 65, allowed: MAX_INDEXES_PER_COLLECTION, views: 52, unique: 10 }),
        }),
      ],
    ],
  ])('%s', (_what, uniques, views, expected) => {
    const bundle: Bundle = { entities: [wide(60, uniques)], forms: [], views: sortedViews(views), rules: [], workflows: [], roles: [] };
    expect(validateBundle(bundle, registries, validator)).toEqual(expected);
  });
});
