import { ITEM_KINDS } from '../schema/meta-schemas.js';
import { pointer, type Problem } from '../schema/problems.js';
import { BUILT_IN_ROLE_KEYS, RESERVED_KEYS } from '../system-fields.js';
import { bundleItems, type Bundle, type BundleRegistries } from './bundle-types.js';
import { checkEntity, duplicateKeys } from './check-entities.js';
import { checkDefaultForms, checkForm, checkRole, checkRule, checkView, checkWorkflow, type ConfigCheck } from './check-items.js';
import { checkDashboard, checkDefaultNavigation, checkNavigation } from './check-ui.js';
import { EntityIndex } from './entity-index.js';
import { indexBudgetProblems } from '../views/view-indexes.js';

/**
 * The meaning checks of a bundle whose shape is already valid: keys distinct and not
 * reserved, every reference resolves to something of a fitting type, expressions use
 * allowed operations and existing fields, and formulas do not depend on themselves.
 * Pointers are into the bundle (`/entities/2/fields/5/target`).
 */
export function checkBundleReferences(bundle: Bundle, registries: BundleRegistries, checkConfig: ConfigCheck): Problem[] {
  const index = new EntityIndex(bundle, registries.fieldTypes);
  const problems: Problem[] = [];
  for (const kind of ITEM_KINDS) problems.push(...duplicateKeys(bundleItems(bundle, kind), pointer(kind)));
  bundle.entities.forEach((entity, i) => {
    const at = pointer('entities', i);
    problems.push(...reserved(entity.key, `${at}/key`));
    problems.push(...duplicateKeys(entity.fields, `${at}/fields`));
    entity.fields.forEach((f, j) => problems.push(...reserved(f.key, `${at}/fields/${j}/key`)));
    problems.push(...checkEntity(entity, at, index, registries));
  });
  bundle.forms.forEach((form, i) => problems.push(...checkForm(form, pointer('forms', i), index, registries)));
  problems.push(...checkDefaultForms(bundle.forms));
  bundle.views.forEach((view, i) => problems.push(...checkView(view, pointer('views', i), index)));
  // Only sound entities and views say which indexes they need.
  if (problems.length === 0) problems.push(...indexBudgetProblems(bundle, registries.fieldTypes, registries.triggers));
  bundle.rules.forEach((rule, i) => problems.push(...checkRule(rule, pointer('rules', i), index, registries)));
  bundle.workflows.forEach((wf, i) => problems.push(...checkWorkflow(wf, pointer('workflows', i), index, registries, checkConfig)));
  bundle.roles.forEach((role, i) => problems.push(...builtInRole(role.key, `${pointer('roles', i)}/key`)));
  bundle.roles.forEach((role, i) => problems.push(...checkRole(role, pointer('roles', i), index, registries)));
  (bundle.navigation ?? []).forEach((nav, i) => problems.push(...checkNavigation(nav, pointer('navigation', i), index, bundle)));
  problems.push(...checkDefaultNavigation(bundle.navigation ?? []));
  (bundle.dashboards ?? []).forEach((d, i) => problems.push(...checkDashboard(d, pointer('dashboards', i), index, bundle)));
  return problems;
}

function reserved(key: string, at: string): Problem[] {
  return RESERVED_KEYS.includes(key)
    ? [{ pointer: at, code: 'RESERVED_KEY', message: `"${key}" is reserved`, params: { reserved: RESERVED_KEYS } }]
    : [];
}

/** A role key the platform reserves for a built-in role (`admin`); problems at `at`. */
export function builtInRole(key: string, at: string): Problem[] {
  return BUILT_IN_ROLE_KEYS.includes(key)
    ? [
        {
          pointer: at,
          code: 'RESERVED_KEY',
          message: `"${key}" is the built-in administrator role; it cannot be defined in metadata`,
          params: { reserved: BUILT_IN_ROLE_KEYS },
        },
      ]
    : [];
}
