import { ObjectId, type Db } from 'mongodb';
import type { Actor } from '../actor/actor.js';
import { AuditLog } from '../audit/audit-log.js';
import { upsertAndUpdate } from '../storage/upsert.js';
import { ShareInvalid, ShareNotFound } from './access.errors.js';
import { DEPARTMENTS, USERS } from '../auth/user-model.js';

export const SHARES = 'record_shares';

export type ShareAccess = 'read' | 'write';

export interface ShareDoc {
  _id: ObjectId;
  entity: string;
  recordId: ObjectId;
  principal: { type: 'user' | 'department'; id: string };
  access: ShareAccess;
  /** The share ends at this instant; null for no end. */
  until: Date | null;
  createdBy: { kind: string; id: string; name: string };
  createdAt: Date;
}

/** A share as the API shows it. */
export interface Share {
  id: string;
  principal: ShareDoc['principal'];
  access: ShareAccess;
  until: string | null;
  createdBy: ShareDoc['createdBy'];
  createdAt: string;
}

/**
 * The ids of the records of `entity` shared with this user or their department, for
 * at least `access`, and not expired. Part of the record scope of read (any share)
 * and update (read-write shares).
 */
export async function sharedRecordIds(db: Db, entity: string, actor: Actor, access: ShareAccess, now: Date): Promise<ObjectId[]> {
  const principals: ShareDoc['principal'][] = [{ type: 'user', id: actor.id }];
  if (actor.departmentId) principals.push({ type: 'department', id: actor.departmentId });
  const docs = await db
    .collection<ShareDoc>(SHARES)
    .find(
      {
        entity,
        $or: principals.map((p) => ({ 'principal.type': p.type, 'principal.id': p.id })),
        ...(access === 'write' ? { access: 'write' } : {}),
        $and: [{ $or: [{ until: null }, { until: { $gt: now } }] }],
      },
      { projection: { recordId: 1 } },
    )
    .toArray();
  return docs.map((d) => d.recordId);
}

export async function listShares(db: Db, entity: string, recordId: ObjectId): Promise<Share[]> {
  const docs = await db.collection<ShareDoc>(SHARES).find({ entity, recordId }).sort({ createdAt: 1 }).toArray();
  return docs.map(toShare);
}

/**
 * Shares a record with a user or a department, read-only or read-write, optionally
 * until a date. Sharing again with the same principal replaces the earlier share.
 * The caller has checked that the actor owns the record or is an admin.
 */
export async function addShare(db: Db, actor: Actor, entity: string, recordId: ObjectId, input: unknown): Promise<Share> {
  const { principal, access, until } = await parseShare(db, input);
  const now = new Date();
  const set = { access, until, createdBy: { kind: actor.kind, id: actor.id, name: actor.name }, createdAt: now };
  // Not a findOneAndUpdate upsert: its post-image is not relied on (storage/upsert.ts).
  const saved = await upsertAndUpdate(
    db.collection<ShareDoc>(SHARES),
    { entity, recordId, 'principal.type': principal.type, 'principal.id': principal.id },
    { entity, recordId, principal, ...set },
    { $set: set },
  );
  await audit(db, actor, 'record.share', entity, recordId, { principal, access, until });
  return toShare(saved);
}

export async function removeShare(db: Db, actor: Actor, entity: string, recordId: ObjectId, shareId: string): Promise<void> {
  if (!/^[0-9a-f]{24}$/.test(shareId)) throw ShareNotFound(undefined, { id: shareId });
  const removed = await db.collection<ShareDoc>(SHARES).findOneAndDelete({ _id: new ObjectId(shareId), entity, recordId });
  if (!removed) throw ShareNotFound(undefined, { id: shareId });
  await audit(db, actor, 'record.unshare', entity, recordId, { principal: removed.principal, access: removed.access });
}

async function parseShare(db: Db, input: unknown): Promise<Pick<ShareDoc, 'principal' | 'access' | 'until'>> {
  const problem = (pointer: string, message: string) => ShareInvalid(undefined, { problems: [{ pointer, code: 'INVALID', message }] });
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw problem('', 'must be an object {principal: {type, id}, access, until}');
  const { principal, access = 'read', until = null, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw problem(`/${unknown.slice(0, 60)}`, 'is not a share property');
  const p = principal as { type?: unknown; id?: unknown } | null;
  if (!p || typeof p !== 'object' || (p.type !== 'user' && p.type !== 'department'))
    throw problem('/principal/type', 'must be "user" or "department"');
  if (typeof p.id !== 'string' || !/^[0-9a-f]{24}$/.test(p.id)) throw problem('/principal/id', 'must be a user or department id');
  const exists = await db
    .collection(p.type === 'user' ? USERS : DEPARTMENTS)
    .countDocuments({ _id: new ObjectId(p.id), ...(p.type === 'user' ? { active: { $ne: false } } : {}) }, { limit: 1 });
  if (exists === 0) throw problem('/principal/id', `no active ${p.type} ${p.id}`);
  if (access !== 'read' && access !== 'write') throw problem('/access', 'must be "read" or "write"');
  let end: Date | null = null;
  if (until !== null) {
    const dateOnly = typeof until === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(until);
    // A date alone shares through the end of that day (UTC).
    end = dateOnly
      ? new Date(`${until}T24:00:00Z`)
      : typeof until === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(until)
        ? new Date(until)
        : null;
    if (!end || Number.isNaN(end.getTime())) throw problem('/until', 'must be a date or date-time (ISO 8601)');
    if (end.getTime() <= Date.now()) throw problem('/until', 'must be in the future');
  }
  return { principal: { type: p.type, id: p.id }, access, until: end };
}

function toShare(doc: ShareDoc): Share {
  return {
    id: String(doc._id),
    principal: doc.principal,
    access: doc.access,
    until: doc.until?.toISOString() ?? null,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt.toISOString(),
  };
}

async function audit(
  db: Db,
  actor: Actor,
  action: string,
  entity: string,
  recordId: ObjectId,
  detail: Record<string, unknown>,
): Promise<void> {
  await new AuditLog(db).appendRecord({ ...detail, actor, action, entity, recordId });
}
