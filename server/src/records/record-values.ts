import { compareDecimals, evaluateLogic, makeProblem, recordProblems, truthy, varsOf, type BundleRegistries, type FormConditions, type Problem } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import type { AnyField, CompiledEntity } from './compiled-entity.js';
import { withScale } from '../record-storage/field-codec.js';
import { formProblems } from './form-checks.js';
import { sanitizeRichText } from './rich-text.js';
import { stageProblems } from './stage-checks.js';
import type { Values } from './record-document.js';

const DECIMAL = new Set(['decimal', 'currency', 'percent']);
const TEXTUAL = new Set(['text', 'long_text', 'rich_text', 'email', 'phone', 'url']);

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
export function prepareValues(compiled: CompiledEntity, registries: BundleRegistries, input: Record<string, unknown>, current: Values | undefined, actor: Actor, now: Date, form?: FormConditions): PreparedValues {
  const problems: Problem[] = [];
  const given: Values = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = compiled.fields.get(key);
    if (key.startsWith('_') || key === 'id') problems.push(makeProblem(`/${key}`, 'IMMUTABLE', { system: true }));
    else if (field && typeof raw === 'string' && raw.includes('\0') && compiled.traits.get(key)?.value === 'string') {
      // MongoDB stores NUL, but nothing downstream (search, exports, other systems) expects it.
      problems.push(makeProblem(`/${key}`, 'BAD_FORMAT', { nul: true }));
    }
    else if (field && compiled.traits.get(key)?.computed) problems.push(makeProblem(`/${key}`, 'IMMUTABLE', { computed: true }));
    else given[key] = field ? normalize(field, raw) : raw;
  }
  const nonNull = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null));
  if (!compiled.validate(nonNull)) problems.push(...recordProblems(compiled.validate.errors ?? [], compiled.fields, nonNull));
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
function computeValues(compiled: CompiledEntity, registries: BundleRegistries, values: Values, create: boolean, vars: Record<string, unknown>, problems: Problem[]): Values {
  const evaluate = evaluator(registries, values, vars, problems);
  if (create) {
    // A new record's roll-ups start at 0 (record.service's initialRollups): its formulas read them so.
    for (const field of compiled.ownRollups) if (field.function === 'count' || field.function === 'sum') values[field.key] ??= field.function === 'count' ? 0 : '0';
    for (const field of compiled.defaults) if (values[field.key] == null) values[field.key] = normalize(field, evaluate(field.default, field.key));
  }
  for (const field of compiled.formulas) values[field.key] = coerce(field, evaluate(field.expression, field.key));
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
function evaluator(registries: BundleRegistries, values: Values, vars: Record<string, unknown>, problems: Problem[]): (expr: unknown, key: string) => unknown {
  return (expr, key) => {
    try {
      return evaluateLogic(expr, { ...values, ...vars }, registries.operations);
    } catch (err) {
      problems.push({ pointer: `/${key}`, code: 'INVALID', message: `could not be computed: ${(err as Error).message}` });
      return null;
    }
  };
}

/** Required fields, exact decimal ranges, and options that were retired. */
function checkValues(compiled: CompiledEntity, values: Values, given: Values, current: Values | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const [key, field] of compiled.fields) {
    const value = values[key];
    if (field.required && !compiled.traits.get(key)?.computed && (value == null || (Array.isArray(value) && value.length === 0))) {
      problems.push(makeProblem(`/${key}`, 'REQUIRED', { label: field.label }));
    }
    if (!(key in given) || value == null) continue;
    if (DECIMAL.has(field.type)) {
      if (typeof field.min === 'string' && compareDecimals(String(value), field.min) < 0) problems.push(makeProblem(`/${key}`, 'OUT_OF_RANGE', { min: field.min }));
      if (typeof field.max === 'string' && compareDecimals(String(value), field.max) > 0) problems.push(makeProblem(`/${key}`, 'OUT_OF_RANGE', { max: field.max }));
    }
    if (field.type === 'single_select' || field.type === 'multi_select') {
      const retired = new Set(((field.options as { key: string; active?: boolean }[]) ?? []).filter((o) => o.active === false).map((o) => o.key));
      const before = new Set([current?.[key]].flat());
      const chosen = [value].flat().filter((v) => retired.has(String(v)) && !before.has(v));
      if (chosen.length > 0) problems.push(makeProblem(`/${key}`, 'NOT_ALLOWED_VALUE', { retired: chosen }));
    }
  }
  return problems;
}

/** Input normalization: '' is no value; decimals become strings with the field's scale ('5' -> '5.00'); rich text is sanitized. */
function normalize(field: AnyField, value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (DECIMAL.has(field.type)) {
    const text = typeof value === 'number' && Number.isFinite(value) && !/e/i.test(String(value)) ? String(value) : value;
    return typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text) ? withScale(text, field.scale ?? 2) : text;
  }
  // Rich text is stored only as allowlisted HTML, whatever path wrote it.
  if (field.type === 'rich_text' && typeof value === 'string') return sanitizeRichText(value);
  if (TEXTUAL.has(field.type) && typeof value === 'string') return value.trim() === '' ? null : value;
  return value;
}

/** A formula's result in its declared type; anything that does not fit is no value. */
function coerce(field: AnyField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.resultType) {
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isSafeInteger(n) ? n : Number.isFinite(n) ? Math.round(n) : null;
    }
    case 'decimal':
    case 'currency':
    case 'percent': {
      const text = typeof value === 'number' ? String(value) : String(value);
      if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
      const scale = typeof field.scale === 'number' ? field.scale : 2;
      return withScale(roundDecimal(text, scale), scale);
    }
    case 'boolean':
      return truthy(value);
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** Rounds a decimal string half-even to `scale` places, exactly (no floats). */
export function roundDecimal(text: string, scale: number): string {
  const negative = text.startsWith('-');
  const [int = '0', frac = ''] = text.replace('-', '').split('.');
  if (frac.length <= scale) return text;
  const kept = frac.slice(0, scale);
  const rest = frac.slice(scale);
  let digits = BigInt(int + kept);
  const half = rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(digits % 2n) === 1));
  if (half) digits += 1n;
  const s = digits.toString().padStart(scale + 1, '0');
  const out = scale > 0 ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}
