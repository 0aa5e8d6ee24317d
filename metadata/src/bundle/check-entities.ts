import { isFormulaField, isRecordReference } from '../fields/field-kinds.js';
import { varsOf } from '../logic/check-logic.js';
import { fieldTraits } from '../fields/field-types.js';
import { patternProblem } from '../fields/linear-pattern.js';
import { pointer, pointerSegment, type Problem } from '../schema/problems.js';
import type { BundleRegistries, Entity, Field } from './bundle-types.js';
import { checkEntityRef, checkFieldRef, checkFilter, checkRecordLogic } from './check-expressions.js';
import { checkDuplicateRules } from './check-duplicate-rules.js';
import type { EntityIndex } from './entity-index.js';

type AnyField = Field & Record<string, unknown>;

/** Cross-reference checks of one entity and its fields. */
export function checkEntity(entity: Entity, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  const problems: Problem[] = [];
  problems.push(...checkFieldRef(entity.key, entity.displayField, `${at}/displayField`, index));
  entity.highlightFields?.forEach((f, i) => problems.push(...checkFieldRef(entity.key, f, `${at}/highlightFields/${i}`, index)));
  entity.fields.forEach((f, i) => problems.push(...checkField(entity, f as AnyField, `${at}/fields/${i}`, index, registries)));
  entity.indexes?.forEach((ix, i) =>
    ix.fields.forEach((f, j) => problems.push(...checkFieldRef(entity.key, f.field, `${at}/indexes/${i}/fields/${j}/field`, index))),
  );
  problems.push(...checkDuplicateRules(entity, at, index));
  problems.push(...formulaCycles(entity, at, registries));
  return problems;
}

function checkField(entity: Entity, field: AnyField, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  const problems: Problem[] = [];
  const traits = fieldTraits(field, registries.fieldTypes);
  if (!traits) {
    problems.push({ pointer: `${at}/type`, code: 'UNKNOWN_VARIANT', message: `unknown field type "${field.type}"` });
    return problems;
  }
  if (traits.computed && field.required) {
    problems.push({ pointer: `${at}/required`, code: 'INVALID', message: 'a computed field cannot be required' });
  }
  problems.push(...checkRecordLogic(field.default, entity.key, `${at}/default`, index, registries));
  // What each kind of type refers to, asked of its declared capabilities.
  if (traits.reference === 'record') {
    const target = String(field.target);
    problems.push(...checkEntityRef(target, `${at}/target`, index));
    if (field.displayField !== undefined && index.hasEntity(target)) {
      problems.push(...checkFieldRef(target, String(field.displayField), `${at}/displayField`, index));
    }
  }
  if (traits.compute === 'expression')
    problems.push(...checkRecordLogic(field.expression, entity.key, `${at}/expression`, index, registries));
  if (traits.compute === 'rollup') problems.push(...checkRollup(entity, field, at, index));
  if (traits.options) {
    problems.push(...duplicateKeys((field.options as { key: string }[]) ?? [], `${at}/options`));
    if (field.process !== undefined) problems.push(...checkProcess(entity, field, at, index));
  }
  if (typeof field.pattern === 'string') problems.push(...checkPattern(field.pattern, `${at}/pattern`));
  return problems;
}

function checkRollup(entity: Entity, field: AnyField, at: string, index: EntityIndex): Problem[] {
  const child = String(field.entity);
  const missing = checkEntityRef(child, `${at}/entity`, index);
  if (missing.length > 0) return missing;
  const problems: Problem[] = [];
  const via = index.field(child, String(field.via));
  if (!via) {
    problems.push(...checkFieldRef(child, String(field.via), `${at}/via`, index));
  } else if (!isRecordReference(via) || (via as AnyField).target !== entity.key) {
    problems.push({
      pointer: `${at}/via`,
      code: 'FIELD_TYPE_MISMATCH',
      message: `"${String(field.via)}" must be a lookup of ${child} that points at ${entity.key}`,
    });
  }
  if (field.function !== 'count') {
    if (field.field === undefined) {
      problems.push({ pointer: `${at}/field`, code: 'REQUIRED', message: `${String(field.function)} needs the child field to summarize` });
    } else {
      const traits = index.traits(child, String(field.field));
      if (!traits) problems.push(...checkFieldRef(child, String(field.field), `${at}/field`, index));
      else if (field.function === 'sum' ? !traits.numeric : !traits.ordered) {
        problems.push({
          pointer: `${at}/field`,
          code: 'FIELD_TYPE_MISMATCH',
          message: `cannot ${String(field.function)} a ${traits.type} field`,
        });
      }
    }
  }
  problems.push(...checkFilter(field.filter, child, `${at}/filter`, index));
  return problems;
}

