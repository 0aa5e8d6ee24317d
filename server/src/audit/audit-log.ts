import { ObjectId, type ClientSession, type Db, type Filter } from 'mongodb';
import type { Actor } from '../actor/actor.js';
import { AUDIT_LOG, type AppliedKey, type RecordAuditEntry } from './record-trail.js';

/** Security and administration events; record writes add `record.<op>`. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.password_change'
  | 'auth.2fa_enable'
  | 'auth.2fa_disable'
  | 'auth.recovery_code_used'
  | 'token.create'
  | 'token.revoke'
  | 'user.create'
  | 'user.update'
  | 'user.deactivate'
  | 'user.reactivate'
  | 'user.password_reset'
  | 'role.change'
  | 'department.create'
  | 'department.update'
  | 'department.delete'
  | 'settings.update'
  | 'meta.publish'
  | 'records.export'
  | 'attachment.upload'
  | 'attachment.download'
  | 'attachment.delete'
  | 'access.preview';

export interface AuditEvent {
  action: AuditAction;
  /** Who did it; for a failed sign-in, nobody yet (null). */
  actor: Actor | null;
  /** What it was done to: `{kind: 'user', id}`, `{kind: 'role', key}`, ... */
  target?: Record<string, unknown> | undefined;
  /** Anything else worth keeping; secrets are removed before it is stored. */
  data?: Record<string, unknown> | undefined;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface AuditEntry {
  id: string;
  at: Date;
  action: string;
  actor: { kind: string; id: string; name: string } | null;
  target: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
  ip: string | null;
  requestId: string | null;
}

export interface AuditQuery {
  /** An exact action (`auth.login`) or a family (`auth.`). */
  action?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit?: number | undefined;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

/** Keys whose values are never stored, however deep in `data` they appear. */
const SECRET_KEY = /pass(word)?|secret|token|code|hash|cookie|authorization|csrf|challenge/i;

/**
 * The append-only audit log. This class is the only writer of the audit log and it
 * can only append: there is no update or delete here, by design, and the API exposes
 * reading alone. Security events (`append`) have secrets stripped by key name before
 * anything is stored, as a last line behind callers that never pass them in the first
 * place; record entries (`appendRecord`, `appendMany`) carry field names and counts,
 * never values. `applied` answers whether a write was already made under a key.
 */
export class AuditLog {
  constructor(private readonly db: Db) {}

  async append(event: AuditEvent, session?: ClientSession): Promise<void> {
    const actor = event.actor
      ? {
          kind: event.actor.kind,
          id: event.actor.id,
          name: event.actor.name,
          ...(event.actor.tokenId ? { tokenId: event.actor.tokenId } : {}),
        }
      : null;
    await this.db.collection(AUDIT_LOG).insertOne(
      {
        at: new Date(),
        action: event.action,
        actor,
        target: scrub(event.target) ?? null,
        data: scrub(event.data) ?? null,
        ip: event.ip ?? null,
        requestId: event.requestId ?? null,
      },
      { session },
    );
  }

  /** A record entry (a write, a share, an export), in the caller's transaction when given one. */
  async appendRecord(entry: RecordAuditEntry, session?: ClientSession): Promise<void> {
    await this.appendMany([entry], session);
  }

  /** Record entries in one insert (the writes of a batch), in the caller's transaction when given one. */
  async appendMany(entries: readonly RecordAuditEntry[], session?: ClientSession): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date();
    await this.db.collection(AUDIT_LOG).insertMany(
      // Keys left undefined are left out, not stored as null: an export names no record.
      entries.map((e) => ({ ...definedOnly(e), at: e.at ?? at, actor: { kind: e.actor.kind, id: e.actor.id, name: e.actor.name } })),
      { session },
    );
  }

  /**
   * Which of `keys` a record write was already made under (the entry's `requestId`),
   * and the first such write's action and record: a replayed workflow step, import row
   * or seed record finds what the attempt a crash cut short committed. `action` narrows
   * it to one kind of write. Answered from the `by_request` index.
   */
  async applied(keys: readonly string[], options: { action?: string; session?: ClientSession } = {}): Promise<Map<string, AppliedKey>> {
    if (keys.length === 0) return new Map();
    const filter: Filter<Record<string, unknown>> = {
      requestId: keys.length === 1 ? keys[0] : { $in: [...keys] },
      ...(options.action ? { action: options.action } : {}),
    };
    // No sort in the query: a server may answer a sort by _id from the _id index, scanning the whole log.
    const docs = await this.db
      .collection(AUDIT_LOG)
      .find(filter, { projection: { requestId: 1, action: 1, recordId: 1 }, session: options.session })
      .toArray();
    docs.sort((a, b) => String(a._id).localeCompare(String(b._id)));
    const out = new Map<string, AppliedKey>();
    for (const d of docs) {
      const key = String(d.requestId);
      if (!out.has(key)) out.set(key, { action: String(d.action), recordId: d.recordId == null ? null : String(d.recordId) });
    }
    return out;
  }

  /** Newest first, keyset-paged on `_id` (ObjectIds grow with time). */
  async list(query: AuditQuery): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const filter: Filter<Record<string, unknown>> = {};
    if (query.action)
      filter.action = query.action.endsWith('.') ? { $regex: `^${query.action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } : query.action;
    if (query.actorId) filter['actor.id'] = query.actorId;
    if (query.from || query.to) filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    if (query.cursor) filter._id = { $lt: new ObjectId(query.cursor) };
    const docs = await this.db
      .collection(AUDIT_LOG)
      .find(filter)
      .sort({ _id: -1 })
      .limit(limit + 1)
      .toArray();
    const page = docs.slice(0, limit);
    return {
      entries: page.map((d) => ({
        id: String(d._id),
        at: d.at as Date,
        action: d.action as string,
        actor: (d.actor as AuditEntry['actor']) ?? null,
        target:
          (d.target as AuditEntry['target']) ??
          (d.entity ? { kind: 'entity', entity: d.entity, ...(d.recordId ? { id: String(d.recordId) } : {}) } : null),
        data: (d.data as AuditEntry['data']) ?? recordData(d),
        ip: (d.ip as string | undefined) ?? null,
        requestId: (d.requestId as string | undefined) ?? null,
      })),
      nextCursor: docs.length > limit ? String(page[page.length - 1]!._id) : null,
    };
  }

  async ensureIndexes(): Promise<void> {
    await this.db.collection(AUDIT_LOG).createIndexes([
      { key: { action: 1, _id: -1 }, name: 'action_id' },
      { key: { 'actor.id': 1, _id: -1 }, name: 'actor_id' },
    ]);
  }
}

const ENTRY_KEYS = new Set(['_id', 'at', 'action', 'actor', 'entity', 'recordId', 'requestId', 'target', 'data', 'ip']);

/** Record writes and exports keep their details at the top level; show them as `data`. */
function recordData(doc: Record<string, unknown>): Record<string, unknown> | null {
  const rest = Object.fromEntries(Object.entries(doc).filter(([key]) => !ENTRY_KEYS.has(key)));
  return Object.keys(rest).length > 0 ? rest : null;
}

function definedOnly(entry: RecordAuditEntry): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}

function scrub(value: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  return scrubValue(value, 0) as Record<string, unknown>;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof Date || value instanceof ObjectId) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET_KEY.test(key))
      .map(([key, v]) => [key, scrubValue(v, depth + 1)]),
  );
}
