import { FILTER_OPS, type FilterOp } from '@metacrm/metadata';
import { QueryError, pointerToken, quote } from './query.errors.js';

/** A filter that has the filter language's shape; field, operator and operand are checked later. */
export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[]; pointer: string }
  | { kind: 'not'; item: FilterNode; pointer: string }
  | { kind: 'condition'; field: string; op: FilterOp; value: unknown; hasValue: boolean; pointer: string };

/** Bounds that keep a hostile filter from costing much, in the compiler or the database. */
export const FILTER_LIMITS = {
  /** Levels of nesting; a bare condition is level 1. */
  depth: 8,
  conditions: 100,
  /** Conditions and and / or / not nodes together, so empty groups cannot multiply. */
  nodes: 200,
  /** Items of one and / or (as in common.schema.json). */
  groupItems: 50,
  /** Values of an in / nin list. */
  listValues: 500,
  stringLength: 1000,
} as const;

// Keys that would reach MongoDB as operators or paths, or poison objects built from them.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const OPS: ReadonlySet<string> = new Set(FILTER_OPS);
const CONDITION_KEYS: ReadonlySet<string> = new Set(['field', 'op', 'value']);

interface Budget {
  conditions: number;
  nodes: number;
}

/**
 * Checks that untrusted input has the shape of the filter language and returns it as a
 * tree. Nothing past FILTER_LIMITS.depth is visited, so a filter nested 10,000 levels
 * deep fails at level 9 instead of overflowing the stack.
 */
export function parseFilter(input: unknown): FilterNode {
  return parseNode(input, '', 1, { conditions: 0, nodes: 0 });
}

function parseNode(input: unknown, pointer: string, depth: number, budget: Budget): FilterNode {
  if (depth > FILTER_LIMITS.depth)
    throw new QueryError('FILTER_TOO_COMPLEX', `A filter may nest at most ${FILTER_LIMITS.depth} levels`, pointer);
  budget.nodes += 1;
  if (budget.nodes > FILTER_LIMITS.nodes)
    throw new QueryError('FILTER_TOO_COMPLEX', `A filter may have at most ${FILTER_LIMITS.nodes} parts`, pointer);
  if (!isPlainObject(input))
    throw new QueryError('FILTER_INVALID', 'A filter must be an object: {and}, {or}, {not} or {field, op, value}', pointer);
  const keys = Object.keys(input);
  for (const key of keys) checkKey(key, `${pointer}/${pointerToken(key)}`);
  for (const kind of ['and', 'or', 'not'] as const) {
    if (!Object.hasOwn(input, kind)) continue;
    const extra = keys.find((k) => k !== kind);
    if (extra !== undefined)
      throw new QueryError('FILTER_INVALID', `${quote(kind)} must be the only key of its object`, `${pointer}/${pointerToken(extra)}`);
    const inner = `${pointer}/${kind}`;
    if (kind === 'not') return { kind, item: parseNode(input.not, inner, depth + 1, budget), pointer };
    return { kind, items: parseGroup(input[kind], inner, depth, budget), pointer };
  }
  return parseCondition(input, keys, pointer, budget);
}

function parseGroup(items: unknown, pointer: string, depth: number, budget: Budget): FilterNode[] {
  if (!Array.isArray(items)) throw new QueryError('FILTER_INVALID', 'and / or take a list of filters', pointer);
  if (items.length > FILTER_LIMITS.groupItems)
    throw new QueryError('FILTER_TOO_COMPLEX', `and / or take at most ${FILTER_LIMITS.groupItems} filters`, pointer);
  const nodes: FilterNode[] = [];
  for (let i = 0; i < items.length; i += 1) nodes.push(parseNode(items[i], `${pointer}/${i}`, depth + 1, budget));
  return nodes;
}

function parseCondition(input: Record<string, unknown>, keys: string[], pointer: string, budget: Budget): FilterNode {
  const unknownKey = keys.find((k) => !CONDITION_KEYS.has(k));
  if (unknownKey !== undefined)
    throw new QueryError(
      'FILTER_INVALID',
      `Unknown key ${quote(unknownKey)}: a condition is {field, op, value}`,
      `${pointer}/${pointerToken(unknownKey)}`,
    );
  budget.conditions += 1;
  if (budget.conditions > FILTER_LIMITS.conditions)
    throw new QueryError('FILTER_TOO_COMPLEX', `A filter may have at most ${FILTER_LIMITS.conditions} conditions`, pointer);
  const { field, op, value } = input;
  if (typeof field !== 'string') throw new QueryError('FILTER_INVALID', 'A condition needs a field name', `${pointer}/field`);
  if (typeof op !== 'string') throw new QueryError('FILTER_INVALID', 'A condition needs an operator', `${pointer}/op`);
  if (!OPS.has(op)) throw new QueryError('FILTER_OPERATOR_NOT_ALLOWED', `Unknown operator ${quote(op)}`, `${pointer}/op`);
  checkOperand(value, `${pointer}/value`);
  return { kind: 'condition', field, op: op as FilterOp, value, hasValue: value !== undefined, pointer };
}

function checkKey(key: string, pointer: string): void {
  if (key.startsWith('$') || key.includes('.') || FORBIDDEN_KEYS.has(key)) {
    throw new QueryError(
      'FILTER_INVALID',
      `The key ${quote(key)} is not allowed: filters use field, op and value, never database operators`,
      pointer,
    );
  }
}

/** The operand is a scalar or a flat list of scalars, whatever the operator. */
function checkOperand(value: unknown, pointer: string): void {
  if (Array.isArray(value)) {
    if (value.length > FILTER_LIMITS.listValues)
      throw new QueryError('FILTER_TOO_COMPLEX', `A list may hold at most ${FILTER_LIMITS.listValues} values`, pointer);
    for (let i = 0; i < value.length; i += 1) checkScalar(value[i], `${pointer}/${i}`);
    return;
  }
  if (value !== undefined) checkScalar(value, pointer);
}

function checkScalar(value: unknown, pointer: string): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number' && Number.isFinite(value)) return;
  if (typeof value === 'string') {
    if (value.length <= FILTER_LIMITS.stringLength) return;
    throw new QueryError('FILTER_VALUE_INVALID', `A value may be at most ${FILTER_LIMITS.stringLength} characters long`, pointer);
  }
  throw new QueryError('FILTER_VALUE_INVALID', 'A value must be a string, number, boolean or a list of them', pointer);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