/** A process's stages and next stages are options of the field; its required fields are writable fields of the entity. */
function checkProcess(entity: Entity, field: AnyField, at: string, index: EntityIndex): Problem[] {
  const problems: Problem[] = [];
  const options = new Set(((field.options as { key: string }[]) ?? []).map((o) => o.key));
  const stages = (field.process as { stages: Record<string, { requiredFields?: string[]; next?: string[] }> }).stages;
  const notAnOption = (key: string, where: string) => ({
    pointer: where,
    code: 'NOT_ALLOWED_VALUE' as const,
    message: `"${key}" is not an option of ${field.key}`,
    params: { option: key },
  });
  for (const [stage, settings] of Object.entries(stages)) {
    const here = `${at}/process/stages/${pointerSegment(stage)}`;
    if (!options.has(stage)) problems.push(notAnOption(stage, here));
    settings.next?.forEach((next, i) => {
      if (!options.has(next)) problems.push(notAnOption(next, `${here}/next/${i}`));
    });
    settings.requiredFields?.forEach((key, i) => {
      const where = `${here}/requiredFields/${i}`;
      const traits = index.traits(entity.key, key);
      if (!traits) problems.push(...checkFieldRef(entity.key, key, where, index));
      else if (traits.computed)
        problems.push({ pointer: where, code: 'INVALID', message: `${key} is computed: a stage cannot require it` });
    });
  }
  return problems;
}

/** Formulas may read other formulas, but never in a circle. */
function formulaCycles(entity: Entity, at: string, registries: BundleRegistries): Problem[] {
  const formulas = new Map<string, string[]>();
  entity.fields.forEach((f) => {
    if (isFormulaField(f, registries.fieldTypes)) formulas.set(f.key, varsOf((f as AnyField).expression, registries.operations));
  });
  const problems: Problem[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string, chain: string[]): void => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(key)), key];
      const position = entity.fields.findIndex((f) => f.key === key);
      problems.push({
        pointer: `${at}${pointer('fields', position, 'expression')}`,
        code: 'FORMULA_CYCLE',
        message: `formulas depend on each other in a circle: ${cycle.join(' → ')}`,
        params: { cycle },
      });
      return;
    }
    state.set(key, 'visiting');
    for (const dep of formulas.get(key) ?? []) if (formulas.has(dep)) visit(dep, [...chain, key]);
    state.set(key, 'done');
  };
  for (const key of formulas.keys()) visit(key, []);
  return problems;
}

/** Items of a list must have distinct keys. */
export function duplicateKeys(items: { key: string }[], at: string): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  items.forEach((item, i) => {
    if (seen.has(item.key))
      problems.push({
        pointer: `${at}/${i}/key`,
        code: 'DUPLICATE_KEY',
        message: `"${item.key}" is used twice`,
        params: { key: item.key },
      });
    seen.add(item.key);
  });
  return problems;
}

/**
 * Refuses a field pattern that the linear-time engine records run it in (RE2) cannot
 * take, or that is not a valid JSON Schema (JavaScript `u`) pattern.
 */
export function checkPattern(pattern: string, at: string): Problem[] {
  const problem = patternProblem(pattern);
  return problem === undefined ? [] : [{ pointer: at, ...problem }];
}
