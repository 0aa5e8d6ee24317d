import type { ObjectId } from 'mongodb';

/**
 * The contract of what a record write leaves behind, in its own transaction: the
 * revision (field history), the audit entry and the outbox event. The collections and
 * the documents are declared here once; the writer (records/record-writer.ts), the
 * audit log (AuditLog) and every reader of events (the relay, the event handlers, the
 * trigger matcher, live events) use these names and types.
 */

/** Field history: one document per version of a record that changed fields. */
export const RECORD_REVISIONS = 'record_revisions';
/** The append-only audit log: security events and the record entries (AuditLog). */
export const AUDIT_LOG = 'audit_log';
/** Committed record events, waiting to be relayed to BullMQ and handled. */
export const OUTBOX = 'outbox';

export type RecordOperation = 'create' | 'update' | 'delete' | 'restore' | 'purge';

/** The type of a record event: `record.<operation>`. */
export type RecordEventType = `record.${RecordOperation}`;

export const RECORD_EVENT_TYPES: readonly RecordEventType[] = [
  'record.create',
  'record.update',
  'record.delete',
  'record.restore',
  'record.purge',
];

/** One field's change, as kept in field history and carried by events. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Who wrote, as the audit log and field history keep it. */
export interface TrailActor {
  kind: string;
  id: string;
  name: string;
}

/** Who wrote, as an event carries it: with roles and department, so workflows show outbound steps only what this actor may see. */
export interface EventActor extends TrailActor {
  roles: string[];
  departmentId: string | null;
}

/**
 * A record event in the outbox. `before` and `after` are the record as the API shows
 * it around the change, so a workflow sees the record as this change left it, not as a
 * later change did.
 */
export interface OutboxEvent {
  _id: ObjectId;
  type: RecordEventType;
  entity: string;
  recordId: ObjectId;
  version: number;
  /** The fields the change touched. */
  changed: string[];
  actor: EventActor;
  /** How many workflow-made writes led to this one, and which workflows. */
  causationDepth: number;
  causationChain: string[];
  /** Before the change (update, delete, purge); null otherwise. */
  before: Record<string, unknown> | null;
  /** After the change (create, update, restore); null otherwise. */
  after: Record<string, unknown> | null;
  createdAt: Date;
  /** When the relay handed it to BullMQ; null until then. */
  sentAt: Date | null;
  /** When its handlers finished; absent until then. */
  processedAt?: Date | null;
}

/**
 * An audit entry about records (a write, a share, an export): its details at the top
 * level beside `entity` and `recordId` (the audit API shows them as `data`).
 * `requestId` is the key the write was made under: a request's id, a workflow step's
 * idempotency key, an import row's or a seed record's tag (see AuditLog.applied).
 */
export interface RecordAuditEntry {
  action: string;
  actor: TrailActor;
  entity: string;
  recordId?: ObjectId | undefined;
  requestId?: string | null | undefined;
  /** Defaults to the time of the append. */
  at?: Date | undefined;
  [detail: string]: unknown;
}

/** What `AuditLog.applied` answers for a key that was applied: the first write made under it. */
export interface AppliedKey {
  action: string;
  recordId: string | null;
}
