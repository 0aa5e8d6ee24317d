import type { Queue } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import { AppError } from '../errors/app-error.js';
import type { Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { RecordHook } from '../records/record-hooks.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { USERS } from '../auth/user-model.js';
import { ApprovalNotFound, ApprovalNotYours, NoApprovers, RecordLocked } from './workflow.errors.js';
import { plannedAction } from './actions/planned-action.js';
import type { ActionContext, ResumeContext, ResumeResult, WorkflowAction } from './action-contract.js';
import { enqueueRun, runs } from './workflow-runs.js';

export const APPROVALS = 'approvals';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface ApprovalDoc {
  _id: ObjectId;
  /** The step execution's idempotency key: a replayed step finds its approval. */
  key: string;
  runId: ObjectId;
  workflow: string;
  step: string;
  entity: string | null;
  recordId: string | null;
  title: string;
  approvers: string[];
  mode: 'any' | 'all';
  decisions: { userId: string; name: string; decision: 'approve' | 'reject'; comment: string; at: Date }[];
  status: ApprovalStatus;
  /** Why it ended without a decision: `timeout`. */
  reason: string | null;
  dueAt: Date | null;
  onTimeout: 'reject' | 'escalate';
  escalateTo: string | null;
  /** While pending, the record refuses edits and deletes except the workflow's own. */
  lock: boolean;
  createdAt: Date;
  decidedAt: Date | null;
  /** When the run took the decision in; the sweeper wakes runs of decided approvals without it. */
  resumedAt: Date | null;
}

export function approvals(db: Db) {
  return db.collection<ApprovalDoc>(APPROVALS);
}

export async function ensureApprovalIndexes(db: Db): Promise<void> {
  await Promise.all([
    approvals(db).createIndex({ key: 1 }, { name: 'one_per_step', unique: true }),
    approvals(db).createIndex({ approvers: 1, status: 1 }, { name: 'by_approver' }),
    approvals(db).createIndex({ entity: 1, recordId: 1, status: 1 }, { name: 'by_record' }),
    approvals(db).createIndex({ status: 1, resumedAt: 1 }, { name: 'to_resume' }),
  ]);
}

const APPROVER = {
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'user' }, id: { type: 'string', pattern: '^[0-9a-f]{24}$' } },
      required: ['type', 'id'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'role' }, role: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' } },
      required: ['type', 'role'],
      additionalProperties: false,
    },
    { type: 'object', properties: { type: { const: 'manager' } }, required: ['type'], additionalProperties: false },
  ],
} as const;

/**
 * The `approval` step: asks a user, the holders of a role, or the record owner's
 * manager to approve or reject (any one of them, or all), with an optional timeout
 * that rejects or escalates to a named user. Its path waits until the decision; then
 * `steps.<id>` is `{decision: approved|rejected, reason, decisions}` for its branches.
 */
export const APPROVAL_ACTION: WorkflowAction = plannedAction({
  type: 'approval',
  external: false,
  configSchema: {
    type: 'object',
    properties: {
      approvers: APPROVER,
      mode: { enum: ['any', 'all'] },
      title: { type: 'string', maxLength: 200 },
      timeoutSeconds: { type: 'integer', minimum: 1, maximum: 90 * 86400 },
      onTimeout: { enum: ['reject', 'escalate'] },
      escalateTo: { type: 'string', pattern: '^[0-9a-f]{24}$' },
      lockRecord: { type: 'boolean' },
    },
    required: ['approvers'],
    additionalProperties: false,
  },
  async plan(config, ctx) {
    // A replayed step finds the approval it asked for, whoever would be asked now.
    const existing = await approvals(ctx.db).findOne({ key: ctx.idempotencyKey }, { projection: { _id: 1, dueAt: 1 } });
    if (existing) return { existing: String(existing._id), dueAt: existing.dueAt };
    const approvers = await resolveApprovers(ctx, config.approvers as { type: string; id?: string; role?: string });
    if (approvers.length === 0) throw NoApprovers('Nobody can decide this approval', { approvers: config.approvers });
    const timeout = config.timeoutSeconds as number | undefined;
    return {
      title: String(config.title ?? ctx.workflow),
      approvers,
      mode: (config.mode as 'any' | 'all' | undefined) ?? 'any',
      dueAt: timeout ? new Date(Date.now() + timeout * 1000) : null,
      onTimeout: (config.onTimeout as 'reject' | 'escalate' | undefined) ?? 'reject',
      escalateTo: (config.escalateTo as string | undefined) ?? null,
      lock: config.lockRecord !== false,
    };
  },
  async perform(plan, ctx) {
    if (plan.existing !== undefined) return { wait: { on: plan.existing, ...(plan.dueAt ? { until: plan.dueAt } : {}) } };
    const [runId, step] = ctx.idempotencyKey.split(':') as [string, string];
    const doc: ApprovalDoc = {
      _id: new ObjectId(),
      key: ctx.idempotencyKey,
      runId: new ObjectId(runId),
      workflow: ctx.workflow,
      step,
      entity: ctx.entity,
      recordId: (ctx.scope.record?.id as string | undefined) ?? null,
      title: plan.title!,
      approvers: plan.approvers!,
      mode: plan.mode!,
      decisions: [],
      status: 'pending',
      reason: null,
      dueAt: plan.dueAt,
      onTimeout: plan.onTimeout!,
      escalateTo: plan.escalateTo!,
      lock: plan.lock!,
      createdAt: new Date(),
      decidedAt: null,
      resumedAt: null,
    };
    await approvals(ctx.db).insertOne(doc);
    return { wait: { on: String(doc._id), ...(doc.dueAt ? { until: doc.dueAt } : {}) } };
  },
  /** The path waits on its approval: decided, timed out or escalated (settleApproval). */
  resume: (on: string, ctx: ResumeContext): Promise<ResumeResult> => settleApproval(ctx.db, on, ctx.now),
});

