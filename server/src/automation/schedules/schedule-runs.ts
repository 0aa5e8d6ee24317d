import type { Queue } from 'bullmq';
import type { Db } from 'mongodb';
import type { BundleRegistries, Workflow } from '@metacrm/metadata';
import type { Logger } from '../../observability/logger.js';
import type { ApiRecord } from '../../records/record-document.js';
import { conditionHolds, type RunScope } from '../run-scope.js';
import { createScheduledRuns, enqueueRuns, type NewRun, type RunDoc } from '../workflow-runs.js';

/** What starting scheduled runs needs: where runs go, and what conditions run with. */
export interface ScheduleRunDeps {
  db: Db;
  registries: BundleRegistries;
  /** The `workflows` queue. */
  queue: Queue;
  logger: Logger;
}

/** One run a schedule would start: its key, its instant, and its record (none for a bare cron). */
export interface ScheduledCandidate {
  key: string;
  scheduledFor: Date;
  record: ApiRecord | null;
  /** Earlier cron occurrences this catch-up run stands for. */
  missed?: number;
}

/** Scheduled runs act as this: a system actor named after the workflow, as webhooks do. */
export function schedulerActor(workflow: string): RunDoc['trigger']['actor'] {
  return { kind: 'system', id: `schedule:${workflow}`, name: `schedule ${workflow}`, roles: [] };
}

/**
 * Starts the runs of one batch of candidates: each whose workflow condition holds now
 * (json-logic over `record`, `user` = the scheduler, `now` = the occurrence), once per schedule key, in
 * one batch insert and one enqueue. Answers how many runs this call started; a key
 * started before (by another worker, an earlier try) counts for nothing.
 */
export async function startScheduledRuns(
  deps: ScheduleRunDeps,
  workflow: Workflow,
  version: number,
  candidates: readonly ScheduledCandidate[],
): Promise<number> {
  const actor = schedulerActor(workflow.key);
  const runs: NewRun[] = [];
  for (const candidate of candidates) {
    // `now` is the occurrence the run stands for, not the moment a worker gets to it: a
    // run late after downtime, or one a test ticks at a chosen instant, reads the same
    // dates ("30 days idle as of this morning") as a run on time.
    const scope: RunScope = {
      record: candidate.record,
      old: null,
      steps: {},
      vars: {},
      user: { id: actor.id, name: actor.name, roles: [] },
      input: null,
      now: candidate.scheduledFor.toISOString(),
    };
    try {
      if (!conditionHolds(workflow, scope, deps.registries.operations)) continue;
    } catch (err) {
      deps.logger.warn(
        { workflow: workflow.key, scheduleKey: candidate.key, err: err instanceof Error ? err.message : String(err) },
        'workflow condition failed; not started',
      );
      continue;
    }
    runs.push({
      workflow,
      version,
      scope,
      trigger: {
        type: workflow.trigger.type,
        eventId: null,
        entity: workflow.entity ?? null,
        recordId: candidate.record?.id ?? null,
        actor,
        scheduleKey: candidate.key,
        scheduledFor: candidate.scheduledFor,
        ...(candidate.missed ? { missed: candidate.missed } : {}),
      },
    });
  }
  const created = await createScheduledRuns(deps.db, runs);
  // A run that was created but not enqueued (a crash in between) is picked up by the RunSweeper.
  await enqueueRuns(
    deps.queue,
    created.filter((r) => r.status === 'queued').map((r) => r._id),
  );
  return created.length;
}
