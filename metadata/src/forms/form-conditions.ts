import type { Form } from '../generated/types.js';
import { compileLogic, truthy, type CompiledLogic } from '../logic/evaluate.js';
import type { LogicOperation } from '../logic/operations.js';
import type { Registry } from '../registry.js';

/**
 * What a form lets a user do with one field it places, for the values it is showing.
 * `readOnly` is the field's own `readOnlyWhen`, whatever its visibility: a field that is
 * not `visible` is neither required nor editable, so `editable` is
 * `visible && !readOnly`.
 */
export interface FormFieldState {
  visible: boolean;
  required: boolean;
  readOnly: boolean;
}

/** A condition that could not be evaluated (a limit hit, data nested too deep). */
export interface FormConditionError {
  /** JSON pointer of the condition inside the form: `/layout/tabs/0/sections/1/fields/2/requiredWhen`. */
  condition: string;
  /** The field the condition belongs to; absent for a tab's or section's visibleWhen. */
  field?: string;
  message: string;
}

export interface FormFieldStates {
  /** One entry per placed field; a field the form does not place is not its business. */
  fields: Map<string, FormFieldState>;
  errors: FormConditionError[];
}

/** A condition checked and compiled once, with where it sits in the form. */
interface Condition {
  at: string;
  run: CompiledLogic;
}

interface CompiledPlacement {
  field: string;
  visibleWhen?: Condition;
  requiredWhen?: Condition;
  readOnlyWhen?: Condition;
}

interface CompiledSection {
  visibleWhen?: Condition;
  fields: CompiledPlacement[];
}

interface CompiledTab {
  visibleWhen?: Condition;
  sections: CompiledSection[];
}

/**
 * The conditions of one form, compiled once per metadata version (the server keeps them
 * with the compiled entity; the runtime UI with the form it renders).
 */
export interface FormConditions {
  readonly key: string;
  readonly entity: string;
  readonly tabs: readonly CompiledTab[];
  /** True when any condition exists: a form without one never changes a field's state. */
  readonly conditional: boolean;
}

/**
 * Compiles a form's visibleWhen, requiredWhen and readOnlyWhen conditions through the
 * hardened evaluator. A condition the evaluator refuses (publishing checks them, so
 * only a bundle that skipped the checks has one) does not throw here: it reports its
 * error each time it is evaluated, so one broken form cannot take a whole entity down.
 */
export function compileFormConditions(form: Form, operations: Registry<LogicOperation>): FormConditions {
  let conditional = false;
  const condition = (expr: unknown, at: string): Condition | undefined => {
    if (expr === undefined) return undefined;
    conditional = true;
    try {
      return { at, run: compileLogic(expr, operations) };
    } catch (err) {
      return {
        at,
        run: () => {
          throw err;
        },
      };
    }
  };
  const tabs = form.layout.tabs.map((tab, t): CompiledTab => {
    const tabAt = `/layout/tabs/${t}`;
    return {
      ...optional('visibleWhen', condition(tab.visibleWhen, `${tabAt}/visibleWhen`)),
      sections: tab.sections.map((section, s): CompiledSection => {
        const sectionAt = `${tabAt}/sections/${s}`;
        return {
          ...optional('visibleWhen', condition(section.visibleWhen, `${sectionAt}/visibleWhen`)),
          fields: section.fields.map((placement, p): CompiledPlacement => {
            const at = `${sectionAt}/fields/${p}`;
            return {
              field: placement.field,
              ...optional('visibleWhen', condition(placement.visibleWhen, `${at}/visibleWhen`)),
              ...optional('requiredWhen', condition(placement.requiredWhen, `${at}/requiredWhen`)),
              ...optional('readOnlyWhen', condition(placement.readOnlyWhen, `${at}/readOnlyWhen`)),
            };
          }),
        };
      }),
    };
  });
  return Object.freeze({ key: form.key, entity: form.entity, tabs, conditional });
}

/**
 * Which placed fields are visible, required and read-only for `data`: the record's
 * values in API form (decimals as strings, dates as `YYYY-MM-DD`, lookups as ids) plus
 * the context variables (`$now`, `$today`, `$user`). The server runs this on every
 * write a form governs and the runtime UI on every change, through the same code, so
 * the two can never disagree.
 *
 * A field is visible when its tab, its section and its own visibleWhen all are (a
 * missing condition is true); required when visible and its requiredWhen is true;
 * read-only when its readOnlyWhen is true. Each condition sees a frozen copy of `data`.
 * A condition that fails is reported in `errors` and counts as "visible", "not
 * required" and "not read-only", so the field stays on screen where the error shows.
 */
export function formFieldStates(conditions: FormConditions, data: Record<string, unknown>): FormFieldStates {
  const fields = new Map<string, FormFieldState>();
  const errors: FormConditionError[] = [];
  const test = (c: Condition | undefined, fallback: boolean, field?: string): boolean => {
    if (!c) return fallback;
    try {
      return truthy(c.run(data));
    } catch (err) {
      errors.push({ condition: c.at, ...(field === undefined ? {} : { field }), message: (err as Error).message });
      return fallback;
    }
  };
  for (const tab of conditions.tabs) {
    const tabVisible = test(tab.visibleWhen, true);
    for (const section of tab.sections) {
      const sectionVisible = tabVisible && test(section.visibleWhen, true);
      for (const placement of section.fields) {
        const { field } = placement;
        const visible = sectionVisible && test(placement.visibleWhen, true, field);
        const required = visible && test(placement.requiredWhen, false, field);
        fields.set(field, { visible, required, readOnly: test(placement.readOnlyWhen, false, field) });
      }
    }
  }
  return { fields, errors };
}

/**
 * The form an entity's writes are checked against when none is named: the one marked
 * `default: true` (publishing allows one per entity), else the entity's only form.
 * With several forms and no default, none applies until the write names one.
 */
export function defaultFormOf<F extends Pick<Form, 'entity' | 'default'>>(forms: readonly F[], entity: string): F | undefined {
  const own = forms.filter((f) => f.entity === entity);
  return own.find((f) => f.default === true) ?? (own.length === 1 ? own[0] : undefined);
}

function optional<K extends string>(key: K, value: Condition | undefined): Partial<Record<K, Condition>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, Condition>);
}
