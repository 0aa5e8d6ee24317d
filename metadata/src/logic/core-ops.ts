import jsonLogic from 'json-logic-js';
import { add, compareChain, divide, isNumeric, looseEquals, maximum, minimum, multiply, remainder, subtract } from './decimal-ops.js';
import { spendList, spendText } from './limits.js';
import { PROTOTYPE_KEYS, frozenCopy, joinText, toText } from './safe-values.js';

/** The shape json-logic-js calls an operation with: the evaluated arguments. */
export type Implementation = (...args: unknown[]) => unknown;

/** Operations json-logic-js runs inside apply() itself, over a list given as their first argument. */
export const LIST_OPERATIONS: ReadonlySet<string> = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

/**
 * Operations the evaluator writes into a prepared expression in place of a list's
 * input, cat and merge, so that a limit they hit is reported at the right pointer
 * (their first argument). No registry names them, so no expression can.
 */
export const INTERNAL = { list: 'metacrm:list', cat: 'metacrm:cat', merge: 'metacrm:merge' } as const;

// json-logic-js keeps these as they are: they never coerce, so they cannot be tricked.
const KEPT = ['if', '?:', 'and', 'or', ...LIST_OPERATIONS, '===', '!==', '!', '!!'];

/**
 * The platform's replacements for json-logic-js's own operations: exact decimals,
 * prototype-safe var, coercions that never call a method found in the data, work
 * caps, and a missing / missing_some that never evaluate data as logic (json-logic-js
 * passes each key through apply(), so a key from the data would run as an expression).
 */
const OVERRIDES: Record<string, Implementation> = {
  var: safeVar,
  missing,
  missing_some: missingSome,
  '==': (a, b) => looseEquals(a, b),
  '!=': (a, b) => !looseEquals(a, b),
  '<': (...args) => compareChain('<', args),
  '<=': (...args) => compareChain('<=', args),
  '>': (...args) => compareChain('>', args),
  '>=': (...args) => compareChain('>=', args),
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': remainder,
  min: minimum,
  max: maximum,
  in: within,
  substr,
  cat: (...parts) => concatenate('', parts),
  merge: (...lists) => mergeLists('', lists),
  [INTERNAL.list]: (at, list) => guardList(at as string, list),
  [INTERNAL.cat]: (at, ...parts) => concatenate(at as string, parts),
  [INTERNAL.merge]: (at, ...lists) => mergeLists(at as string, lists),
};

const INTERNAL_NAMES: ReadonlySet<string> = new Set(Object.values(INTERNAL));
const PLATFORM_NAMES: ReadonlySet<string> = new Set([...Object.keys(OVERRIDES), ...KEPT].filter((name) => !INTERNAL_NAMES.has(name)));
const PLATFORM = Symbol('platform implementation');
/** Name → the implementation installed into json-logic-js's global table under it. */
const installed = new Map<string, Implementation | typeof PLATFORM>();

/**
 * True for the operations the platform implements (json-logic's own, hardened), which a
 * registry may allow without carrying an implementation.
 */
export function isPlatformOperation(name: string): boolean {
  return PLATFORM_NAMES.has(name);
}

/** Puts the platform's implementations into json-logic-js, once. */
export function installPlatformOperations(): void {
  if (installed.size > 0) return;
  for (const [name, implementation] of Object.entries(OVERRIDES)) jsonLogic.add_operation(name, implementation);
  for (const name of [...Object.keys(OVERRIDES), ...KEPT]) installed.set(name, PLATFORM);
}

/**
 * Installs a registry's implementation of `name` into json-logic-js, whose operation
 * table is global: the same function again is a no-op, any other one for a name that
 * already has one (the platform's included) throws, so two plugins can never silently
 * replace each other or the hardened built-ins. Results are passed through the same
 * JSON-shaped frozen copy as the data: never NaN, Infinity or undefined.
 */
export function installOperation(name: string, implementation: Implementation): void {
  installPlatformOperations();
  // json-logic-js looks operations up with operations.hasOwnProperty(op): an operation
  // named after an Object.prototype member would break every evaluation.
  if (name in Object.prototype) throw new Error(`json-logic operation "${name}" would shadow Object.prototype.${name}`);
  const current = installed.get(name);
  if (current === implementation) return;
  if (current !== undefined) {
    throw new Error(`json-logic operation "${name}" already has ${current === PLATFORM ? "the platform's" : 'a different'} implementation`);
  }
  // An arrow function: json-logic-js binds the data to `this`, which a plugin must not see.
  jsonLogic.add_operation(name, (...args: unknown[]) => frozenCopy(implementation(...args)));
  installed.set(name, implementation);
}

/** json-logic's var, stepping only through own properties and never through `__proto__`, `constructor` or `prototype`. */
function safeVar(this: unknown, path?: unknown, fallback?: unknown): unknown {
  return readPath(this, path, fallback === undefined ? null : fallback);
}

function readPath(data: unknown, path: unknown, notFound: unknown): unknown {
  if (path === undefined || path === null || path === '') return data;
  let current = data;
  for (const key of toText(path).split('.')) {
    if (current === null || current === undefined || PROTOTYPE_KEYS.has(key) || !Object.hasOwn(Object(current), key)) return notFound;
    current = (current as Record<string, unknown>)[key];
  }
  return current === undefined ? notFound : current;
}

function missing(this: unknown, ...args: unknown[]): unknown[] {
  const keys = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return keys.filter((key) => {
    const value = readPath(this, key, null);
    return value === null || value === '';
  });
}

function missingSome(this: unknown, need: unknown, keys: unknown): unknown[] {
  const list = Array.isArray(keys) ? keys : [];
  const absent = missing.call(this, list);
  return isNumeric(need) && list.length - absent.length >= Number(need) ? [] : absent;
}

function within(needle: unknown, haystack: unknown): boolean {
  if (typeof haystack === 'string') return haystack.includes(toText(needle));
  return Array.isArray(haystack) && haystack.includes(needle);
}

/** json-logic's substr, with PHP's negative length (drop that many from the end); null gives ''. */
function substr(source: unknown, start: unknown, length?: unknown): string {
  const text = joinText(source);
  const offset = integerOf(start);
  const from = offset < 0 ? Math.max(text.length + offset, 0) : Math.min(offset, text.length);
  if (length === undefined) return text.slice(from);
  const count = integerOf(length);
  return text.slice(from, count < 0 ? Math.max(from, text.length + count) : from + count);
}

function integerOf(value: unknown): number {
  return isNumeric(value) ? Math.trunc(Number(value)) : 0;
}

function concatenate(at: string, parts: unknown[]): string {
  const texts = parts.map((part) => joinText(part, at));
  spendText(
    texts.reduce((size, text) => size + text.length, 0),
    at,
  );
  return texts.join('');
}

function mergeLists(at: string, lists: unknown[]): unknown[] {
  spendList(
    lists.reduce<number>((size, list) => size + (Array.isArray(list) ? list.length : 1), 0),
    at,
  );
  return lists.flatMap((list) => (Array.isArray(list) ? (list as unknown[]) : [list]));
}

function guardList(at: string, list: unknown): unknown {
  if (Array.isArray(list)) spendList(list.length, at);
  return list;
}
