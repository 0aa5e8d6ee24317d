import type { Condition, Filter } from '@metacrm/metadata';

/** One row of the filter builder: a condition, or a nested group. */
export type FilterNode = { kind: 'condition'; field: string; op: string; value?: unknown } | FilterGroup;

/** An and / or group of conditions and groups, as the builder edits it. */
export interface FilterGroup {
  kind: 'group';
  combinator: 'and' | 'or';
  children: FilterNode[];
}

export const emptyGroup = (): FilterGroup => ({ kind: 'group', combinator: 'and', children: [] });

/** Operators that take no operand. */
export const NO_OPERAND = new Set(['isEmpty', 'isNotEmpty']);

/** The filter language from the builder's tree; incomplete conditions are left out. */
export function toFilter(group: FilterGroup): Filter | undefined {
  const parts = group.children
    .map((node) => (node.kind === 'group' ? toFilter(node) : toCondition(node)))
    .filter((p): p is Filter => p !== undefined);
  if (parts.length === 0) return undefined;
  return (group.combinator === 'and' ? { and: parts } : { or: parts }) as Filter;
}

function toCondition(node: Extract<FilterNode, { kind: 'condition' }>): Filter | undefined {
  if (!node.field || !node.op) return undefined;
  if (NO_OPERAND.has(node.op)) return { field: node.field, op: node.op } as Condition as Filter;
  const value = node.value;
  if (value === undefined || value === '' || (Array.isArray(value) && (value.length === 0 || value.some((v) => v === ''))))
    return undefined;
  return { field: node.field, op: node.op, value } as Condition as Filter;
}

/** The builder's tree from a filter in the URL (what it cannot show becomes an empty group). */
export function fromFilter(filter: unknown): FilterGroup {
  if (!filter || typeof filter !== 'object') return emptyGroup();
  const f = filter as Record<string, unknown>;
  const list = Array.isArray(f.and)
    ? { combinator: 'and' as const, items: f.and }
    : Array.isArray(f.or)
      ? { combinator: 'or' as const, items: f.or }
      : undefined;
  if (!list) return typeof f.field === 'string' ? { kind: 'group', combinator: 'and', children: [nodeOf(f)] } : emptyGroup();
  return {
    kind: 'group',
    combinator: list.combinator,
    children: (list.items as Record<string, unknown>[]).map((item) =>
      Array.isArray(item.and) || Array.isArray(item.or) ? fromFilter(item) : nodeOf(item),
    ),
  };
}

function nodeOf(f: Record<string, unknown>): FilterNode {
  return { kind: 'condition', field: String(f.field ?? ''), op: String(f.op ?? 'eq'), value: f.value };
}

/** How many conditions a tree holds, for the filter button's badge. */
export function countConditions(group: FilterGroup): number {
  return group.children.reduce((n, node) => n + (node.kind === 'group' ? countConditions(node) : 1), 0);
}
