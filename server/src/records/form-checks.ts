import { formFieldStates, makeProblem, type FormConditions, type Problem } from '@metacrm/metadata';
import type { CompiledEntity } from './compiled-entity.js';
import type { Values } from './record-document.js';

/**
 * The problems of a write under one form's conditions, worked out with the same
 * function the runtime UI runs (formFieldStates), so a form the browser accepts is one
 * the server accepts:
 *
 * - REQUIRED: a field the form shows and requires for the values after the write
 *   (current values, the change, defaults and formulas) has no value.
 * - READ_ONLY: the write changes a field the form hides after the write (a hidden
 *   field is not editable), or one whose readOnlyWhen held before the write.
 *
 * Read-only is judged on the record before the change, not after: a field locked now
 * cannot be unlocked and changed in one write (`{stage: "open", amount: …}` on a won
 * deal whose amount is read-only once won is refused), while a write that sets the
 * field and then the condition that locks it (`{amount: …, stage: "won"}` on an open
 * deal) is what a user filling the form in that order does, and passes. For a new
 * record, "before" is the record as a blank form starts: defaults and formulas only.
 * Only fields the write changes count: sending a read-only field's current value back,
 * as a form does, is fine.
 */
export function formProblems(
  compiled: CompiledEntity,
  form: FormConditions,
  before: Values,
  after: Values,
  given: Values,
  vars: Record<string, unknown>,
): Problem[] {
  const problems: Problem[] = [];
  const now = formFieldStates(form, { ...after, ...vars });
  const then = formFieldStates(form, { ...before, ...vars });
  const failed = new Set<string>();
  for (const error of [...now.errors, ...then.errors]) {
    if (failed.has(error.condition)) continue;
    failed.add(error.condition);
    problems.push({
      pointer: error.field === undefined ? '' : `/${error.field}`,
      code: 'INVALID',
      message: `the condition at ${error.condition} of form "${form.key}" could not be evaluated: ${error.message}`,
      params: { form: form.key, condition: error.condition },
    });
  }
  const label = (key: string) => compiled.fields.get(key)?.label ?? { 'zh-CN': key, en: key };
  for (const [key, state] of now.fields) {
    // A field required by the entity itself has had its REQUIRED already.
    if (state.required && compiled.fields.get(key)?.required !== true && isEmpty(after[key])) {
      problems.push(makeProblem(`/${key}`, 'REQUIRED', { form: form.key, label: label(key) }));
    }
  }
  for (const key of Object.keys(given)) {
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    const shown = now.fields.get(key)?.visible;
    if (shown === false) {
      problems.push(makeProblem(`/${key}`, 'READ_ONLY', { form: form.key, hidden: true, label: label(key) }));
    } else if (then.fields.get(key)?.readOnly === true) {
      problems.push(makeProblem(`/${key}`, 'READ_ONLY', { form: form.key, label: label(key) }));
    }
  }
  return problems;
}

function isEmpty(value: unknown): boolean {
  return value == null || (Array.isArray(value) && value.length === 0);
}
