import type { Queue } from 'bullmq';
import { MongoBulkWriteError, MongoServerError, ObjectId, type Binary, type Db } from 'mongodb';
import type { Workflow } from '@metacrm/metadata';
import type { RunScope } from './run-scope.js';

export const RUNS = 'workflow_runs';
/** Runtime switches: `{_id: workflow key, enabled}`; a workflow without one follows its metadata `active`. */
export const WORKFLOW_STATE = 'workflow_state';

/** The workflows switched off at runtime (without a publish). */
export async function disabledWorkflows(db: Db): Promise<Set<string>> {
  const docs = await db.collection<{ _id: string; enabled: boolean }>(WORKFLOW_STATE).find({ enabled: false }).toArray();
  return new Set(docs.map((d) => d._id));
}

/** Past this many workflow-made writes in a chain, a run stops instead of looping. */
export const MAX_CAUSATION_DEPTH = 16;
/** Log entries kept per run (the newest). */
export const MAX_LOG = 500;

export type RunStatus = 'queued' | 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';

/** One thread of execution: the main line, a parallel branch, a loop body. */
export interface RunPath {
  id: string;
  /** The step to run next; null when the path has ended. */
  at: string | null;
  /** Set on the branches of a parallel step: the join they meet at. */
  join?: { step: string; group: string } | undefined;
  /** Inside a loop: the loop step, the record ids, where it is, and the loop around it. */
  loop?: RunLoop | undefined;
  /** Parked until this instant (a delay step). */
  waitUntil?: Date | undefined;
  /** Parked until what the step waits on (its approval, say) settles: its action's `resume` tells. */
  waitOn?: string | undefined;
  /** What runs saved before `waitOn` existed wait on (an approval); read as `waitOn`. */
  waitApproval?: string | undefined;
  /** Parked at a step that has run: on waking, the path moves on through the step's branches. */
  resume?: boolean | undefined;
}

export interface RunLoop {
  step: string;
  entity: string;
  ids: string[];
  index: number;
  outer?: RunLoop | undefined;
}

export interface RunLogEntry {
  step: string;
  path: string;
  type: string;
  attempt: number;
  status: 'completed' | 'failed' | 'retrying' | 'waiting' | 'skipped';
  startedAt: Date;
  finishedAt: Date;
  input?: unknown;
  output?: unknown;
  /** Why the step failed; `problems` (`{pointer, code, message}`) when a write or a setting was refused. */
  error?: { code: string; message: string; problems?: unknown[] } | undefined;
  /** The worker process that ran the step (WORKER_ID: host and pid). */
  worker?: string | undefined;
}

/**
 * Who may execute the run now: one execution at a time holds it, renews it while it
 * works and gives it up when it parks or ends (run-lease.ts). `until` lets another
 * worker take over from one that died.
 */
export interface RunLease {
  /** The execution's id: every save of the run state is conditioned on it. */
  token: string;
  /** WORKER_ID of the process that holds it. */
  worker: string;
  until: Date;
  /** The id of the session its record writes use (run-lease.ts), to end it on a takeover. */
  session?: Binary | null;
}

