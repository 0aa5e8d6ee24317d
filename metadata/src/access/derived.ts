import type { Bundle } from '../bundle/bundle-types.js';
import type { Entity, Field } from '../generated/types.js';
import { isFormulaField, isRollupField } from '../fields/field-kinds.js';
import { varsOf } from '../logic/check-logic.js';
import type { LogicOperation } from '../logic/operations.js';
import { pointer, type Problem } from '../schema/problems.js';
import type { Registry } from '../registry.js';

/** A field that a derived value is computed from. */
export interface DerivedInput {
  entity: string;
  field: string;
}

/**
 * The fields a formula or roll-up reads, or undefined for a field that is not derived:
 * a formula's variables (context variables such as `$user` aside), a roll-up's child
 * lookup and summarized field. The access policy hides a derived value from whoever
 * may not read all of them, since the value would reveal them.
 */
export function derivedInputs(entity: Entity, field: Field, operations: Registry<LogicOperation>): DerivedInput[] | undefined {
  const f = field as Field & Record<string, unknown>;
  if (isFormulaField(f)) {
    const vars = varsOf(f.expression, operations).filter((v) => !v.startsWith('$'));
    return [...new Set(vars.map((v) => v.split('.')[0]!))].map((key) => ({ entity: entity.key, field: key }));
  }
  if (isRollupField(f) && typeof f.entity === 'string') {
    return [{ entity: f.entity, field: String(f.via) }, ...(typeof f.field === 'string' ? [{ entity: f.entity, field: f.field }] : [])];
  }
  return undefined;
}

/**
 * Warnings (not errors) for roles that grant read on a derived field explicitly while
 * denying a field it is computed from: the explicit grant shows the value anyway, so
 * the admin should know that it gives the hidden field away.
 */
export function derivedGrantWarnings(bundle: Bundle, operations: Registry<LogicOperation>): Problem[] {
  const entities = new Map(bundle.entities.map((e) => [e.key, e]));
  const warnings: Problem[] = [];
  bundle.roles.forEach((role, r) => {
    for (const [entityKey, grant] of Object.entries(role.entities ?? {})) {
      const entity = entities.get(entityKey);
      for (const [fieldKey, fieldGrant] of Object.entries(grant?.fields ?? {})) {
        const field = entity?.fields.find((f) => f.key === fieldKey);
        if (!entity || !field || fieldGrant?.read !== true) continue;
        const denied = (derivedInputs(entity, field, operations) ?? []).find((input) => {
          const inputGrant = role.entities?.[input.entity];
          return (
            inputGrant?.read !== true ||
            inputGrant.fields?.[input.field]?.read === false ||
            inputGrant.fields?.[input.field]?.mask !== undefined
          );
        });
        if (denied) {
          warnings.push({
            pointer: pointer('roles', r, 'entities', entityKey, 'fields', fieldKey, 'read'),
            code: 'REVEALS_HIDDEN_FIELD',
            message: `${entityKey}.${fieldKey} is computed from ${denied.entity}.${denied.field}, which this role may not read (in full); granting it shows that value anyway`,
            params: { entity: entityKey, field: fieldKey, reads: denied },
          });
        }
      }
    }
  });
  return warnings;
}
