/**
 * Who is acting: passed explicitly into every service call, recorded on everything
 * written, and the input of every permission decision. A signed-in user and an API
 * token both act as their user (`id` is the user id); a token may carry fewer roles
 * than its user. The system actor covers work the platform does itself (seeding,
 * migrations, scheduled jobs) and is never limited by roles.
 */
export interface Actor {
  kind: 'user' | 'token' | 'system';
  /** The user id (24 hex digits) for user and token actors; 'system' for the platform. */
  id: string;
  name: string;
  /** Role keys from the metadata, plus the built-in `admin`. Several roles grant their union. */
  roles: readonly string[];
  departmentId?: string | null | undefined;
  /** Set when the actor authenticated with an API token. */
  tokenId?: string | undefined;
  locale?: 'zh-CN' | 'en' | undefined;
  /**
   * Set while a metadata administrator previews the platform as one role
   * (`X-Metacrm-Preview-Role`): `roles` is exactly that role, and every write is refused.
   */
  preview?: { role: string } | undefined;
}

/** The built-in role that grants everything; metadata cannot define or change it. */
export const ADMIN_ROLE = 'admin';

export const SYSTEM_ACTOR: Actor = Object.freeze({
  kind: 'system',
  id: 'system',
  name: 'metacrm',
  roles: Object.freeze([]) as readonly string[],
});

/** Whether no role limits this actor: the platform itself, or a holder of the built-in admin role. */
export function isUnrestricted(actor: Actor): boolean {
  return actor.kind === 'system' || actor.roles.includes(ADMIN_ROLE);
}

/** Whether the actor only previews a role: it may read what the role reads and write nothing. */
export function isPreview(actor: Actor): boolean {
  return actor.preview !== undefined;
}