async function resolveApprovers(ctx: ActionContext, spec: { type: string; id?: string; role?: string }): Promise<string[]> {
  const users = ctx.db.collection(USERS);
  if (spec.type === 'user')
    return (await users.countDocuments({ _id: new ObjectId(spec.id), active: { $ne: false } })) > 0 ? [spec.id!] : [];
  if (spec.type === 'role')
    return (await users.find({ roles: spec.role, active: { $ne: false } }, { projection: { _id: 1 }, limit: 100 }).toArray()).map((u) =>
      String(u._id),
    );
  // The record owner's manager.
  const id = ctx.scope.record?.id;
  if (!ctx.entity || typeof id !== 'string') return [];
  // The owner now (an earlier step may have changed it); a dry run's sample is in no collection, so its own.
  const record = /^[0-9a-f]{24}$/.test(id)
    ? await recordCollection(ctx.db, ctx.entity).findOne({ _id: new ObjectId(id) }, { projection: { _ownerId: 1 } })
    : null;
  const ownerId: unknown = record ? record._ownerId : ctx.scope.record?._ownerId;
  const owner =
    typeof ownerId === 'string' && /^[0-9a-f]{24}$/.test(ownerId)
      ? await users.findOne({ _id: new ObjectId(ownerId) }, { projection: { managerId: 1 } })
      : null;
  const manager = owner?.managerId
    ? await users.findOne({ _id: owner.managerId as ObjectId, active: { $ne: false } }, { projection: { _id: 1 } })
    : null;
  return manager ? [String(manager._id)] : [];
}

/** What the approval step outputs once decided. */
export function approvalOutput(doc: ApprovalDoc): Record<string, unknown> {
  return {
    decision: doc.status,
    reason: doc.reason,
    decisions: doc.decisions.map((d) => ({
      userId: d.userId,
      name: d.name,
      decision: d.decision,
      comment: d.comment,
      at: d.at.toISOString(),
    })),
  };
}

/**
 * The approval behind a waiting path (the approval step's `resume`). Decided: its output (and it is
 * marked resumed). Pending past its due time: the timeout applies (rejected, or handed
 * to the escalation user with no further timeout). Otherwise still pending.
 */
export async function settleApproval(
  db: Db,
  id: string,
  now = new Date(),
): Promise<{ output: Record<string, unknown> } | { pending: Date | null }> {
  let doc = await approvals(db).findOne({ _id: new ObjectId(id) });
  if (!doc) return { output: { decision: 'rejected', reason: 'missing', decisions: [] } };
  if (doc.status === 'pending' && doc.dueAt && doc.dueAt <= now) {
    const change =
      doc.onTimeout === 'escalate' && doc.escalateTo
        ? { $set: { approvers: [doc.escalateTo], dueAt: null, mode: 'any' as const } }
        : { $set: { status: 'rejected' as const, reason: 'timeout', decidedAt: now } };
    doc =
      (await approvals(db).findOneAndUpdate({ _id: doc._id, status: 'pending' }, change, { returnDocument: 'after' })) ??
      (await approvals(db).findOne({ _id: doc._id }));
    if (!doc) return { output: { decision: 'rejected', reason: 'missing', decisions: [] } };
  }
  if (doc.status === 'pending') return { pending: doc.dueAt };
  await approvals(db).updateOne({ _id: doc._id, resumedAt: null }, { $set: { resumedAt: now } });
  return { output: approvalOutput(doc) };
}

/** The pending approvals the actor may decide, oldest first. */
export async function myApprovals(db: Db, actor: Actor) {
  const docs = await approvals(db)
    .find({ approvers: actor.id, status: 'pending' }, { sort: { createdAt: 1 }, limit: 200 })
    .toArray();
  return docs.filter((d) => !d.decisions.some((x) => x.userId === actor.id)).map(toApi);
}

/**
 * Records the actor's decision. Any-of: the first approval or rejection decides. All-of:
 * every approver must approve; one rejection decides. A decision wakes the run.
 */
