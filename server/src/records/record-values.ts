import {
  evaluateLogic,
  makeProblem,
  recordProblems,
  truthy,
  varsOf,
  type BundleRegistries,
  type FormConditions,
  type Problem,
} from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import type { AnyField, CompiledEntity } from './compiled-entity.js';
import { formProblems } from './form-checks.js';
import { stageProblems } from './stage-checks.js';
import type { Values } from './record-document.js';

export interface PreparedValues {
  /** The complete values after the write: current values, the input, defaults and formulas. */
  values: Values;
  problems: Problem[];
}

/** The variables every expression sees besides the record's own fields. */
export function contextVars(actor: Actor, now: Date): Record<string, unknown> {
  return { $now: now.toISOString(), $today: now.toISOString().slice(0, 10), $user: { id: actor.id, name: actor.name } };
}

/**
 * Runs the value part of the write pipeline: refuse system, computed and unknown
 * fields; normalize; merge onto the current values; apply defaults (on create);
 * compute formulas; validate types, ranges, formats and options; check required
 * fields and validation rules; then, when a form governs the write, its conditional
 * required, hidden and read-only fields (formProblems). Problems carry a JSON pointer
 * to the field.
 */
export function prepareValues(
  compiled: CompiledEntity,
  registries: BundleRegistries,
  input: Record<string, unknown>,
  current: Values | undefined,
  actor: Actor,
  now: Date,
  form?: FormConditions,
): PreparedValues {
  const problems: Problem[] = [];
  const given: Values = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = compiled.fields.get(key);
    if (key.startsWith('_') || key === 'id') problems.push(makeProblem(`/${key}`, 'IMMUTABLE', { system: true }));
    else if (field && typeof raw === 'string' && raw.includes('\0') && compiled.traits.get(key)?.value === 'string') {
      // MongoDB stores NUL, but nothing downstream (search, exports, other systems) expects it.
      problems.push(makeProblem(`/${key}`, 'BAD_FORMAT', { nul: true }));
    } else if (field && compiled.traits.get(key)?.computed) problems.push(makeProblem(`/${key}`, 'IMMUTABLE', { computed: true }));
    else given[key] = field ? normalize(compiled, field, raw) : raw;
  }
  const nonNull = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null));
  if (!compiled.validate(nonNull))
    problems.push(...recordProblems(compiled.validate.errors ?? [], compiled.fields, nonNull, registries.fieldTypes));
  // Every later check runs too, so one answer lists every problem; values already
  // refused are left out of them (a refused field is not also "required", and a rule
  // or form condition that reads one is not judged on a value that will not be written).
  const rejected = new Set(problems.map((p) => topKey(p.pointer)));
  for (const key of rejected) delete given[key];

  const vars = contextVars(actor, now);
  const later: Problem[] = [];
  const values = computeValues(compiled, registries, { ...(current ?? {}), ...given }, current === undefined, vars, later);
  later.push(...checkValues(compiled, values, given, current));
  later.push(...stageProblems(compiled, values, given, current));
  const evaluate = evaluator(registries, values, vars, later);
  for (const rule of compiled.rules) {
    if (rejected.size > 0 && varsOf(rule.errorWhen, registries.operations).some((v) => rejected.has(v))) continue;
    if (!truthy(evaluate(rule.errorWhen, rule.fields?.[0] ?? ''))) continue;
    const pointers = rule.fields && rule.fields.length > 0 ? rule.fields.map((f) => `/${f}`) : [''];
    for (const pointer of pointers) later.push(makeProblem(pointer, 'INVALID', { rule: rule.key, message: rule.message }));
  }
  if (form?.conditional) {
    // A new record starts as a blank form shows it: defaults and formulas over no input.
    const before = current ?? computeValues(compiled, registries, {}, true, vars, []);
    later.push(...formProblems(compiled, form, before, values, given, vars));
  }
  problems.push(...later.filter((p) => !rejected.has(topKey(p.pointer))));
  return { values, problems };
}

/** The field a pointer starts at: `amount` of `/amount`, `tags` of `/tags/2`. */
function topKey(pointer: string): string {
  return pointer.split('/')[1] ?? '';
}

/** Applies defaults (on create) and computes formulas into `values`, in place. */
function computeValues(
  compiled: CompiledEntity,
  registries: BundleRegistries,
  values: Values,
  create: boolean,
  vars: Record<string, unknown>,
  problems: Problem[],
): Values {
  const evaluate = evaluator(registries, values, vars, problems);
  if (create) {
    // A new record's roll-ups start at 0 (record.service's initialRollups): its formulas read them so.
    for (const field of compiled.ownRollups)
      if (field.function === 'count' || field.function === 'sum') values[field.key] ??= field.function === 'count' ? 0 : '0';
    for (const field of compiled.defaults)
      if (values[field.key] == null) values[field.key] = normalize(compiled, field, evaluate(field.default, field.key));
  }
  for (const field of compiled.formulas) values[field.key] = coerce(compiled, field, evaluate(field.expression, field.key));
  return values;
}

/**
 * The formulas of a stored record computed again over its current values, after a
 * roll-up it reads changed without a write of its own (relations.ts). A formula that
 * cannot be computed becomes null, as it would on a write.
 */
export function recomputeFormulas(compiled: CompiledEntity, registries: BundleRegistries, values: Values, now: Date): Values {
  const vars = { $now: now.toISOString(), $today: now.toISOString().slice(0, 10), $user: null };
  const computed = computeValues(compiled, registries, { ...values }, false, vars, []);
  return Object.fromEntries(compiled.formulas.map((f) => [f.key, computed[f.key] ?? null]));
}

/** Evaluates an expression over `values` as they are at the call; a failure is a problem at `key`. */
function evaluator(
  registries: BundleRegistries,
  values: Values,
  vars: Record<string, unknown>,
  problems: Problem[],
): (expr: unknown, key: string) => unknown {
  return (expr, key) => {
    try {
      return evaluateLogic(expr, { ...values, ...vars }, registries.operations);
    } catch (err) {
      problems.push({ pointer: `/${key}`, code: 'INVALID', message: `could not be computed: ${(err as Error).message}` });
      return null;
    }
  };
}

/** Required fields, then each type's own checks (exact decimal ranges, options that were retired). */
function checkValues(compiled: CompiledEntity, values: Values, given: Values, current: Values | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const [key, field] of compiled.fields) {
    const value = values[key];
    if (field.required && !compiled.traits.get(key)?.computed && (value == null || (Array.isArray(value) && value.length === 0))) {
      problems.push(makeProblem(`/${key}`, 'REQUIRED', { label: field.label }));
    }
    if (!(key in given) || value == null) continue;
    const check = compiled.traits.get(key)?.checkValue;
    if (check) problems.push(...check(field, value, current?.[key]));
  }
  return problems;
}

/** Input normalization: '' is no value; then the type's own (decimals get the field's scale, rich text is sanitized, blank text is no value). */
function normalize(compiled: CompiledEntity, field: AnyField, value: unknown): unknown {
  if (value === undefined || value === '') return null;
  const own = compiled.traits.get(field.key)?.normalize;
  return own ? own(field, value) : value;
}

/** A formula's result in its declared type (the result type's fromResult); anything that does not fit is no value. */
function coerce(compiled: CompiledEntity, field: AnyField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const fromResult = compiled.traits.get(field.key)?.fromResult;
  if (fromResult) return fromResult(field, value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
