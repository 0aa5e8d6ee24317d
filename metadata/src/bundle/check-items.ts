import { isFormulaField } from '../fields/field-kinds.js';
import { fieldTraits } from '../fields/field-types.js';
import { pointer, type Problem } from '../schema/problems.js';
import { SYSTEM_FIELDS, isSystemField } from '../system-fields.js';
import type {
  BundleRegistries,
  ConfigCheckContext,
  ConfigurableDefinition,
  Form,
  Role,
  ValidationRule,
  View,
  Workflow,
} from './bundle-types.js';
import { duplicateKeys } from './check-entities.js';
import { checkEntityRef, checkFieldRef, checkFilter, checkRecordLogic } from './check-expressions.js';
import type { EntityIndex } from './entity-index.js';
import type { FieldTypeDefinition } from '../fields/field-type-definition.js';
import { rowFilterToFilter, type RowFilterUser } from '../access/row-filter.js';
import { stepGraphTraps } from './step-graph.js';

/** A form: its entity exists, it places existing fields once each, its conditions are sound. */
export function checkForm(form: Form, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  const missing = checkEntityRef(form.entity, `${at}/entity`, index);
  if (missing.length > 0) return missing;
  const problems: Problem[] = [...duplicateKeys(form.layout.tabs, `${at}/layout/tabs`)];
  const placed = new Set<string>();
  const logic = (expr: unknown, where: string) => problems.push(...checkRecordLogic(expr, form.entity, where, index, registries));
  form.layout.tabs.forEach((tab, t) => {
    const tabAt = `${at}/layout/tabs/${t}`;
    logic(tab.visibleWhen, `${tabAt}/visibleWhen`);
    problems.push(...duplicateKeys(tab.sections, `${tabAt}/sections`));
    tab.sections.forEach((section, s) => {
      const sectionAt = `${tabAt}/sections/${s}`;
      logic(section.visibleWhen, `${sectionAt}/visibleWhen`);
      section.fields.forEach((placement, p) => {
        const here = `${sectionAt}/fields/${p}`;
        problems.push(...checkFieldRef(form.entity, placement.field, `${here}/field`, index));
        if (placed.has(placement.field)) {
          problems.push({ pointer: `${here}/field`, code: 'DUPLICATE_KEY', message: `"${placement.field}" is placed twice` });
        }
        placed.add(placement.field);
        logic(placement.visibleWhen, `${here}/visibleWhen`);
        logic(placement.requiredWhen, `${here}/requiredWhen`);
        logic(placement.readOnlyWhen, `${here}/readOnlyWhen`);
        if (placement.requiredWhen !== undefined && index.traits(form.entity, placement.field)?.computed) {
          // Nobody can fill it in, so "required" could only ever refuse the write.
          problems.push({
            pointer: `${here}/requiredWhen`,
            code: 'IMMUTABLE',
            message: `"${placement.field}" is filled in by the platform; it cannot be required`,
          });
        }
      });
    });
  });
  return problems;
}

/**
 * At most one default form per entity: writes that name no form are checked against it
 * (see defaultFormOf), so two would make that ambiguous.
 */
export function checkDefaultForms(forms: readonly Form[]): Problem[] {
  const problems: Problem[] = [];
  const first = new Map<string, string>();
  forms.forEach((form, i) => {
    if (form.default !== true) return;
    const other = first.get(form.entity);
    if (other === undefined) first.set(form.entity, form.key);
    else
      problems.push({
        pointer: `${pointer('forms', i)}/default`,
        code: 'DUPLICATE_DEFAULT',
        message: `"${other}" is already the default form of ${form.entity}`,
        params: { entity: form.entity, form: other },
      });
  });
  return problems;
}

/**
 * What a kanban may group by: a field of one option (a single select: a column per
 * option) or a user field (a column per user on the board). Asked of the type's traits,
 * so a plugin type of either kind qualifies.
 */
export function kanbanGroup(traits: Pick<FieldTypeDefinition, 'options' | 'value' | 'reference'>): boolean {
  return (traits.options === true && traits.value === 'string') || traits.reference === 'user';
}