export async function decideApproval(db: Db, queue: Queue, actor: Actor, id: string, decision: 'approve' | 'reject', body: unknown) {
  const comment =
    typeof (body as { comment?: unknown } | null)?.comment === 'string' ? String((body as { comment: string }).comment).slice(0, 2000) : '';
  const _id = /^[0-9a-f]{24}$/.test(id) ? new ObjectId(id) : null;
  const doc = _id ? await approvals(db).findOne({ _id }) : null;
  if (!doc) throw ApprovalNotFound(undefined, { id });
  if (!doc.approvers.includes(actor.id) || doc.decisions.some((d) => d.userId === actor.id)) throw ApprovalNotYours(undefined, { id });
  if (doc.status !== 'pending')
    throw new AppError('WORKFLOW_APPROVAL_DECIDED', 409, `The approval is already ${doc.status}`, { id, status: doc.status });
  const entry = { userId: actor.id, name: actor.name, decision, comment, at: new Date() };
  const decisions = [...doc.decisions, entry];
  const approvedByAll = doc.approvers.every((a) => decisions.some((d) => d.userId === a && d.decision === 'approve'));
  const status: ApprovalStatus = decision === 'reject' ? 'rejected' : doc.mode === 'any' || approvedByAll ? 'approved' : 'pending';
  const updated = await approvals(db).findOneAndUpdate(
    { _id: doc._id, status: 'pending', 'decisions.userId': { $ne: actor.id } },
    { $push: { decisions: entry }, $set: { status, ...(status !== 'pending' ? { decidedAt: entry.at } : {}) } },
    { returnDocument: 'after' },
  );
  if (!updated) throw new AppError('WORKFLOW_APPROVAL_DECIDED', 409, 'The approval was decided meanwhile', { id });
  if (status !== 'pending') await wakeRun(db, queue, updated.runId);
  return toApi(updated);
}

/** Enqueues the run again (a finished job of the same id is removed first). */
export async function wakeRun(db: Db, queue: Queue, runId: ObjectId): Promise<void> {
  const run = await runs(db).findOne({ _id: runId }, { projection: { status: 1 } });
  if (run?.status !== 'waiting') return; // running: it will see the decision; the sweeper covers the rest
  const job = await queue.getJob(runId.toHexString());
  if (job && (await job.isDelayed())) return await job.promote(); // waiting for the due time: run it now
  if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
  await enqueueRun(queue, runId);
}

/** Runs whose approval was decided but which have not taken it in (a lost wake-up). */
export async function decidedUnresumed(db: Db, olderThan: Date): Promise<ObjectId[]> {
  const docs = await approvals(db)
    .find({ status: { $ne: 'pending' }, resumedAt: null, decidedAt: { $lte: olderThan } }, { projection: { runId: 1 }, limit: 1000 })
    .toArray();
  return docs.map((d) => d.runId);
}

/** The entities of a snapshot's workflows that have an approval step locking their record, worked out once per snapshot. */
const lockedBySnapshot = new WeakMap<MetadataSnapshot, ReadonlySet<string>>();

/** The entities whose records an approval step of this metadata version locks (`lockRecord` not false). */
export function approvalLockedEntities(snapshot: MetadataSnapshot): ReadonlySet<string> {
  let locked = lockedBySnapshot.get(snapshot);
  if (!locked) {
    const locking = (w: MetadataSnapshot['bundle']['workflows'][number]) =>
      w.steps.some((s) => s.type === APPROVAL_ACTION.type && (s.config as { lockRecord?: unknown } | undefined)?.lockRecord !== false);
    locked = new Set(snapshot.bundle.workflows.filter((w) => w.entity !== undefined && locking(w)).map((w) => w.entity!));
    lockedBySnapshot.set(snapshot, locked);
  }
  return locked;
}

/**
 * Refuses edits and deletes of a record while an approval that locks it is pending (the
 * workflow's own writes pass). Only entities an approval step of the write's metadata
 * version locks are looked up: the others cost no read. So the lock follows the current
 * workflows: publishing one without the step (or with `lockRecord: false`) frees the
 * records its pending approvals held, while those approvals still decide their runs.
 */
export function approvalLockHook(db: Db): RecordHook {
  return {
    entity: '*',
    async before(write) {
      if (!write.id || (write.actor.kind === 'system' && write.actor.id.startsWith('workflow:'))) return;
      if (!approvalLockedEntities(write.snapshot).has(write.entity)) return;
      const pending = await approvals(db).findOne(
        { entity: write.entity, recordId: write.id, status: 'pending', lock: true },
        { projection: { _id: 1, workflow: 1 } },
      );
      if (pending)
        throw RecordLocked('The record is locked while an approval is pending', {
          entity: write.entity,
          id: write.id,
          approval: String(pending._id),
          workflow: pending.workflow,
        });
    },
  };
}

function toApi(doc: ApprovalDoc) {
  return {
    id: String(doc._id),
    workflow: doc.workflow,
    step: doc.step,
    runId: String(doc.runId),
    entity: doc.entity,
    recordId: doc.recordId,
    title: doc.title,
    approvers: doc.approvers,
    mode: doc.mode,
    status: doc.status,
    reason: doc.reason,
    dueAt: doc.dueAt?.toISOString() ?? null,
    decisions: doc.decisions.map((d) => ({ ...d, at: d.at.toISOString() })),
    createdAt: doc.createdAt.toISOString(),
    decidedAt: doc.decidedAt?.toISOString() ?? null,
  };
}
