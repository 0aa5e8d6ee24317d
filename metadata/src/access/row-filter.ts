import { pointerSegment, type Problem } from '../schema/problems.js';

/** The current user as a role's row filter sees it (`$user.*`). */
export interface RowFilterUser {
  id: string;
  email: string | null;
  name: string;
  locale: string | null;
  departmentId: string | null;
  roles: readonly string[];
}

/** A condition of the filter language: what a row filter becomes for one user. */
export type FilterNode =
  { and: FilterNode[] } | { or: FilterNode[] } | { not: FilterNode } | { field: string; op: string; value?: unknown };

export type RowFilterResult = { filter: FilterNode; problems?: undefined } | { filter?: undefined; problems: Problem[] };

const COMPARE: Record<string, [op: string, flipped: string]> = {
  '==': ['eq', 'eq'],
  '===': ['eq', 'eq'],
  '!=': ['ne', 'ne'],
  '!==': ['ne', 'ne'],
  '<': ['lt', 'gt'],
  '<=': ['lte', 'gte'],
  '>': ['gt', 'lt'],
  '>=': ['gte', 'lte'],
};
const USER_VARS: Record<string, (u: RowFilterUser) => unknown> = {
  '$user.id': (u) => u.id,
  '$user.email': (u) => u.email,
  '$user.name': (u) => u.name,
  '$user.locale': (u) => u.locale,
  '$user.departmentId': (u) => u.departmentId,
  '$user.roles': (u) => [...u.roles],
};
const MAX_NODES = 200;

/**
 * Turns a role's row filter (json-logic over the record and the current user) into the
 * filter language, so that the database, not the server, picks the records a role may
 * see: list, count, aggregate and export all stay one indexed query.
 *
 * Only the part of json-logic that a query can express is accepted: `and`, `or`, `!`,
 * comparisons (`==` `!=` `<` `<=` `>` `>=`) between a record field and a constant or a
 * `$user.*` value, `in` of a field in a list (or of a value in a text or multi-select
 * field, which becomes `contains`), and `!!` of a field (has a value). Anything else is
 * refused at publish with ROW_FILTER_UNSUPPORTED, pointing at the part, so a role never
 * fails at request time. Operators per field type are checked by the filter checker.
 */
export function rowFilterToFilter(logic: unknown, user: RowFilterUser, at = ''): RowFilterResult {
  const problems: Problem[] = [];
  let nodes = 0;
  const refuse = (here: string, message: string): FilterNode => {
    problems.push({ pointer: here, code: 'ROW_FILTER_UNSUPPORTED', message });
    return { and: [] };
  };
  const operand = (value: unknown): { field: string } | { value: unknown } | undefined => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.length !== 1 || entries[0]![0] !== 'var') return undefined;
      const path = entries[0]![1];
      if (typeof path !== 'string') return undefined;
      const userValue = Object.hasOwn(USER_VARS, path) ? USER_VARS[path]! : undefined;
      if (userValue) return { value: userValue(user) };
      return path.startsWith('$') ? undefined : { field: path };
    }
    return { value };
  };
  const visit = (expr: unknown, here: string): FilterNode => {
    if (++nodes > MAX_NODES) return refuse(here, `a row filter may have at most ${MAX_NODES} parts`);
    if (expr === true) return { and: [] };
    if (expr === null || typeof expr !== 'object' || Array.isArray(expr))
      return refuse(here, 'expected an operation such as {"==": [{"var": "owner"}, {"var": "$user.id"}]}');
    const entries = Object.entries(expr);
    if (entries.length !== 1) return refuse(here, 'an operation has exactly one operator');
    const [op, raw] = entries[0]!;
    const args = Array.isArray(raw) ? raw : [raw];
    const at = (i: number) => `${here}/${pointerSegment(op)}${Array.isArray(raw) ? `/${i}` : ''}`;
    if (op === 'and' || op === 'or') {
      const parts = args.map((a, i) => visit(a, at(i)));
      return op === 'and' ? { and: parts } : { or: parts };
    }
    if (op === '!') return { not: visit(args[0], at(0)) };
    if (op === '!!') {
      const a = operand(args[0]);
      return a && 'field' in a ? { field: a.field, op: 'isNotEmpty' } : refuse(at(0), '"!!" takes a record field');
    }
    if (Object.hasOwn(COMPARE, op)) {
      if (args.length !== 2) return refuse(here, `"${op}" compares two values here`);
      const [a, b] = [operand(args[0]), operand(args[1])];
      if (!a || !b) return refuse(here, 'compare a record field with a constant or a $user value');
      const [direct, flipped] = COMPARE[op]!;
      if ('field' in a && 'value' in b) return compare(a.field, direct, b.value);
      if ('value' in a && 'field' in b) return compare(b.field, flipped, a.value);
      return refuse(here, 'compare a record field with a constant or a $user value');
    }
    if (op === 'in') {
      const [a, b] = [operand(args[0]), operand(args[1])];
      if (args.length !== 2 || !a || !b) return refuse(here, '"in" takes a value and a list or text');
      if ('field' in a && 'value' in b && Array.isArray(b.value)) return { field: a.field, op: 'in', value: b.value };
      if ('value' in a && 'field' in b && a.value !== null && typeof a.value !== 'object')
        return { field: b.field, op: 'contains', value: a.value };
      return refuse(here, '"in" takes a record field and a list, or a value and a record field');
    }
    return refuse(here, `"${op.slice(0, 40)}" cannot be used in a row filter`);
  };
  const filter = visit(logic, at);
  return problems.length > 0 ? { problems } : { filter };
}

/** `field op value`, with a missing value meaning "has no value" (json-logic null). */
function compare(field: string, op: string, value: unknown): FilterNode {
  if (value === null || value === undefined) {
    if (op === 'eq') return { field, op: 'isEmpty' };
    if (op === 'ne') return { field, op: 'isNotEmpty' };
  }
  return { field, op, value };
}
