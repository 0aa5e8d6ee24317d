import type { Bundle, ConfigurableDefinition } from '../bundle/bundle-types.js';
import type { FieldTypeDefinition } from '../fields/field-types.js';
import type { View } from '../generated/types.js';
import type { Registry } from '../registry.js';
import { indexBudgetProblems, indexFieldTests, indexKey, isPrefix, toIndexField, viewIndexes, type IndexField } from './view-indexes.js';
import { filterShape, viewQueryShape, type SortKey } from './view-query.js';

/**
 * Why a view's query is not served by its index alone:
 * - `FILTER_BRANCH`: an `or` or `not` at the top of the filter, which no index narrows;
 * - `FILTER_OPERATOR`: an operator that selects too much (`ne`, `nin`, `notContains`,
 *   `contains` on text, `isNotEmpty`);
 * - `SECOND_LIST_FIELD`: a second field holding a list (MongoDB indexes one per key);
 * - `INDEX_TOO_WIDE`: past MongoDB's 32 fields of one index;
 * - `SORT_NOT_SERVED`: a sort key the index does not hold, so the database sorts in memory;
 * - `TOO_MANY_INDEXES`: the entity would need more indexes than MongoDB allows, so the
 *   publish that creates them is refused.
 */
export type IndexPlanReasonCode =
  'FILTER_BRANCH' | 'FILTER_OPERATOR' | 'SECOND_LIST_FIELD' | 'INDEX_TOO_WIDE' | 'SORT_NOT_SERVED' | 'TOO_MANY_INDEXES';

export interface IndexPlanReason {
  code: IndexPlanReasonCode;
  /** Where in the view: `/filter/and/1`, `/sort/0`, or `` for the view as a whole. */
  pointer: string;
  field?: string;
  op?: string;
}

/** The index a view's list query uses, and whether that index serves all of it. */
export interface ViewIndexPlan {
  /**
   * The index: one derived from the views (`source: 'view'`, named `view_…`, shared by
   * `views`) or one the entity declares that already covers the query (`'declared'`).
   */
  index: { name: string; fields: IndexField[]; source: 'view' | 'declared'; views: string[] } | null;
  /** True when every condition of the filter and the whole sort are served by the index. */
  usable: boolean;
  reasons: IndexPlanReason[];
}

/**
 * What the index machinery that publish runs (viewIndexes) will do for `view` in
 * `bundle` (the view replacing the bundle's view of the same key): the index its query
 * gets, and every part of the query that index cannot serve. The designer shows it
 * while the admin edits the view; the server answers it from the same code that
 * creates the indexes, so the two never disagree.
 *
 * @throws Error when the bundle has no entity `view.entity` (the caller checks first)
 */
export function viewIndexPlan(
  bundle: Bundle,
  view: View,
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers?: Registry<ConfigurableDefinition>,
): ViewIndexPlan {
  const entity = bundle.entities.find((e) => e.key === view.entity);
  if (!entity) throw new Error(`No entity ${view.entity} in the bundle`);
  const withView: Bundle = { ...bundle, views: [...bundle.views.filter((v) => v.key !== view.key), view] };
  const { isList, known } = indexFieldTests(entity, fieldTypes);
  const shape = viewQueryShape(view, isList);
  const key = indexKey(shape, known, isList);
  const reasons: IndexPlanReason[] = filterShape(view.filter, isList).unserved.map((u) => ({
    code: u.reason === 'branch' ? 'FILTER_BRANCH' : 'FILTER_OPERATOR',
    pointer: `/filter${u.pointer}`,
    ...(u.field === undefined ? {} : { field: u.field }),
    ...(u.op === undefined ? {} : { op: u.op }),
  }));
  const inKey = (field: string) => key.some((k) => k.field === field);
  for (const field of new Set([...shape.equality, ...shape.range])) {
    if (known(field) && !inKey(field))
      reasons.push({ code: isList(field) ? 'SECOND_LIST_FIELD' : 'INDEX_TOO_WIDE', pointer: '/filter', field });
  }
  shape.sort.forEach((k, i) => {
    if (known(k.field) && !key.some((part) => part.field === k.field && part.direction === k.direction))
      reasons.push({ code: 'SORT_NOT_SERVED', pointer: `/sort/${i}`, field: k.field });
  });
  if (indexBudgetProblems(withView, fieldTypes, triggers).some((p) => p.params?.entity === entity.key))
    reasons.push({ code: 'TOO_MANY_INDEXES', pointer: '' });
  return { index: servingIndex(withView, view, key, fieldTypes, triggers), usable: reasons.length === 0, reasons };
}

function servingIndex(
  bundle: Bundle,
  view: View,
  key: SortKey[],
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers: Registry<ConfigurableDefinition> | undefined,
): ViewIndexPlan['index'] {
  const derived = viewIndexes(bundle, fieldTypes, triggers).find((ix) => ix.entity === view.entity && ix.views.includes(view.key));
  if (derived) return { name: derived.name, fields: derived.fields, source: 'view', views: derived.views };
  // No view index: the entity declares one that the key is a prefix of (viewIndexes leaves such keys out).
  const entity = bundle.entities.find((e) => e.key === view.entity);
  for (const declared of entity?.indexes ?? []) {
    const parts = declared.fields.map((f): SortKey => ({ field: f.field, direction: f.direction === 'desc' ? -1 : 1 }));
    if (isPrefix(key, parts)) return { name: declared.key, fields: parts.map(toIndexField), source: 'declared', views: [view.key] };
  }
  return null;
}
