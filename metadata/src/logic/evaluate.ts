import jsonLogic, { type AdditionalOperation, type RulesLogic } from 'json-logic-js';
import type { Registry } from '../registry.js';
import { pointerSegment } from '../schema/problems.js';
import { checkLogic } from './check-logic.js';
import { INTERNAL, LIST_OPERATIONS, installOperation, installPlatformOperations, isPlatformOperation } from './core-ops.js';
import { runWithBudget } from './limits.js';
import { LogicError } from './logic-error.js';
import type { LogicOperation } from './operations.js';
import { copyExpression, frozenCopy } from './safe-values.js';

export { EVAL_LIMITS } from './limits.js';
export { LogicError, type LogicErrorCode } from './logic-error.js';

/** An expression checked once, ready to run against any number of data objects. */
export type CompiledLogic = (data: Record<string, unknown>) => unknown;

/**
 * Evaluates a json-logic expression the way the server and every browser do, so the
 * two can never disagree. json-logic-js's semantics (truthiness, var with dotted paths
 * and defaults, if chains, missing, map/filter/reduce/all/some/none, in, cat, substr,
 * merge) hold, hardened:
 *
 * - only operations in `operations` with a fitting number of arguments, within
 *   LOGIC_LIMITS, and only literal var paths (checkLogic), else LogicError
 *   LOGIC_NOT_ALLOWED / LOGIC_TOO_LARGE with the JSON pointer of the offending node;
 * - against a deep-frozen JSON-shaped copy of `data`; a var path never reaches an
 *   inherited member or a `__proto__` / `constructor` / `prototype` key (null instead);
 * - exact decimal arithmetic and comparison: decimal strings and numbers in, a number
 *   (safe integers) or a canonical decimal string out, null for no number (x / 0),
 *   never NaN or Infinity. Arithmetic with any operand that is not numeric (null, '',
 *   text, booleans, lists) gives null, as a blank does in SQL; a comparison with one
 *   keeps JavaScript's rules, as json-logic does (null < 1);
 * - missing, missing_some, cat, substr, in, == and < never run anything found in the
 *   data (json-logic-js would evaluate a data value as logic, or call its toString);
 * - within EVAL_LIMITS (LogicError LOGIC_TOO_LARGE).
 *
 * Pure and synchronous; uses no Node built-ins. `data` must be JSON-like (Dates become
 * ISO strings); nested deeper than 100 levels or self-referencing, it throws TypeError.
 * An error thrown by a plugin's operation passes through unchanged, and so does the
 * Error for two different implementations of one operation name (installLogicOperations).
 */
export function evaluateLogic(expr: unknown, data: Record<string, unknown>, operations: Registry<LogicOperation>): unknown {
  return compileLogic(expr, operations)(data);
}

/**
 * Checks and prepares an expression once (throwing LogicError as evaluateLogic does)
 * and returns a function that evaluates it; for row filters and rules run per record.
 * The expression is copied first, so later changes to it do not affect the result.
 */
export function compileLogic(expr: unknown, operations: Registry<LogicOperation>): CompiledLogic {
  installPlatformOperations();
  const copy = copyExpression(expr);
  const [problem] = checkLogic(copy, { operations, knownVar: () => true, at: '' });
  if (problem) {
    throw new LogicError(problem.code === 'LOGIC_TOO_LARGE' ? 'LOGIC_TOO_LARGE' : 'LOGIC_NOT_ALLOWED', problem.pointer, problem.message);
  }
  const logic = prepare(copy, '', operations) as RulesLogic<AdditionalOperation>;
  return (data) => runWithBudget(() => settle(jsonLogic.apply(logic, frozenCopy(data))));
}

/** json-logic's truthiness: false for false, null, 0, '' and [] (unlike JavaScript, where [] is true). */
export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}

/**
 * Installs every implementation `operations` carries now rather than on first use, so
 * that a conflict between two plugins fails at start-up instead of in a request.
 */
export function installLogicOperations(operations: Registry<LogicOperation>): void {
  installPlatformOperations();
  for (const [name, operation] of operations.entries()) {
    if (operation.apply) installOperation(name, operation.apply);
  }
}

/**
 * Makes sure every operation in a checked expression has an implementation, and
 * routes the inputs of map & co., cat and merge through operations that enforce
 * EVAL_LIMITS and know their pointer.
 */
function prepare(node: unknown, at: string, operations: Registry<LogicOperation>): unknown {
  if (Array.isArray(node)) return node.map((item, i) => prepare(item, `${at}/${i}`, operations));
  if (node === null || typeof node !== 'object') return node;
  const name = Object.keys(node)[0]!; // checkLogic allowed only one-key objects
  const raw = (node as Record<string, unknown>)[name];
  const opAt = `${at}/${pointerSegment(name)}`;
  const operation = operations.require(name);
  if (operation.apply) installOperation(name, operation.apply);
  else if (!isPlatformOperation(name)) throw new LogicError('LOGIC_NOT_ALLOWED', opAt, `operation "${name}" has no implementation`);
  const args = Array.isArray(raw) ? raw.map((arg, i) => prepare(arg, `${opAt}/${i}`, operations)) : [prepare(raw, opAt, operations)];
  if (LIST_OPERATIONS.has(name)) return { [name]: [{ [INTERNAL.list]: [`${opAt}/0`, args[0]] }, ...args.slice(1)] };
  if (name === 'cat') return { [INTERNAL.cat]: [opAt, ...args] };
  if (name === 'merge') return { [INTERNAL.merge]: [opAt, ...args] };
  return { [name]: args };
}

/** The last line of defence for "never undefined, NaN or Infinity" at the top level. */
function settle(result: unknown): unknown {
  if (result === undefined) return null;
  return typeof result === 'number' && !Number.isFinite(result) ? null : result;
}