/** A view: its entity and every field it shows, sorts, filters or groups by exist and fit. */
export function checkView(view: View, at: string, index: EntityIndex): Problem[] {
  const missing = checkEntityRef(view.entity, `${at}/entity`, index);
  if (missing.length > 0) return missing;
  const problems: Problem[] = [...checkFilter(view.filter, view.entity, `${at}/filter`, index)];
  view.sort?.forEach((s, i) => {
    const traits = index.traits(view.entity, s.field);
    if (!traits) problems.push(...checkFieldRef(view.entity, s.field, `${at}/sort/${i}/field`, index));
    else if (!traits.ordered && !traits.groupable) {
      problems.push({
        pointer: `${at}/sort/${i}/field`,
        code: 'FIELD_TYPE_MISMATCH',
        message: `a ${traits.type} field cannot be sorted on`,
      });
    }
  });
  const typed = (field: string, where: string, fits: (traits: FieldTypeDefinition) => boolean, what: string) => {
    const traits = index.traits(view.entity, field);
    if (!traits) problems.push(...checkFieldRef(view.entity, field, where, index));
    else if (!fits(traits)) problems.push({ pointer: where, code: 'FIELD_TYPE_MISMATCH', message: `"${field}" must be ${what}` });
  };
  const isDate = (t: FieldTypeDefinition) => t.value === 'date' || t.value === 'datetime';
  switch (view.type) {
    case 'list':
      view.columns.forEach((c, i) => problems.push(...checkFieldRef(view.entity, c.field, `${at}/columns/${i}/field`, index)));
      break;
    case 'kanban':
      typed(view.groupBy, `${at}/groupBy`, kanbanGroup, 'a single select or a user field');
      view.cardFields?.forEach((f, i) => problems.push(...checkFieldRef(view.entity, f, `${at}/cardFields/${i}`, index)));
      break;
    case 'calendar':
      typed(view.dateField, `${at}/dateField`, isDate, 'a date or datetime field');
      if (view.endDateField) typed(view.endDateField, `${at}/endDateField`, isDate, 'a date or datetime field');
      if (view.titleField) problems.push(...checkFieldRef(view.entity, view.titleField, `${at}/titleField`, index));
      break;
  }
  return problems;
}

/** A validation rule: entity, condition and the fields it points at. */
export function checkRule(rule: ValidationRule, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  const missing = checkEntityRef(rule.entity, `${at}/entity`, index);
  if (missing.length > 0) return missing;
  return [
    ...checkRecordLogic(rule.errorWhen, rule.entity, `${at}/errorWhen`, index, registries),
    ...(rule.fields ?? []).flatMap((f, i) => checkFieldRef(rule.entity, f, `${at}/fields/${i}`, index)),
  ];
}

/** Config validation against a trigger's or action's configSchema, supplied by the validator. */
export type ConfigCheck = (schema: Record<string, unknown>, value: unknown, at: string) => Problem[];

/**
 * A workflow: its entity, trigger and step types exist, their settings fit their
 * schemas and pass their own checks, and its step graph is closed.
 */
export function checkWorkflow(
  workflow: Workflow,
  at: string,
  index: EntityIndex,
  registries: BundleRegistries,
  checkConfig: ConfigCheck,
): Problem[] {
  const problems: Problem[] = [];
  if (workflow.entity !== undefined) problems.push(...checkEntityRef(workflow.entity, `${at}/entity`, index));
  // A check may look at the entity's fields, so it runs only when the entity exists.
  const entityKnown = problems.length === 0;
  const context = (where: string): ConfigCheckContext => ({
    at: where,
    workflowAt: at,
    workflow,
    valueType: (entity, field) => valueType(index, entity, field),
    valueKind: (entity, field) => valueKind(index, entity, field, registries),
    filterProblems: (filter, entity, filterAt) => checkFilter(filter, entity, filterAt, index),
    entityProblems: (entity, entityAt) => checkEntityRef(entity, entityAt, index),
    writableFieldProblems: (entity, field, fieldAt) => writableField(index, entity, field, fieldAt),
  });
  const settingsProblems = (definition: ConfigurableDefinition, settings: Record<string, unknown>, where: string): Problem[] => {
    const shape = checkConfig(definition.configSchema, settings, where);
    return shape.length > 0 || !definition.check || !entityKnown ? shape : definition.check(settings, context(where));
  };
  const trigger = registries.triggers.get(workflow.trigger.type);
  if (!trigger) {
    problems.push({
      pointer: `${at}/trigger/type`,
      code: 'UNKNOWN_TRIGGER',
      message: `no trigger "${workflow.trigger.type}"`,
      params: { available: registries.triggers.keys() },
    });
  } else {
    const { type: _type, ...settings } = workflow.trigger;
    problems.push(...settingsProblems(trigger, settings, `${at}/trigger`));
  }
  const ids = new Set(workflow.steps.map((s) => s.id));
  problems.push(
    ...duplicateKeys(
      workflow.steps.map((s) => ({ key: s.id })),
      `${at}/steps`,
    ).map((p) => ({ ...p, pointer: p.pointer.replace(/\/key$/, '/id') })),
  );
  const stepRef = (id: string | null | undefined, where: string) => {
    if (id != null && !ids.has(id)) problems.push({ pointer: where, code: 'UNKNOWN_STEP', message: `no step "${id}"` });
  };
  stepRef(workflow.start, `${at}/start`);
  workflow.steps.forEach((step, i) => {
    const here = `${at}/steps/${i}`;
    const action = registries.actions.get(step.type);
    if (!action)
      problems.push({
        pointer: `${here}/type`,
        code: 'UNKNOWN_ACTION',
        message: `no action "${step.type}"`,
        params: { available: registries.actions.keys() },
      });
    else problems.push(...settingsProblems(action, step.config ?? {}, `${here}/config`));
    stepRef(step.next, `${here}/next`);
    step.branches?.forEach((b, j) => stepRef(b.next, `${here}/branches/${j}/next`));
  });
  if (problems.length === 0) problems.push(...stepGraphTraps(workflow, at));
  return problems;
}

