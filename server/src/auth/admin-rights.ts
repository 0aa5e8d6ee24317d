import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { ADMIN_ROLE, isUnrestricted, type Actor } from '../actor/actor.js';

export type AdminRight = 'metadata' | 'users';

/**
 * Whether the actor may administer metadata (the designer, publish) or users
 * (accounts, departments, settings, the audit log). The platform and the built-in
 * `admin` role may do both; a metadata role grants either through `admin.metadata`
 * or `admin.users`. Role keys the current metadata does not define grant nothing.
 */
export function hasAdminRight(snapshot: MetadataSnapshot, actor: Actor, right: AdminRight): boolean {
  if (isUnrestricted(actor)) return true;
  return snapshot.bundle.roles.some((role) => actor.roles.includes(role.key) && role.admin?.[right] === true);
}

/** Whether the actor holds any admin right (the 2FA requirement for admins applies). */
export function hasAnyAdminRight(snapshot: MetadataSnapshot, roles: readonly string[]): boolean {
  if (roles.includes(ADMIN_ROLE)) return true;
  return snapshot.bundle.roles.some((role) => roles.includes(role.key) && (role.admin?.metadata === true || role.admin?.users === true));
}
