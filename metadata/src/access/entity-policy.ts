import type { Entity, Role } from '../generated/types.js';
import type { LogicOperation } from '../logic/operations.js';
import type { Registry } from '../registry.js';
import { derivedInputs, type DerivedInput } from './derived.js';
import type { FieldMask } from './mask.js';

// What a set of roles allows on each entity, worked out from the metadata alone. The
// server compiles it per metadata version and role set for every request
// (server/src/access/entity-policy.ts); the designer runs the same code over the draft
// to preview a form as a role would see it.

/** What a role grants on an entity. */
export type EntityOperation = 'create' | 'read' | 'update' | 'delete' | 'export' | 'changeOwner';
/** The operations that are limited to a set of records. */
export type ScopedOperation = 'read' | 'update' | 'delete';
export type ScopeKind = 'own' | 'own_and_subordinates' | 'department' | 'department_tree' | 'all' | 'filter';

/** One role's record scope for an operation. */
export interface ScopeRule {
  role: string;
  scope: ScopeKind;
  rowFilter?: unknown;
}

export interface FieldAccess {
  read: boolean;
  write: boolean;
  /** Set when every role that lets the actor read the field masks it. */
  mask?: FieldMask;
  /**
   * Set when a formula or roll-up is hidden because a field it is computed from is
   * not readable (in full): the value would give that field away.
   */
  hiddenBecause?: DerivedInput;
}

/**
 * What an actor's roles allow on one entity, independent of any record: operations,
 * the scope rules per operation (the union of the roles granting it), and per field
 * read / write / mask. Compiled once per metadata version and role set.
 *
 * Rules, so that roles compose predictably:
 * - several roles grant their union: an operation, a field, a record any role allows;
 * - update, delete, export and changeOwner count only in a role that also grants read
 *   (changeOwner, over the records the role lets the actor update);
 * - a role's `alsoRead` row filter adds records to its read scope only;
 * - a field is readable unless the role says `read: false`, and writable (in a role
 *   granting create or update) unless it says `write: false` or cannot read it;
 * - a field is masked only if every role that lets the actor read it masks it; a
 *   masked field cannot be filtered, sorted, searched or grouped on, since each of
 *   those would reveal the value behind the mask, and is read-only unless a role
 *   granting create or update says `write: true` for it: then the actor may set or
 *   replace the value (sending back the masked text they were shown changes nothing).
 * - a formula or roll-up is readable only where every field it is computed from is
 *   readable unmasked (on the child entity, for a roll-up), unless a role grants
 *   `read: true` on it explicitly (publish warns about such grants).
 */
export interface EntityPolicy {
  entity: string;
  /** The system actor or the built-in admin role: nothing below applies. */
  unrestricted: boolean;
  /** The roles of the actor that exist in this metadata version. */
  roles: readonly string[];
  can(op: EntityOperation): boolean;
  scopes(op: ScopedOperation): readonly ScopeRule[];
  field(key: string): FieldAccess;
}

/** The metadata a policy is worked out from: the roles, and the entities by key. */
export interface PolicySource {
  bundle: { roles: readonly Role[] };
  entity(key: string): Entity | undefined;
}

const OPEN_FIELD: FieldAccess = Object.freeze({ read: true, write: true });
const CLOSED_FIELD: FieldAccess = Object.freeze({ read: false, write: false });

/**
 * The policies of one set of roles (`'*'`: unrestricted, the system actor or the
 * built-in admin role) over `source`, per entity, compiled on first use and kept.
 * `operations` (the json-logic registry) tells which fields a formula reads.
 */
export function rolePolicies(
  source: PolicySource,
  roles: readonly string[] | '*',
  operations: Registry<LogicOperation>,
): (entity: string) => EntityPolicy {
  const unrestricted = roles === '*';
  const roleKeys = unrestricted ? [] : [...new Set(roles)].sort();
  const policies = new Map<string, EntityPolicy>();
  const policyOf = (entity: string): EntityPolicy => {
    let policy = policies.get(entity);
    if (!policy) policies.set(entity, (policy = compilePolicy(source, roleKeys, entity, unrestricted, operations, policyOf)));
    return policy;
  };
  return policyOf;
}

