import type { Registry } from '../registry.js';
import { pointerSegment, type Problem } from '../schema/problems.js';
import type { LogicOperation } from './operations.js';

export const LOGIC_LIMITS = { depth: 24, nodes: 2000, stringLength: 2000 } as const;

export interface LogicCheckOptions {
  operations: Registry<LogicOperation>;
  /** Says whether a var path names something that exists in this context. */
  knownVar: (path: string) => boolean;
  /** JSON pointer of the expression inside the document, for problem locations. */
  at: string;
}

/**
 * Checks a json-logic expression without running it: every operation allowlisted with
 * a fitting number of arguments, every var a literal path that exists, and the whole
 * within size and depth limits. Returns the problems found; empty when it is safe.
 */
export function checkLogic(expr: unknown, options: LogicCheckOptions): Problem[] {
  const problems: Problem[] = [];
  let nodes = 0;
  const visit = (node: unknown, at: string, depth: number, itemScope: boolean): void => {
    nodes++;
    if (nodes > LOGIC_LIMITS.nodes || depth > LOGIC_LIMITS.depth) {
      if (!problems.some((p) => p.code === 'LOGIC_TOO_LARGE')) {
        problems.push({
          pointer: at,
          code: 'LOGIC_TOO_LARGE',
          message: `expression exceeds ${LOGIC_LIMITS.nodes} nodes or depth ${LOGIC_LIMITS.depth}`,
        });
      }
      return;
    }
    if (node === null || typeof node === 'boolean' || typeof node === 'number') return;
    if (typeof node === 'string') {
      if (node.length > LOGIC_LIMITS.stringLength) problems.push({ pointer: at, code: 'LOGIC_TOO_LARGE', message: 'string too long' });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${at}/${i}`, depth + 1, itemScope));
      return;
    }
    if (typeof node !== 'object') {
      problems.push({ pointer: at, code: 'LOGIC_NOT_ALLOWED', message: 'not a JSON value' });
      return;
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      problems.push({ pointer: at, code: 'LOGIC_NOT_ALLOWED', message: 'an operation is an object with exactly one key' });
      return;
    }
    const name = keys[0]!;
    const opAt = `${at}/${pointerSegment(name)}`;
    const op = options.operations.get(name);
    if (!op) {
      problems.push({
        pointer: opAt,
        code: 'LOGIC_NOT_ALLOWED',
        message: `operation "${name}" is not allowed`,
        params: { operation: name },
      });
      return;
    }
    const raw = (node as Record<string, unknown>)[name];
    const args = Array.isArray(raw) ? raw : [raw];
    if (args.length < op.minArgs || args.length > op.maxArgs) {
      problems.push({
        pointer: opAt,
        code: 'LOGIC_NOT_ALLOWED',
        message: `"${name}" takes ${op.minArgs}${op.maxArgs === op.minArgs ? '' : ` to ${op.maxArgs === Number.MAX_SAFE_INTEGER ? 'any number of' : op.maxArgs}`} arguments`,
      });
      return;
    }
    if (name === 'var') {
      checkVar(args, Array.isArray(raw) ? `${opAt}/0` : opAt, itemScope);
      if (args.length > 1) visit(args[1], `${opAt}/1`, depth + 1, itemScope);
      return;
    }
    args.forEach((arg, i) => {
      const argAt = Array.isArray(raw) ? `${opAt}/${i}` : opAt;
      visit(arg, argAt, depth + 1, itemScope || i === op.itemScopedArg);
    });
  };
  const checkVar = (args: unknown[], at: string, itemScope: boolean) => {
    const path = args[0] ?? '';
    if (typeof path === 'number' && itemScope) return;
    if (typeof path !== 'string') {
      problems.push({ pointer: at, code: 'LOGIC_NOT_ALLOWED', message: 'var takes a literal path' });
      return;
    }
    if (itemScope) return; // refers to the list item, whose shape is not known here
    if (!options.knownVar(path)) {
      problems.push({ pointer: at, code: 'UNKNOWN_VARIABLE', message: `"${path}" is not a field or variable here`, params: { var: path } });
    }
  };
  visit(expr, options.at, 0, false);
  return problems;
}

/** Every literal var path the expression reads outside list-item scopes. */
export function varsOf(expr: unknown, operations: Registry<LogicOperation>): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, itemScope: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, itemScope));
    if (node === null || typeof node !== 'object') return;
    const [name] = Object.keys(node);
    if (name === undefined) return;
    const raw = (node as Record<string, unknown>)[name];
    const args = Array.isArray(raw) ? raw : [raw];
    if (name === 'var') {
      if (!itemScope && typeof args[0] === 'string') found.add(args[0]);
      return;
    }
    const op = operations.get(name);
    args.forEach((arg, i) => visit(arg, itemScope || i === op?.itemScopedArg));
  };
  visit(expr, false);
  return [...found];
}
