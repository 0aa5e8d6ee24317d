import { Registry } from '../registry.js';
import { dateAdd, dateDiff, datePart } from './date-ops.js';
import { absolute, round } from './decimal-ops.js';
import { contains, endsWith, isEmpty, length, lower, startsWith, trim, upper } from './text-ops.js';

/**
 * One json-logic operation the platform allows. Anything not registered is refused
 * when metadata is validated and again before evaluation, so an expression can never
 * reach json-logic's `method` (which calls arbitrary methods) or anything like it.
 */
export interface LogicOperation {
  name: string;
  minArgs: number;
  maxArgs: number;
  /** Index of an argument evaluated once per item of a list (map, filter, ...): its vars refer to the item. */
  itemScopedArg?: number;
  /**
   * The implementation, for operations json-logic does not have (the platform's dates
   * and text, plugins'). It gets the evaluated arguments, never the data; it must be
   * pure, synchronous and browser-safe, since forms run it too. Installed into
   * json-logic the first time an expression uses it; another implementation under the
   * same name, in any registry, is refused then.
   */
  apply?: (...args: unknown[]) => unknown;
}

const many = Number.MAX_SAFE_INTEGER;
const BUILT_IN: [string, number, number, number?][] = [
  ['var', 0, 2],
  ['missing', 0, many],
  ['missing_some', 2, 2],
  ['if', 1, many],
  ['?:', 3, 3],
  ['==', 2, 2],
  ['===', 2, 2],
  ['!=', 2, 2],
  ['!==', 2, 2],
  ['!', 1, 1],
  ['!!', 1, 1],
  ['or', 1, many],
  ['and', 1, many],
  ['>', 2, 2],
  ['>=', 2, 2],
  ['<', 2, 3],
  ['<=', 2, 3],
  ['max', 1, many],
  ['min', 1, many],
  ['+', 1, many],
  ['-', 1, 2],
  ['*', 1, many],
  ['/', 2, 2],
  ['%', 2, 2],
  ['map', 2, 2, 1],
  ['filter', 2, 2, 1],
  ['reduce', 2, 3, 1],
  ['all', 2, 2, 1],
  ['none', 2, 2, 1],
  ['some', 2, 2, 1],
  ['merge', 0, many],
  ['in', 2, 2],
  ['cat', 0, many],
  ['substr', 2, 3],
];

/** The platform's own additions: [name, minArgs, maxArgs, implementation]. */
const PLATFORM_ADDED: [string, number, number, NonNullable<LogicOperation['apply']>][] = [
  ['date_add', 3, 3, dateAdd],
  ['date_diff', 3, 3, dateDiff],
  ['date_part', 2, 2, datePart],
  ['lower', 1, 1, lower],
  ['upper', 1, 1, upper],
  ['trim', 1, 1, trim],
  ['length', 1, 1, length],
  ['contains', 2, 2, contains],
  ['starts_with', 2, 2, startsWith],
  ['ends_with', 2, 2, endsWith],
  ['round', 1, 2, round],
  ['abs', 1, 1, absolute],
  ['is_empty', 1, 1, isEmpty],
];

/** The allowlisted operations: json-logic's own, dates, text and numbers; plugins register more. */
export function createLogicOperationRegistry(): Registry<LogicOperation> {
  const registry = new Registry<LogicOperation>('json-logic operation');
  for (const [name, minArgs, maxArgs, itemScopedArg] of BUILT_IN) {
    registry.register(name, { name, minArgs, maxArgs, ...(itemScopedArg === undefined ? {} : { itemScopedArg }) });
  }
  for (const [name, minArgs, maxArgs, apply] of PLATFORM_ADDED) {
    registry.register(name, { name, minArgs, maxArgs, apply });
  }
  return registry;
}
