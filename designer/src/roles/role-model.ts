import type { Role } from '@metacrm/metadata';

/** What a role grants on one entity. */
export type EntityGrant = NonNullable<NonNullable<Role['entities']>[string]>;
/** What a role says about one field of an entity. */
export type FieldGrant = NonNullable<NonNullable<EntityGrant['fields']>[string]>;
export type Operation = 'read' | 'create' | 'update' | 'delete' | 'export' | 'changeOwner';
export type Scope = NonNullable<EntityGrant['scope']>;

/** The matrix's columns, in the order an admin reads them (the role schema's operations). */
export const OPERATIONS: readonly Operation[] = ['read', 'create', 'update', 'delete', 'export', 'changeOwner'];
export const SCOPES: readonly Scope[] = ['own', 'own_and_subordinates', 'department', 'department_tree', 'all', 'filter'];

/** The role with one entity's grant replaced; an empty grant is removed, so the role stays minimal. */
export function withGrant(role: Role, entity: string, grant: EntityGrant): Role {
  const entities = { ...role.entities };
  const meaningful = Object.entries(grant).some(
    ([k, v]) => v !== undefined && v !== false && !(k === 'fields' && Object.keys(v as object).length === 0),
  );
  if (meaningful) entities[entity] = grant;
  else delete entities[entity];
  return { ...role, entities };
}

/** An operation switched on or off; turning off read turns off what counts only with read. */
export function toggleOperation(grant: EntityGrant, op: Operation, on: boolean): EntityGrant {
  const next: EntityGrant = { ...grant, [op]: on };
  if (op === 'read' && !on) for (const dependent of ['update', 'delete', 'export', 'changeOwner'] as const) delete next[dependent];
  if (op !== 'read' && op !== 'create' && on) next.read = true;
  if (!on) delete next[op];
  return next;
}

/** A field's grant replaced; defaults (read and write true, no mask) are left out. */
export function withFieldGrant(grant: EntityGrant, field: string, value: FieldGrant): EntityGrant {
  const fields = { ...grant.fields };
  const clean: FieldGrant = {};
  if (value.read === false) clean.read = false;
  // A masked field is read-only unless the role says otherwise, so only `write: true` is kept beside a mask.
  if (value.write === false && !value.mask) clean.write = false;
  if (value.write === true && value.mask) clean.write = true;
  if (value.mask && value.read !== false) clean.mask = value.mask;
  if (Object.keys(clean).length === 0) delete fields[field];
  else fields[field] = clean;
  const { fields: _, ...rest } = grant;
  return Object.keys(fields).length === 0 ? rest : { ...rest, fields };
}