/** A field a workflow step may write: one of the entity's own, not a system or computed one. */
function writableField(index: EntityIndex, entity: string, field: string, at: string): Problem[] {
  if (isSystemField(field)) {
    const hint = field === '_ownerId' ? '; a step chooses the owner with its "owner" setting' : '';
    return [{ pointer: at, code: 'IMMUTABLE', message: `"${field}" is set by the platform${hint}`, params: { entity, field } }];
  }
  const traits = index.traits(entity, field);
  if (!traits)
    return [{ pointer: at, code: 'UNKNOWN_FIELD', message: `"${field}" is not a field of ${entity}`, params: { entity, field } }];
  if (traits.computed)
    return [
      {
        pointer: at,
        code: 'IMMUTABLE',
        message: `"${field}" is computed by the platform; it cannot be written`,
        params: { entity, field },
      },
    ];
  return [];
}

/** How a field or system field is stored: its type, or a formula's result type. */
function valueType(index: EntityIndex, entity: string, field: string): string | undefined {
  if (isSystemField(field)) return SYSTEM_FIELDS[field];
  const found = index.field(entity, field) as { type: string; resultType?: string } | undefined;
  if (!found) return undefined;
  return isFormulaField(found) && found.resultType ? found.resultType : found.type;
}

/** What a field or system field holds: its value kind (fieldTraits), a formula's that of its result. */
function valueKind(index: EntityIndex, entity: string, field: string, registries: BundleRegistries): string | undefined {
  if (isSystemField(field)) return SYSTEM_FIELDS[field];
  const found = index.field(entity, field);
  return found ? fieldTraits(found, registries.fieldTypes)?.value : undefined;
}

/** A role: every entity and field it grants exists; row filters are sound. */
export function checkRole(role: Role, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  const problems: Problem[] = [];
  for (const [entity, perms] of Object.entries(role.entities ?? {})) {
    if (!perms) continue;
    const here = `${at}/entities/${entity}`;
    const missing = checkEntityRef(entity, here, index);
    if (missing.length > 0) {
      problems.push(...missing);
      continue;
    }
    for (const field of Object.keys(perms.fields ?? {})) problems.push(...checkFieldRef(entity, field, `${here}/fields/${field}`, index));
    if (perms.scope === 'filter' && perms.rowFilter === undefined) {
      problems.push({ pointer: `${here}/rowFilter`, code: 'REQUIRED', message: 'scope "filter" needs a rowFilter' });
    }
    problems.push(...checkRowFilter(perms.rowFilter, entity, `${here}/rowFilter`, index, registries));
    problems.push(...checkRowFilter(perms.alsoRead, entity, `${here}/alsoRead`, index, registries));
  }
  return problems;
}

/** Stands in for the signed-in user when a row filter is checked at publish. */
const SOME_USER: RowFilterUser = {
  id: '000000000000000000000000',
  email: 'user@example.com',
  name: 'user',
  locale: 'en',
  departmentId: '000000000000000000000000',
  roles: [],
};

/**
 * A row filter is json-logic that must also become a query (rowFilterToFilter): its
 * variables must exist, its shape must be one a query can express, and each condition
 * must use an operator its field's type allows.
 */
function checkRowFilter(logic: unknown, entity: string, at: string, index: EntityIndex, registries: BundleRegistries): Problem[] {
  if (logic === undefined) return [];
  const problems = checkRecordLogic(logic, entity, at, index, registries);
  if (problems.length > 0) return problems;
  const translated = rowFilterToFilter(logic, SOME_USER, at);
  return translated.problems ?? checkFilter(translated.filter, entity, at, index).map((p) => ({ ...p, pointer: at }));
}
