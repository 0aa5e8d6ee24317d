import { checkLogic } from '../logic/check-logic.js';
import { RELATIVE_PERIOD } from '../system-fields.js';
import type { Problem } from '../schema/problems.js';
import type { BundleRegistries } from './bundle-types.js';
import type { EntityIndex } from './entity-index.js';

/** Checks a json-logic expression evaluated against records of `entity`. */
export function checkRecordLogic(expr: unknown, entity: string, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  if (expr === undefined) return [];
  return checkLogic(expr, { operations: registries.operations, knownVar: (path) => index.knownVar(entity, path), at });
}

type FilterNode = { and?: FilterNode[]; or?: FilterNode[]; not?: FilterNode; field?: string; op?: string; value?: unknown };

/**
 * Checks a filter over records of `entity`: each condition names a field that exists
 * and an operator its type allows, with an operand of the right shape.
 */
export function checkFilter(filter: unknown, entity: string, at: string, index: EntityIndex): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: FilterNode, here: string): void => {
    if (node.and) return node.and.forEach((n, i) => visit(n, `${here}/and/${i}`));
    if (node.or) return node.or.forEach((n, i) => visit(n, `${here}/or/${i}`));
    if (node.not) return visit(node.not, `${here}/not`);
    if (node.field === undefined || node.op === undefined) return;
    const traits = index.traits(entity, node.field);
    if (!traits) {
      problems.push({
        pointer: `${here}/field`,
        code: 'UNKNOWN_FIELD',
        message: `"${node.field}" is not a field of ${entity}`,
        params: { entity, field: node.field },
      });
      return;
    }
    if (!traits.operators.includes(node.op as never)) {
      problems.push({
        pointer: `${here}/op`,
        code: 'OPERATOR_NOT_ALLOWED',
        message: `"${node.op}" cannot be used on a ${traits.type} field`,
        params: { allowed: traits.operators },
      });
      return;
    }
    const shape = operandProblem(node.op, node.value);
    if (shape) problems.push({ pointer: `${here}/value`, code: 'WRONG_TYPE', message: shape });
  };
  if (filter !== undefined) visit(filter as FilterNode, at);
  return problems;
}

function operandProblem(op: string, value: unknown): string | undefined {
  switch (op) {
    case 'isEmpty':
    case 'isNotEmpty':
      return value === undefined ? undefined : `${op} takes no value`;
    case 'in':
    case 'nin':
      return Array.isArray(value) && value.length <= 500 ? undefined : `${op} takes a list of at most 500 values`;
    case 'between':
      return Array.isArray(value) && value.length === 2 ? undefined : 'between takes [from, to]';
    case 'relative':
      return typeof value === 'string' && RELATIVE_PERIOD.test(value)
        ? undefined
        : 'relative takes a period such as last_7_days or this_quarter';
    default:
      return value === undefined || (typeof value === 'object' && value !== null) ? `${op} takes one value` : undefined;
  }
}

/** Checks that `field` is a field (or system field) of `entity`. */
export function checkFieldRef(entity: string, field: string, at: string, index: EntityIndex): Problem[] {
  if (index.traits(entity, field)) return [];
  return [{ pointer: at, code: 'UNKNOWN_FIELD', message: `"${field}" is not a field of ${entity}`, params: { entity, field } }];
}

/** Checks that `entity` exists. */
export function checkEntityRef(entity: string, at: string, index: EntityIndex): Problem[] {
  if (index.hasEntity(entity)) return [];
  return [{ pointer: at, code: 'UNKNOWN_ENTITY', message: `no entity "${entity}"`, params: { entity } }];
}
