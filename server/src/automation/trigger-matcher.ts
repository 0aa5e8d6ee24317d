import type { Queue } from 'bullmq';
import type { BundleRegistries } from '@metacrm/metadata';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import type { OutboxEvent } from '../audit/record-trail.js';
import type { RecordEventSubscriber } from './record-events.js';
import { conditionHolds, type RunScope } from './run-scope.js';
import { RECORD_TRIGGERS } from './workflow-triggers.js';
import { createRun, disabledWorkflows, enqueueRun } from './workflow-runs.js';

export interface TriggerMatcherDeps {
  cache: MetadataCache;
  registries: BundleRegistries;
  /** The `workflows` queue. */
  queue: Queue;
}

/**
 * Starts workflow runs for record events: every active workflow of the current
 * metadata whose record trigger fits the event (entity, kind, changed fields) and
 * whose condition holds. One run per event and workflow (a unique index), so an event
 * delivered twice starts nothing twice; the run is enqueued with jobId = run id. A
 * chain of workflow-made writes deeper than MAX_CAUSATION_DEPTH gives a failed run
 * whose reason names the chain, instead of another loop.
 */
export function triggerMatcher(deps: TriggerMatcherDeps): RecordEventSubscriber {
  return {
    types: Object.values(RECORD_TRIGGERS),
    async handle(raw, { db, logger }) {
      const event = raw;
      const snapshot = await deps.cache.current();
      const candidates = snapshot.bundle.workflows.filter(
        (w) => w.active !== false && w.entity === event.entity && RECORD_TRIGGERS[w.trigger.type] === event.type,
      );
      const disabled = candidates.length > 0 ? await disabledWorkflows(db) : new Set<string>();
      const matching = candidates.filter((w) => !disabled.has(w.key));
      for (const workflow of matching) {
        const fields = (workflow.trigger as { fields?: string[] }).fields;
        if (event.type === 'record.update' && fields?.length && !fields.some((f) => event.changed.includes(f))) continue;
        const scope = eventScope(event);
        try {
          if (!conditionHolds(workflow, scope, deps.registries.operations)) continue;
        } catch (err) {
          logger.warn(
            { workflow: workflow.key, err: err instanceof Error ? err.message : String(err) },
            'workflow condition failed; not started',
          );
          continue;
        }
        const run = await createRun(db, {
          workflow,
          version: snapshot.version,
          trigger: {
            type: workflow.trigger.type,
            eventId: event._id,
            entity: event.entity,
            recordId: event.recordId.toHexString(),
            actor: event.actor,
          },
          scope,
          causation: { depth: event.causationDepth ?? 0, chain: event.causationChain ?? [] },
        });
        if (run.status === 'queued') await enqueueRun(deps.queue, run._id);
      }
    },
  };
}

function eventScope(event: OutboxEvent): RunScope {
  const values = event.after ?? event.before ?? {};
  return {
    record: { ...values, id: event.recordId.toHexString() },
    old: event.before,
    steps: {},
    vars: {},
    user: { id: event.actor.id, name: event.actor.name, roles: event.actor.roles ?? [] },
    input: null,
  };
}
