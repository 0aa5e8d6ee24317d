import {
  CONTEXT_VARS,
  EntityIndex,
  checkLogic,
  type Entity,
  type FieldTypeDefinition,
  type LogicOperation,
  type Problem,
  type Registry,
} from '@metacrm/metadata';

// The visual condition builder's model and its two-way mapping onto json-logic. The
// builder shows a subset of json-logic (and / or groups of "field operator value"); an
// expression outside it is kept as JSON and edited as such, never rewritten.

/** The operators the builder offers, each one json-logic shape. */
export const CONDITION_OPERATORS = ['==', '!=', '>', '>=', '<', '<=', 'in', 'contains', 'is_empty', 'not_empty'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Operators with no value to enter. */
export const UNARY_OPERATORS: readonly ConditionOperator[] = ['is_empty', 'not_empty'];

/** One row: a field (or context variable), an operator and a value. */
export interface ConditionRule {
  kind: 'rule';
  field: string;
  op: ConditionOperator;
  /** A JSON literal: a list for `in`; absent for the unary operators. */
  value?: unknown;
}

/** Rows joined by and / or; groups nest. */
export interface ConditionGroup {
  kind: 'group';
  join: 'and' | 'or';
  children: ConditionNode[];
}

export type ConditionNode = ConditionRule | ConditionGroup;

export const emptyCondition = (): ConditionGroup => ({ kind: 'group', join: 'and', children: [] });

const COMPARE = new Set<string>(['==', '!=', '>', '>=', '<', '<=']);

/**
 * The json-logic of a builder model: `undefined` for a group with no rows (no
 * condition at all); the single row itself when the top group holds one (what an admin
 * would write by hand); `{and|or: [...]}` otherwise.
 */
export function toLogic(root: ConditionGroup): unknown {
  if (root.children.length === 0) return undefined;
  if (root.children.length === 1) return nodeToLogic(root.children[0]!);
  return nodeToLogic(root);
}

function nodeToLogic(node: ConditionNode): unknown {
  if (node.kind === 'group') return { [node.join]: node.children.map(nodeToLogic) };
  const field = { var: node.field };
  switch (node.op) {
    case 'is_empty':
      return { is_empty: [field] };
    case 'not_empty':
      return { '!': { is_empty: [field] } };
    case 'in':
      return { in: [field, Array.isArray(node.value) ? node.value : []] };
    case 'contains':
      return { contains: [field, node.value ?? null] };
    default:
      return { [node.op]: [field, node.value ?? null] };
  }
}

/**
 * The builder model of a json-logic expression, or undefined when the builder cannot
 * show it (another operation, a computed operand, a nested `var` default): that one
 * stays JSON. `undefined` expression: an empty group.
 */
export function fromLogic(expr: unknown): ConditionGroup | undefined {
  if (expr === undefined) return emptyCondition();
  const node = nodeFromLogic(expr);
  if (!node) return undefined;
  return node.kind === 'group' ? node : { kind: 'group', join: 'and', children: [node] };
}

function nodeFromLogic(expr: unknown): ConditionNode | undefined {
  const op = singleKey(expr);
  if (op === undefined) return undefined;
  const raw = (expr as Record<string, unknown>)[op];
  const args = Array.isArray(raw) ? raw : [raw];
  if (op === 'and' || op === 'or') {
    if (args.length === 0) return undefined;
    const children = args.map(nodeFromLogic);
    return children.every((c): c is ConditionNode => c !== undefined) ? { kind: 'group', join: op, children } : undefined;
  }
  if (op === '!') {
    const inner = args.length === 1 ? nodeFromLogic(args[0]) : undefined;
    return inner?.kind === 'rule' && inner.op === 'is_empty' ? { ...inner, op: 'not_empty' } : undefined;
  }
  const field = varPath(args[0]);
  if (field === undefined) return undefined;
  if (op === 'is_empty') return args.length === 1 ? { kind: 'rule', field, op } : undefined;
  if (args.length !== 2 || !isLiteral(args[1])) return undefined;
  if (op === 'in') return Array.isArray(args[1]) ? { kind: 'rule', field, op, value: args[1] } : undefined;
  if (op === 'contains' || COMPARE.has(op)) return { kind: 'rule', field, op: op as ConditionOperator, value: args[1] };
  return undefined;
}

function singleKey(expr: unknown): string | undefined {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return undefined;
  const keys = Object.keys(expr);
  return keys.length === 1 ? keys[0] : undefined;
}

/** `{var: "budget"}` or `{var: ["budget"]}` → `budget`; anything else (a default, a computed path) → undefined. */
function varPath(expr: unknown): string | undefined {
  if (singleKey(expr) !== 'var') return undefined;
  const raw = (expr as { var: unknown }).var;
  const args = Array.isArray(raw) ? raw : [raw];
  return args.length === 1 && typeof args[0] === 'string' && args[0] !== '' ? args[0] : undefined;
}

/** A JSON value with no operation in it: a string, number, boolean, null, or a list of those. */
function isLiteral(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}

/**
 * The problems of a condition over records of `entity`, as publishing will judge it:
 * the metadata package's allowlist (operations, argument counts, limits) and var paths
 * that are fields, system fields or context variables. Pointers start at `at`.
 */
export function checkCondition(
  expr: unknown,
  entity: Entity,
  fieldTypes: Registry<FieldTypeDefinition>,
  operations: Registry<LogicOperation>,
  at = '',
): Problem[] {
  if (expr === undefined) return [];
  const index = new EntityIndex({ entities: [entity], forms: [], views: [], rules: [], workflows: [], roles: [] }, fieldTypes);
  return checkLogic(expr, { operations, knownVar: (path) => index.knownVar(entity.key, path), at });
}

/** The context variables a condition may name besides the record's fields. */
export const CONDITION_CONTEXT_VARS = CONTEXT_VARS;

/** True when a rule is complete enough to mean something (a field, and a value where one is needed). */
export function ruleComplete(rule: ConditionRule): boolean {
  if (rule.field === '') return false;
  if (UNARY_OPERATORS.includes(rule.op)) return true;
  if (rule.op === 'in') return Array.isArray(rule.value) && rule.value.length > 0;
  return rule.value !== undefined && rule.value !== '';
}
