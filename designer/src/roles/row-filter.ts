// A role's row filter is json-logic that the server turns into a database query
// (metadata/src/access/row-filter.ts), so it accepts only what a query can express:
// and, or, !, comparisons of a field with a constant, `in` and `!!`. The designer
// builds it with the runtime's filter builder, whose output is the filter language;
// these two functions translate between the two, and say which conditions have no
// row-filter form instead of dropping them.

type Logic = Record<string, unknown>;
/** The filter language as the filter builder's `toFilter` makes it. */
export type FilterLike =
  { and: FilterLike[] } | { or: FilterLike[] } | { not: FilterLike } | { field: string; op: string; value?: unknown };

const TO_LOGIC: Record<string, string> = { eq: '==', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const FROM_LOGIC: Record<string, string> = {
  '==': 'eq',
  '===': 'eq',
  '!=': 'ne',
  '!==': 'ne',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
};

export type ToLogicResult = { logic: Logic | undefined; unsupported: string[] };

/**
 * The row filter for a filter-language tree. `unsupported` names each condition
 * (`field op`) that a row filter cannot hold (a relative date, starts-with): the
 * caller refuses to save rather than saving a wider filter than the admin built.
 */
export function filterToRowFilter(filter: FilterLike | undefined): ToLogicResult {
  const unsupported: string[] = [];
  const walk = (node: FilterLike): Logic => {
    if ('and' in node) return { and: node.and.map(walk) };
    if ('or' in node) return { or: node.or.map(walk) };
    if ('not' in node) return { '!': walk(node.not) };
    const field = { var: node.field };
    const compare = TO_LOGIC[node.op];
    if (compare) return { [compare]: [field, node.value] };
    switch (node.op) {
      case 'in':
        return { in: [field, node.value] };
      case 'nin':
        return { '!': { in: [field, node.value] } };
      case 'contains':
        return { in: [node.value, field] };
      case 'notContains':
        return { '!': { in: [node.value, field] } };
      case 'isNotEmpty':
        return { '!!': field };
      case 'isEmpty':
        return { '!': { '!!': field } };
      case 'between': {
        const [from, to] = Array.isArray(node.value) ? node.value : [];
        return { and: [{ '>=': [field, from] }, { '<=': [field, to] }] };
      }
      default:
        unsupported.push(`${node.field} ${node.op}`);
        return { and: [] };
    }
  };
  return { logic: filter === undefined ? undefined : walk(filter), unsupported };
}

/**
 * The filter-language tree of a row filter, for the builder to show; undefined when
 * the row filter uses what the builder cannot show (a `$user` value, `!` of a group):
 * the designer then keeps it as JSON.
 */
export function rowFilterToFilter(logic: unknown): FilterLike | undefined {
  if (logic === null || typeof logic !== 'object' || Array.isArray(logic)) return undefined;
  const entries = Object.entries(logic as Logic);
  if (entries.length !== 1) return undefined;
  const [op, args] = entries[0]!;
  if ((op === 'and' || op === 'or') && Array.isArray(args)) {
    const parts = args.map(rowFilterToFilter);
    if (parts.some((p) => p === undefined)) return undefined;
    return op === 'and' ? { and: parts as FilterLike[] } : { or: parts as FilterLike[] };
  }
  const fieldOf = (value: unknown): string | undefined => {
    const name = (value as { var?: unknown } | null)?.var;
    return typeof name === 'string' && !name.startsWith('$') ? name : undefined;
  };
  const constant = (value: unknown) =>
    value === null || typeof value !== 'object' || (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'));
  if (op === '!!') return fieldOf(args) ? { field: fieldOf(args)!, op: 'isNotEmpty' } : undefined;
  if (op === '!') {
    const inner = rowFilterToFilter(args);
    if (!inner || !('field' in inner)) return undefined;
    const negated: Record<string, string> = { isNotEmpty: 'isEmpty', in: 'nin', contains: 'notContains' };
    return negated[inner.op] ? { ...inner, op: negated[inner.op]! } : undefined;
  }
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const [left, right] = args;
  if (FROM_LOGIC[op] && fieldOf(left) && constant(right)) return { field: fieldOf(left)!, op: FROM_LOGIC[op]!, value: right };
  if (op === 'in' && fieldOf(left) && Array.isArray(right) && constant(right)) return { field: fieldOf(left)!, op: 'in', value: right };
  if (op === 'in' && fieldOf(right) && constant(left)) return { field: fieldOf(right)!, op: 'contains', value: left };
  return undefined;
}
