import { rolePolicies, type EntityPolicy, type LogicOperation, type Registry } from '@metacrm/metadata';
import { isUnrestricted, type Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';

// The policy rules themselves live in the metadata package (access/entity-policy.ts), so
// the designer's preview applies exactly what the server enforces.
export type { EntityOperation, EntityPolicy, FieldAccess, ScopeKind, ScopeRule, ScopedOperation } from '@metacrm/metadata';

const cache = new WeakMap<MetadataSnapshot, Map<string, (entity: string) => EntityPolicy>>();

/**
 * The policy of `actor` on `entity` in `snapshot`, cached with the snapshot per role set.
 * `operations` (the json-logic registry) tells which fields a formula reads.
 */
export function entityPolicy(snapshot: MetadataSnapshot, actor: Actor, entity: string, operations: Registry<LogicOperation>): EntityPolicy {
  const roles = isUnrestricted(actor) ? '*' : [...new Set(actor.roles)].sort();
  const cacheKey = roles === '*' ? '*' : roles.join(',');
  let perSnapshot = cache.get(snapshot);
  if (!perSnapshot) cache.set(snapshot, (perSnapshot = new Map()));
  let policies = perSnapshot.get(cacheKey);
  if (!policies) perSnapshot.set(cacheKey, (policies = rolePolicies(snapshot, roles, operations)));
  return policies(entity);
}
