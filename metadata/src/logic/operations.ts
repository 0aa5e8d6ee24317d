import { Registry } from '../registry.js';

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
}

const many = Number.MAX_SAFE_INTEGER;
const BUILT_IN: [string, number, number, number?][] = [
  ['var', 0, 2], ['missing', 0, many], ['missing_some', 2, 2],
  ['if', 1, many], ['?:', 3, 3],
  ['==', 2, 2], ['===', 2, 2], ['!=', 2, 2], ['!==', 2, 2], ['!', 1, 1], ['!!', 1, 1],
  ['or', 1, many], ['and', 1, many],
  ['>', 2, 2], ['>=', 2, 2], ['<', 2, 3], ['<=', 2, 3],
  ['max', 1, many], ['min', 1, many],
  ['+', 1, many], ['-', 1, 2], ['*', 1, many], ['/', 2, 2], ['%', 2, 2],
  ['map', 2, 2, 1], ['filter', 2, 2, 1], ['reduce', 2, 3, 1], ['all', 2, 2, 1], ['none', 2, 2, 1], ['some', 2, 2, 1],
  ['merge', 0, many], ['in', 2, 2], ['cat', 0, many], ['substr', 2, 3],
];

/** The allowlisted operations; plugins and later domains (dates, text) register more. */
export function createLogicOperationRegistry(): Registry<LogicOperation> {
  const registry = new Registry<LogicOperation>('json-logic operation');
  for (const [name, minArgs, maxArgs, itemScopedArg] of BUILT_IN) {
    registry.register(name, { name, minArgs, maxArgs, ...(itemScopedArg === undefined ? {} : { itemScopedArg }) });
  }
  return registry;
}