function compilePolicy(
  source: PolicySource,
  roleKeys: readonly string[],
  entity: string,
  unrestricted: boolean,
  operations: Registry<LogicOperation>,
  policyOf: (entity: string) => EntityPolicy,
): EntityPolicy {
  if (unrestricted) {
    return { entity, unrestricted, roles: [], can: () => true, scopes: () => [{ role: '*', scope: 'all' }], field: () => OPEN_FIELD };
  }
  const byKey = new Map(source.bundle.roles.map((r) => [r.key, r]));
  const grants = roleKeys.flatMap((key) => {
    const grant = byKey.get(key)?.entities?.[entity];
    return grant?.read
      ? [{ role: key, grant }]
      : grant?.create
        ? [{ role: key, grant: { ...grant, update: false, delete: false, export: false, changeOwner: false } }]
        : [];
  });
  const can = (op: EntityOperation) => grants.some((g) => g.grant[op] === true && (op === 'create' || g.grant.read === true));
  const scopes = (op: ScopedOperation): ScopeRule[] => [
    ...grants
      .filter((g) => g.grant[op] === true && g.grant.read === true)
      .map((g) => ({
        role: g.role,
        scope: (g.grant.scope ?? 'own') as ScopeKind,
        ...(g.grant.rowFilter !== undefined ? { rowFilter: g.grant.rowFilter } : {}),
      })),
    // `alsoRead` widens reading only: a rep sees the pool's customers, but changes them only by claiming one.
    ...(op === 'read'
      ? grants
          .filter((g) => g.grant.read === true && g.grant.alsoRead !== undefined)
          .map((g) => ({ role: g.role, scope: 'filter' as const, rowFilter: g.grant.alsoRead }))
      : []),
  ];
  const fields = new Map<string, FieldAccess>();
  const field = (key: string): FieldAccess => {
    const hit = fields.get(key);
    if (hit) return hit;
    const readers = grants.filter((g) => g.grant.read === true && g.grant.fields?.[key]?.read !== false);
    const unmasked = readers.some((g) => !g.grant.fields?.[key]?.mask);
    const mask = readers.length > 0 && !unmasked ? (readers[0]!.grant.fields![key]!.mask as FieldMask) : undefined;
    const writers = grants.filter(
      (g) =>
        (g.grant.create === true || g.grant.update === true) &&
        g.grant.fields?.[key]?.write !== false &&
        g.grant.fields?.[key]?.read !== false,
    );
    // A masked field is written only where a role says so (`write: true`): then the user
    // may set or replace a value they see masked, without ever reading it back.
    const write = writers.length > 0 && (!mask || writers.some((g) => g.grant.fields?.[key]?.write === true));
    let access: FieldAccess = readers.length === 0 ? CLOSED_FIELD : Object.freeze({ read: true, write, ...(mask ? { mask } : {}) });
    const explicit = readers.some((g) => g.grant.fields?.[key]?.read === true);
    const hiddenBecause = access.read && !explicit ? unreadableInput(key) : undefined;
    if (hiddenBecause) access = Object.freeze({ read: false, write: false, hiddenBecause });
    fields.set(key, access);
    return access;
  };
  /** The first field a derived `key` is computed from that these roles may not read in full. */
  const unreadableInput = (key: string): DerivedInput | undefined => {
    const own = source.entity(entity);
    const definition = own?.fields.find((f) => f.key === key);
    const inputs = own && definition ? derivedInputs(own, definition, operations) : undefined;
    return inputs?.find((input) => {
      const policy = input.entity === entity ? undefined : policyOf(input.entity);
      const access = policy ? (policy.can('read') ? policy.field(input.field) : CLOSED_FIELD) : field(input.field);
      return !access.read || access.mask !== undefined;
    });
  };
  const scopeCache = new Map<ScopedOperation, readonly ScopeRule[]>();
  return {
    entity,
    unrestricted,
    roles: roleKeys.filter((k) => byKey.has(k)),
    can,
    scopes: (op) => scopeCache.get(op) ?? (scopeCache.set(op, Object.freeze(scopes(op))), scopeCache.get(op)!),
    field,
  };
}
