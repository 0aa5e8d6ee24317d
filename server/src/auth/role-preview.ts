import type { Redis } from 'ioredis';
import { ADMIN_ROLE, type Actor } from '../actor/actor.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Db } from 'mongodb';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { hasAdminRight } from './admin-rights.js';
import { PreviewNotAllowed, PreviewRoleUnknown } from './auth.errors.js';

/** The request header that asks to act as one role, read-only. */
export const PREVIEW_ROLE_HEADER = 'X-Metacrm-Preview-Role';

/** A preview is audited once per credential and role in this window, not on every request a page makes. */
const AUDIT_WINDOW_SECONDS = 3600;

/**
 * The actor a metadata administrator becomes while previewing `role`: the same user
 * (their own records, department and managers, so `own` and `department` scopes mean
 * what they would for them), with exactly that role, marked read-only. Anyone else
 * sending the header is refused rather than ignored, so a preview never silently shows
 * more than the role would see; the built-in `admin` role cannot be previewed (it is
 * what the admin already sees), nor a role the current metadata does not define.
 */
export function previewActor(snapshot: MetadataSnapshot, actor: Actor, role: string): Actor {
  if (actor.preview !== undefined || !hasAdminRight(snapshot, actor, 'metadata')) throw PreviewNotAllowed(undefined, { right: 'metadata' });
  if (role === ADMIN_ROLE || !snapshot.bundle.roles.some((r) => r.key === role)) {
    throw PreviewRoleUnknown(`There is no role "${role}" to preview`, {
      problems: [
        { pointer: '/headers/x-metacrm-preview-role', code: 'UNKNOWN_ROLE', message: `No role "${role}" in the current metadata` },
      ],
    });
  }
  return Object.freeze({ ...actor, roles: Object.freeze([role]), preview: Object.freeze({ role }) });
}

/**
 * Records a preview in the audit log (`access.preview`): once per credential and role
 * per hour across every API process (a Redis key set only if absent), since a page of
 * the runtime UI makes a dozen requests and each would otherwise add an entry.
 */
export async function auditPreview(
  deps: { db: Db; redis: Redis; prefix: string },
  actor: Actor,
  credential: string,
  request: { ip: string; requestId: string },
): Promise<void> {
  const role = actor.preview?.role;
  if (role === undefined) return;
  const first = await deps.redis.set(`${deps.prefix}:preview:${credential}:${role}`, '1', 'EX', AUDIT_WINDOW_SECONDS, 'NX');
  if (first !== 'OK') return;
  await new AuditLog(deps.db).append({
    action: 'access.preview',
    actor,
    target: { kind: 'role', key: role },
    ip: request.ip,
    requestId: request.requestId,
  });
}