export interface RunDoc {
  _id: ObjectId;
  workflow: string;
  /** The metadata version the run started on; it finishes on it. */
  metadataVersion: number;
  status: RunStatus;
  trigger: {
    type: string;
    eventId: ObjectId | null;
    entity: string | null;
    recordId: string | null;
    actor: { kind: string; id: string; name: string; roles: string[]; departmentId?: string | null };
    /** The caller's Idempotency-Key (inbound webhooks): one run per workflow and key. */
    idempotencyKey?: string | undefined;
    /**
     * Scheduled runs: `cron:<occurrence>[:<record id>]` or `date:<record id>:<due time>`
     * (ISO instants); one run per workflow and key, however many ticks see it.
     */
    scheduleKey?: string | undefined;
    /** Scheduled runs: the cron occurrence or the record's due time. */
    scheduledFor?: Date | undefined;
    /** A cron catch-up run: how many earlier occurrences it stands for (counted up to 1,000). */
    missed?: number | undefined;
  };
  scope: RunScope;
  paths: RunPath[];
  /** Arrivals at join steps: `<joinStep>:<group>` → path ids. */
  joins: Record<string, string[]>;
  /** Failed attempts of the current step per path (`<path>:<step>`). */
  attempts: Record<string, number>;
  /**
   * Completed visits of a step per path (`<path>:<step>`): the next visit's number goes
   * into its idempotency key. Counted here because the log keeps only its last MAX_LOG
   * entries; absent in runs started before it was kept (counted from their log then).
   */
  visits?: Record<string, number>;
  /** The last MAX_LOG step executions, appended by each save. */
  log: RunLogEntry[];
  /** How many workflow writes led to this run, and through which workflows. */
  causation: { depth: number; chain: string[] };
  failure: { step: string | null; code: string; message: string } | null;
  /** Held while an execution runs the run; null (or absent) otherwise. */
  lease?: RunLease | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** How a run's job is retried: each attempt resumes from the saved state. */
export const RUN_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;

export function runs(db: Db) {
  return db.collection<RunDoc>(RUNS);
}

export async function ensureRunIndexes(db: Db): Promise<void> {
  await Promise.all([
    // One run per event and workflow, however often the event is delivered.
    runs(db).createIndex(
      { 'trigger.eventId': 1, workflow: 1 },
      { name: 'one_per_event', unique: true, partialFilterExpression: { 'trigger.eventId': { $type: 'objectId' } } },
    ),
    runs(db).createIndex({ workflow: 1, status: 1, createdAt: -1 }, { name: 'by_workflow' }),
    runs(db).createIndex({ status: 1, updatedAt: 1 }, { name: 'by_status' }),
    runs(db).createIndex({ 'trigger.recordId': 1, createdAt: -1 }, { name: 'by_record' }),
    // One run per webhook call, however often the caller repeats it with the same Idempotency-Key.
    runs(db).createIndex(
      { workflow: 1, 'trigger.idempotencyKey': 1 },
      { name: 'one_per_idempotency_key', unique: true, partialFilterExpression: { 'trigger.idempotencyKey': { $type: 'string' } } },
    ),
    // One run per cron occurrence (and record) or record due time, however many workers tick.
    runs(db).createIndex(
      { workflow: 1, 'trigger.scheduleKey': 1 },
      { name: 'one_per_schedule_key', unique: true, partialFilterExpression: { 'trigger.scheduleKey': { $type: 'string' } } },
    ),
  ]);
}

/** Puts the run on the workflows queue (jobId = run id; a job already there is kept). */
export async function enqueueRun(queue: Queue, runId: ObjectId): Promise<void> {
  await queue.add('run', { runId: runId.toHexString() }, { ...RUN_JOB_OPTIONS, jobId: runId.toHexString() });
}

/** Puts several runs on the workflows queue at once (see enqueueRun). */
export async function enqueueRuns(queue: Queue, runIds: readonly ObjectId[]): Promise<void> {
  if (runIds.length === 0) return;
  await queue.addBulk(
    runIds.map((id) => ({ name: 'run', data: { runId: id.toHexString() }, opts: { ...RUN_JOB_OPTIONS, jobId: id.toHexString() } })),
  );
}

/** What starts a run: the workflow, the version it runs on, its trigger, scope and causation. */
export interface NewRun {
  workflow: Workflow;
  version: number;
  trigger: RunDoc['trigger'];
  scope: RunScope;
  causation?: RunDoc['causation'];
}

/**
 * Creates a run document: queued at its start step, or failed at once when the chain
 * of workflow-made writes that led here is too deep. A run for the same event and
 * workflow that exists already is answered instead (an event delivered twice).
 */
export async function createRun(db: Db, input: NewRun): Promise<RunDoc> {
  const doc = newRunDoc(input);
  try {
    await runs(db).insertOne(doc);
    return doc;
  } catch (err) {
    // The same event, or the same Idempotency-Key of a webhook call, started it already.
    const same = doc.trigger.eventId
      ? { 'trigger.eventId': doc.trigger.eventId }
      : doc.trigger.idempotencyKey !== undefined
        ? { 'trigger.idempotencyKey': doc.trigger.idempotencyKey }
        : undefined;
    if (!(err instanceof MongoServerError) || err.code !== 11000 || !same) throw err;
    const existing = await runs(db).findOne({ ...same, workflow: doc.workflow });
    if (!existing) throw err;
    return existing;
  }
}

/**
 * Creates scheduled runs in one unordered batch. A run whose schedule key its workflow
 * has already (another worker's tick, a tick repeated after a crash, a catch-up that
 * met the tick) is left out; answers the runs this call created.
 */
export async function createScheduledRuns(db: Db, inputs: readonly NewRun[]): Promise<RunDoc[]> {
  if (inputs.length === 0) return [];
  const docs = inputs.map(newRunDoc);
  try {
    await runs(db).insertMany(docs, { ordered: false });
    return docs;
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    const errors = [err.writeErrors].flat();
    if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
    const taken = new Set(errors.map((e) => e.index));
    return docs.filter((_, i) => !taken.has(i));
  }
}

function newRunDoc(input: NewRun): RunDoc {
  const now = new Date();
  const causation = input.causation ?? { depth: 0, chain: [] };
  const tooDeep = causation.depth >= MAX_CAUSATION_DEPTH;
  return {
    _id: new ObjectId(),
    workflow: input.workflow.key,
    metadataVersion: input.version,
    status: tooDeep ? 'failed' : 'queued',
    trigger: input.trigger,
    scope: input.scope,
    paths: [{ id: 'main', at: input.workflow.start ?? input.workflow.steps[0]?.id ?? null }],
    joins: {},
    attempts: {},
    visits: {},
    log: [],
    causation,
    failure: tooDeep
      ? {
          step: null,
          code: 'WORKFLOW_LOOP',
          message: `Stopped: ${causation.depth} workflow-made writes in a row (${[...causation.chain, input.workflow.key].join(' → ')})`,
        }
      : null,
    createdAt: now,
    updatedAt: now,
    finishedAt: tooDeep ? now : null,
  };
}
