import { describe, expect, it } from 'vitest';
import type { Bundle, Entity, View } from '../bundle/bundle-types.js';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { viewIndexPlan } from './view-index-plan.js';
import { viewIndexes } from './view-indexes.js';

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
const fieldsOf = (plan: ReturnType<typeof viewIndexPlan>) => plan.index?.fields.map((f) => `${f.field}:${f.direction}`);

describe('viewIndexPlan', () => {
  it('names the index publish creates for the view, and finds it serves the whole query', () => {
    const view = list('open', {
      filter: {
        and: [
          { field: 'stage', op: 'eq', value: 'a' },
          { field: 'amount', op: 'gte', value: '10' },
        ],
      },
      sort: [{ field: 'amount', direction: 'desc' }],
    });
    const plan = viewIndexPlan(bundleOf([]), view, fieldTypes);
    expect(fieldsOf(plan)).toEqual(['_deletedAt:asc', 'stage:asc', 'amount:desc', '_id:desc']);
    expect(plan.index?.name).toBe(viewIndexes(bundleOf([view]), fieldTypes)[0]!.name);
    expect(plan).toMatchObject({ usable: true, reasons: [], index: { source: 'view', views: ['open'] } });
  });

  it('replaces the bundle view of the same key, and shares an index that another view already needs', () => {
    const other = list('other', { sort: [{ field: 'amount', direction: 'asc' }] });
    const stale = list('mine', { sort: [{ field: 'title', direction: 'asc' }] });
    const plan = viewIndexPlan(bundleOf([other, stale]), list('mine', { sort: [{ field: 'amount', direction: 'asc' }] }), fieldTypes);
    expect(plan.index?.views).toEqual(['mine', 'other']);
    expect(fieldsOf(plan)).toEqual(['_deletedAt:asc', 'amount:asc', '_id:asc']);
  });

  it.each<[string, Partial<Extract<View, { type: 'list' }>>, { code: string; pointer: string; field?: string }[]]>([
    [
      'an or branch',
      { filter: { and: [{ field: 'stage', op: 'eq', value: 'a' }, { or: [{ field: 'title', op: 'eq', value: 'x' }] }] } },
      [{ code: 'FILTER_BRANCH', pointer: '/filter/and/1' }],
    ],
    ['a not at the top', { filter: { not: { field: 'title', op: 'eq', value: 'x' } } }, [{ code: 'FILTER_BRANCH', pointer: '/filter' }]],
    [
      'an operator that selects too much',
      { filter: { and: [{ field: 'stage', op: 'ne', value: 'a' }] } },
      [{ code: 'FILTER_OPERATOR', pointer: '/filter/and/0', field: 'stage' }],
    ],
    [
      'a second list field',
      {
        filter: {
          and: [
            { field: 'tags', op: 'contains', value: 'a' },
            { field: 'regions', op: 'contains', value: 'b' },
          ],
        },
      },
      [{ code: 'SECOND_LIST_FIELD', pointer: '/filter', field: 'regions' }],
    ],
  ])('warns of %s', (_what, extra, reasons) => {
    const plan = viewIndexPlan(bundleOf([]), list('v', extra), fieldTypes);
    expect(plan.usable).toBe(false);
    expect(plan.reasons).toEqual(reasons.map((r) => expect.objectContaining(r)));
    expect(plan.index?.source).toBe('view');
  });

  it('uses an index the entity declares when it already covers the query', () => {
    const entity: Entity = {
      ...deal,
      indexes: [
        {
          key: 'by_stage',
          fields: [
            { field: '_deletedAt', direction: 'asc' },
            { field: 'stage', direction: 'asc' },
            { field: '_createdAt', direction: 'desc' },
            { field: '_id', direction: 'desc' },
            { field: 'title', direction: 'asc' },
          ],
        },
      ],
    };
    const plan = viewIndexPlan(bundleOf([], entity), list('v', { filter: { field: 'stage', op: 'eq', value: 'a' } }), fieldTypes);
    expect(plan).toMatchObject({ usable: true, index: { name: 'by_stage', source: 'declared' } });
  });

  it('warns when the entity would need more indexes than MongoDB allows', () => {
    // Sorts on two of five fields, in every order and direction: 80 distinct index keys.
    const keys = ['title', 'amount', 'stage', '_createdAt', '_updatedAt'];
    const dirs = ['asc', 'desc'] as const;
    const many = keys.flatMap((a) =>
      keys
        .filter((b) => b !== a)
        .flatMap((b) =>
          dirs.flatMap((da) =>
            dirs.map((db) =>
              list(`v_${a}_${da}_${b}_${db}`.replace(/__/g, '_'), {
                sort: [
                  { field: a, direction: da },
                  { field: b, direction: db },
                ],
              }),
            ),
          ),
        ),
    );
    const plan = viewIndexPlan(bundleOf(many), list('last'), fieldTypes);
    expect(plan.reasons.map((r) => r.code)).toContain('TOO_MANY_INDEXES');
  });
});
