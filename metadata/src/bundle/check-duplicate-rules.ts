import type { Problem } from '../schema/problems.js';
import type { Entity } from './bundle-types.js';
import { checkEntityRef, checkFieldRef } from './check-expressions.js';
import type { EntityIndex } from './entity-index.js';

/**
 * An entity's duplicate rules (查重): distinct keys, and each rule's field and each
 * match's field text-valued fields of their entities (the engine compares text).
 */
export function checkDuplicateRules(entity: Entity, at: string, index: EntityIndex): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  entity.duplicateRules?.forEach((rule, i) => {
    const here = `${at}/duplicateRules/${i}`;
    if (seen.has(rule.key))
      problems.push({ pointer: `${here}/key`, code: 'DUPLICATE_KEY', message: `"${rule.key}" is used twice`, params: { key: rule.key } });
    seen.add(rule.key);
    problems.push(...textField(entity.key, rule.field, `${here}/field`, index));
    rule.match.forEach((m, j) => {
      const missing = checkEntityRef(m.entity, `${here}/match/${j}/entity`, index);
      problems.push(...(missing.length > 0 ? missing : textField(m.entity, m.field, `${here}/match/${j}/field`, index)));
    });
  });
  return problems;
}

function textField(entity: string, field: string, at: string, index: EntityIndex): Problem[] {
  const traits = index.traits(entity, field);
  if (!traits) return checkFieldRef(entity, field, at, index);
  if (traits.value !== 'string')
    return [
      {
        pointer: at,
        code: 'FIELD_TYPE_MISMATCH',
        message: `${entity}.${field} is a ${traits.type} field; duplicates are checked on text fields`,
        params: { entity, field },
      },
    ];
  return [];
}
