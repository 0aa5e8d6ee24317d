import { pointerSegment } from '../schema/problems.js';
import { EVAL_LIMITS } from './limits.js';
import { LogicError } from './logic-error.js';

/** Keys naming JavaScript object internals: never copied, never stepped through by var. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DATA_DEPTH = 100;
// Only a guard for the stack and for self-referencing objects: checkLogic applies the
// real LOGIC_LIMITS to the copy, with the exact pointer.
const EXPRESSION_COPY_LIMITS = { depth: 1000, nodes: 100_000 };

/**
 * A deep-frozen, JSON-shaped copy of the data an expression reads, made fresh for each
 * evaluation so that nothing it does can reach the caller's objects. JSON-shaped
 * rather than structuredClone: NaN and Infinity become null, Dates become ISO strings,
 * undefined, functions and symbols are dropped as JSON.stringify drops them, and keys
 * such as `__proto__` are left out. Throws TypeError for data nested deeper than 100
 * levels, which also catches objects that refer to themselves.
 */
export function frozenCopy(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null; // + 0 turns -0 into 0
    case 'bigint':
      return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value.toString();
    case 'object':
      return value === null ? null : copyObject(value, depth);
    default:
      return null;
  }
}

function copyObject(value: object, depth: number): unknown {
  if (depth >= MAX_DATA_DEPTH) {
    throw new TypeError(`evaluation data is nested deeper than ${MAX_DATA_DEPTH} levels or refers to itself`);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++) list.push(frozenCopy(value[i], depth + 1));
    return Object.freeze(list);
  }
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) continue;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    record[key] = frozenCopy(item, depth + 1);
  }
  return Object.freeze(record);
}

/**
 * A plain copy of an expression, reading every property of the original exactly once,
 * so that what is checked is what runs: a getter or proxy cannot show checkLogic one
 * thing and json-logic another. Refuses values JSON has no form for (undefined,
 * functions, NaN, ...) with LOGIC_NOT_ALLOWED at their pointer.
 */
export function copyExpression(expr: unknown): unknown {
  let nodes = 0;
  const copy = (node: unknown, at: string, depth: number): unknown => {
    nodes++;
    if (nodes > EXPRESSION_COPY_LIMITS.nodes || depth > EXPRESSION_COPY_LIMITS.depth) {
      throw new LogicError('LOGIC_TOO_LARGE', at, 'the expression is far too large, or refers to itself');
    }
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return node;
    if (typeof node === 'number' && Number.isFinite(node)) return node;
    if (Array.isArray(node)) {
      const list: unknown[] = [];
      for (let i = 0; i < node.length; i++) list.push(copy(node[i], `${at}/${i}`, depth + 1));
      return list;
    }
    if (typeof node === 'object') {
      const record = {};
      for (const key of Object.keys(node)) {
        const value = copy((node as Record<string, unknown>)[key], `${at}/${pointerSegment(key)}`, depth + 1);
        // defineProperty, not assignment: a key "__proto__" must stay an own key for checkLogic to refuse.
        Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return record;
    }
    throw new LogicError('LOGIC_NOT_ALLOWED', at, 'not a JSON value');
  };
  return copy(expr, '', 0);
}

/**
 * String(value) as JavaScript gives it, for the operations json-logic lets coerce
 * (cat, substr, in, ==, <), without looking up any method on the value: data may carry
 * an own `toString` key, and String() would then throw. A list's text is capped at
 * EVAL_LIMITS.stringLength (LOGIC_TOO_LARGE at `at`).
 */
export function toText(value: unknown, at = ''): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return listText(value, at);
  if (value !== null && typeof value === 'object') return '[object Object]';
  return String(value);
}

/** Like toText, but null gives '' as Array.prototype.join does (json-logic's cat). */
export function joinText(value: unknown, at = ''): string {
  return value === null || value === undefined ? '' : toText(value, at);
}

function listText(list: readonly unknown[], at: string): string {
  const parts: string[] = [];
  let length = -1;
  for (const item of list) {
    const part = joinText(item, at);
    length += part.length + 1;
    if (length > EVAL_LIMITS.stringLength) {
      throw new LogicError('LOGIC_TOO_LARGE', at, `text of a list is longer than ${EVAL_LIMITS.stringLength} characters`);
    }
    parts.push(part);
  }
  return parts.join(',');
}
