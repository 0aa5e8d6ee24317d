import {
  rolePolicies,
  type EntityOperation,
  type EntityPolicy,
  type FieldAccess,
  type LogicOperation,
  type Registry,
} from '@metacrm/metadata';
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
  const policy = policies(entity);
  return actor.preview === undefined ? policy : readOnlyPolicy(snapshot, policy);
}

const READ_OPERATIONS: ReadonlySet<EntityOperation> = new Set(['read', 'export']);
const readOnlyCache = new WeakMap<MetadataSnapshot, WeakMap<EntityPolicy, EntityPolicy>>();

/**
 * A role's policy as a preview sees it: the same reads, scopes and masks, no write of
 * any kind, so the preview's metadata (`rights`, field `write`) shows a read-only UI.
 */
function readOnlyPolicy(snapshot: MetadataSnapshot, policy: EntityPolicy): EntityPolicy {
  let perSnapshot = readOnlyCache.get(snapshot);
  if (!perSnapshot) readOnlyCache.set(snapshot, (perSnapshot = new WeakMap()));
  let readOnly = perSnapshot.get(policy);
  if (!readOnly) {
    const fields = new Map<string, FieldAccess>();
    const field = (key: string): FieldAccess => {
      let access = fields.get(key);
      if (!access) {
        const full = policy.field(key);
        fields.set(key, (access = full.write ? Object.freeze({ ...full, write: false }) : full));
      }
      return access;
    };
    readOnly = { ...policy, can: (op) => READ_OPERATIONS.has(op) && policy.can(op), field };
    perSnapshot.set(policy, readOnly);
  }
  return readOnly;
}
