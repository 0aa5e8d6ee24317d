import type { View } from '../generated/types.js';

/** One key of a record sort, in priority order: 1 ascending, -1 descending. */
export interface SortKey {
  field: string;
  direction: 1 | -1;
}

/** The order of a list that names none: newest first. */
export const DEFAULT_RECORD_SORT: readonly SortKey[] = Object.freeze([Object.freeze({ field: '_createdAt', direction: -1 as const })]);

/**
 * A sort made total: `_id` is added after the keys, in the direction of the last one,
 * unless it is already there. The record engine sorts every list this way (keyset
 * cursors need a total order), and view indexes end the same way so that they serve
 * exactly the sort the engine sends.
 */
export function withIdTiebreak(keys: readonly SortKey[]): SortKey[] {
  const last = keys.at(-1);
  if (!last || keys.some((k) => k.field === '_id')) return [...keys];
  return [...keys, { field: '_id', direction: last.direction }];
}

/** `-amount,name`, the API's form of a sort. */
export function sortText(keys: readonly SortKey[]): string {
  return keys.map((k) => `${k.direction === -1 ? '-' : ''}${k.field}`).join(',');
}

/**
 * The sort of a view, before the `_id` tiebreak: its own `sort`; else, for a calendar,
 * its date field ascending (the order a calendar lays its entries out in); else the
 * default, newest first. Exports and the runtime UI ask the engine for this order, and
 * the indexes derived from the view are built for it.
 */
export function viewSortKeys(view: View): SortKey[] {
  if (view.sort && view.sort.length > 0) return view.sort.map((s) => ({ field: s.field, direction: s.direction === 'desc' ? -1 : 1 }));
  if (view.type === 'calendar') return [{ field: view.dateField, direction: 1 }];
  return [...DEFAULT_RECORD_SORT];
}

/** The fields a view shows: a list's columns, a board's group and card fields, a calendar's title and dates. */
export function viewFields(view: View): string[] {
  const keys: (string | undefined)[] =
    view.type === 'list'
      ? view.columns.map((c) => c.field)
      : view.type === 'kanban'
        ? [view.groupBy, ...(view.cardFields ?? [])]
        : view.type === 'calendar'
          ? [view.titleField, view.dateField, view.endDateField]
          : [];
  return [...new Set(keys.filter((k): k is string => typeof k === 'string'))];
}

/** How a list query of a view uses each field: the inputs of an index by the ESR rule. */
export interface ViewQueryShape {
  /** Fields matched by equality: `eq`, `isEmpty`, `contains` on a list, a kanban column. */
  equality: string[];
  /** The sort the engine sends, `_id` tiebreak included. */
  sort: SortKey[];
  /** Fields matched by a range: `gt`...`lte`, `between`, `relative`, `in`, `startsWith`, a calendar's window. */
  range: string[];
}

const RANGE_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'between', 'relative', 'in', 'startsWith']);

type FilterNode = { and?: FilterNode[]; or?: unknown; not?: unknown; field?: string; op?: string };

/**
 * The query a view sends, as far as an index can serve it. Only conditions every record
 * must meet (the view filter's top-level `and`) narrow an index: an `or` or `not`
 * branch cannot, and `ne`, `nin`, `notContains`, `contains` on text and `isNotEmpty`
 * select too much for an index to help. A kanban board asks one column at a time (its
 * group field equal to the column's option); a calendar asks for a window of its date
 * field. `isList(field)` says whether a field holds a list (multi-select, files), where
 * `contains` is an equality on one element and `isEmpty` is not an equality.
 */
export function viewQueryShape(view: View, isList: (field: string) => boolean): ViewQueryShape {
  const { equality, range } = filterShape(view.filter, isList);
  if (view.type === 'kanban') equality.push(view.groupBy);
  if (view.type === 'calendar') range.push(view.dateField);
  return { equality, sort: withIdTiebreak(viewSortKeys(view)), range };
}

/**
 * A condition of a view's filter that no index can narrow: an `or` / `not` branch
 * (`branch`), or an operator that selects too much (`operator`: `ne`, `nin`,
 * `notContains`, `contains` on text, `isNotEmpty`). The database checks such a
 * condition record by record among those the index finds.
 */
export interface UnservedCondition {
  /** Where it is in the filter (`/and/1`), as a JSON pointer. */
  pointer: string;
  reason: 'branch' | 'operator';
  field?: string;
  op?: string;
}

/** The fields a filter matches by equality and by range, as far as an index can serve them (see viewQueryShape), and the conditions it cannot serve. */
export function filterShape(
  filter: unknown,
  isList: (field: string) => boolean,
): { equality: string[]; range: string[]; unserved: UnservedCondition[] } {
  const equality: string[] = [];
  const range: string[] = [];
  const unserved: UnservedCondition[] = [];
  for (const { node: c, pointer } of conjuncts(filter as FilterNode | undefined, '')) {
    if (c.or !== undefined || c.not !== undefined) {
      unserved.push({ pointer, reason: 'branch' });
      continue;
    }
    if (c.field === undefined || c.op === undefined) continue;
    const list = isList(c.field);
    if (c.op === 'eq' || (c.op === 'isEmpty' && !list) || (c.op === 'contains' && list)) equality.push(c.field);
    else if (RANGE_OPS.has(c.op)) range.push(c.field);
    else unserved.push({ pointer, reason: 'operator', field: c.field, op: c.op });
  }
  return { equality, range, unserved };
}

/**
 * The conditions of a filter that every matching record meets (its top-level and,
 * flattened), with where each is; an `or` or `not` among them is returned whole, for
 * the caller to set aside.
 */
function conjuncts(node: FilterNode | undefined, pointer: string): { node: FilterNode; pointer: string }[] {
  if (node === undefined || node === null || typeof node !== 'object') return [];
  if (Array.isArray(node.and)) return node.and.flatMap((item, i) => conjuncts(item, `${pointer}/and/${i}`));
  return [{ node, pointer }];
}
