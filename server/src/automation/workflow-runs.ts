import type { Queue } from 'bullmq';
import type { Db, ObjectId } from 'mongodb';
import type { RunScope } from './run-scope.js';

export const RUNS = 'workflow_runs';

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
  /** Parked until an approval is decided. */
  waitApproval?: string | undefined;
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
  error?: { code: string; message: string } | undefined;
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
  };
  scope: RunScope;
  paths: RunPath[];
  /** Arrivals at join steps: `<joinStep>:<group>` → path ids. */
  joins: Record<string, string[]>;
  /** Failed attempts of the current step per path (`<path>:<step>`). */
  attempts: Record<string, number>;
  log: RunLogEntry[];
  /** How many workflow writes led to this run, and through which workflows. */
  causation: { depth: number; chain: string[] };
  failure: { step: string | null; code: string; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** How a run's job is retried: each attempt resumes from the saved state. */
export const RUN_JOB_OPTIONS = { attempts: 20, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 14 * 24 * 3600 } } as const;

export function runs(db: Db) {
  return db.collection<RunDoc>(RUNS);
}

export async function ensureRunIndexes(db: Db): Promise<void> {
  await Promise.all([
    // One run per event and workflow, however often the event is delivered.
    runs(db).createIndex({ 'trigger.eventId': 1, workflow: 1 }, { name: 'one_per_event', unique: true, partialFilterExpression: { 'trigger.eventId': { $type: 'objectId' } } }),
    runs(db).createIndex({ workflow: 1, status: 1, createdAt: -1 }, { name: 'by_workflow' }),
    runs(db).createIndex({ status: 1, updatedAt: 1 }, { name: 'by_status' }),
    runs(db).createIndex({ 'trigger.recordId': 1, createdAt: -1 }, { name: 'by_record' }),
    // One run per webhook call, however often the caller repeats it with the same Idempotency-Key.
    runs(db).createIndex({ workflow: 1, 'trigger.idempotencyKey': 1 }, { name: 'one_per_idempotency_key', unique: true, partialFilterExpression: { 'trigger.idempotencyKey': { $type: 'string' } } }),
  ]);
}

/** Puts the run on the workflows queue (jobId = run id; a job already there is kept). */
export async function enqueueRun(queue: Queue, runId: ObjectId): Promise<void> {
  await queue.add('run', { runId: runId.toHexString() }, { ...RUN_JOB_OPTIONS, jobId: runId.toHexString() });
}
