import {
  sortText,
  viewIndexes,
  viewIndexPlan,
  viewSortKeys,
  type Bundle,
  type Problem,
  type ProblemCode,
  type View,
  type ViewIndexPlan,
} from '@metacrm/metadata';
import { compileFilter, compileSort, QueryError } from '../query/index.js';
import { MetadataInvalid } from './metadata.errors.js';
import type { MetadataToolkit } from './metadata-toolkit.js';

/** The plan of a view's index, and whether that index exists already (in the published version). */
export interface ViewPlanAnswer extends ViewIndexPlan {
  /** True when the published version has this index already; false: publishing creates it. */
  exists: boolean;
}

// The query compiler's refusals as metadata problem codes, so the designer reads one kind of answer.
const PROBLEM_OF: Partial<Record<string, ProblemCode>> = {
  FILTER_FIELD_UNKNOWN: 'UNKNOWN_FIELD',
  SORT_FIELD_UNKNOWN: 'UNKNOWN_FIELD',
  FILTER_OPERATOR_NOT_ALLOWED: 'OPERATOR_NOT_ALLOWED',
};

/**
 * The index a view in the making would get and whether it serves the view's query, for
 * the designer's hint. The view is checked as a draft save checks it (its schema), its
 * filter and sort by the compiler every list query goes through, then planned by the
 * code publish creates view indexes with (`viewIndexPlan` over `viewIndexes`), against
 * the draft with the view in place.
 *
 * @throws METADATA_INVALID (422) with problems pointing into the view
 */
export function planView(input: unknown, draft: Bundle, published: Bundle, toolkit: MetadataToolkit): ViewPlanAnswer {
  const problems = toolkit.validator.validateItem('views', input);
  if (problems.length > 0) throw MetadataInvalid('The view is not valid', { problems });
  const view = input as View;
  const entity = draft.entities.find((e) => e.key === view.entity);
  if (!entity)
    throw MetadataInvalid('The view is not valid', {
      problems: [{ pointer: '/entity', code: 'UNKNOWN_ENTITY', message: `No entity "${view.entity}" in the draft` }],
    });
  const { fieldTypes, triggers } = toolkit.registries;
  try {
    compileFilter(view.filter, entity, { fieldTypes, now: new Date() });
    compileSort(sortText(viewSortKeys(view)), entity, { fieldTypes });
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    // Filter pointers are into the filter; sort pointers are already `/sort/<i>`.
    const at = err.code.startsWith('SORT_') ? err.details.pointer : `/filter${err.details.pointer}`;
    const problem: Problem = {
      pointer: at,
      code: PROBLEM_OF[err.code] ?? 'INVALID',
      message: err.message,
      params: { queryCode: err.code },
    };
    throw MetadataInvalid('The view is not valid', { problems: [problem] });
  }
  const plan = viewIndexPlan(draft, view, fieldTypes, triggers);
  const exists =
    plan.index?.source === 'declared'
      ? (published.entities.find((e) => e.key === entity.key)?.indexes ?? []).some((ix) => ix.key === plan.index?.name)
      : viewIndexes(published, fieldTypes, triggers).some((ix) => ix.entity === entity.key && ix.name === plan.index?.name);
  return { ...plan, exists };
}
