import type { Queue } from 'bullmq';
import type { Document } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import type { MetadataCache } from '../../metadata/metadata-cache.js';
import type { CompiledEntity } from '../../records/compiled-entity.js';
import { recordCollection } from '../../record-storage/record-collections.js';
import { toApiRecord } from '../../records/record-document.js';
import { toStorage } from '../../record-storage/field-codec.js';
import type { RecordEventSubscriber } from '../record-events.js';
import { disabledWorkflows } from '../workflow-runs.js';
import { compiledOf, dateKey } from './schedule-firing.js';
import { startScheduledRuns } from './schedule-runs.js';
import { dueTime } from './schedule-time.js';
import { DEFAULT_CATCH_UP_DAYS, dateKind, type DateFieldSettings } from './schedule-triggers.js';

const DAY_MS = 86_400_000;

export interface ScheduleCatchUpDeps {
  cache: MetadataCache;
  registries: BundleRegistries;
  /** The `workflows` queue. */
  queue: Queue;
}

/**
 * Fires `date_field` workflows for a record that is created, or whose date field
 * changes, with a due time already past: the ticks only look ahead of their watermark,
 * so without this such a record would never fire (Salesforce runs a scheduled path
 * whose time has passed at once, too). Each fires once per record and due time: the
 * schedule key is the one a tick would use, so a tick and this never both start it.
 * A due time still ahead is left to the ticks; one more than `catchUpDays` ago (7 by
 * default) is let go, so an import of old records does not start a run for each.
 */
export function scheduleCatchUp(deps: ScheduleCatchUpDeps): RecordEventSubscriber {
  return {
    types: ['record.create', 'record.update'],
    async handle(event, { db, logger }) {
      const snapshot = await deps.cache.current();
      const watching = snapshot.bundle.workflows.filter(
        (w) => w.trigger.type === 'date_field' && w.entity === event.entity && w.active !== false,
      );
      if (watching.length === 0) return;
      const disabled = await disabledWorkflows(db);
      const compiled = compiledOf({ snapshot, registries: deps.registries }, event.entity);
      const now = new Date();
      let doc: Document | null | undefined;
      for (const workflow of watching) {
        const settings = workflow.trigger as unknown as DateFieldSettings;
        if (disabled.has(workflow.key) || (event.type === 'record.update' && !event.changed?.includes(settings.field))) continue;
        const kind = dateKind(snapshot, event.entity, settings.field);
        if (!kind) continue;
        // The event's own value tells whether the date is still ahead, without a read.
        const announced = storedDate(compiled, settings.field, event.after);
        if (announced && dueTime(announced, kind, settings).getTime() > now.getTime()) continue;
        doc ??= await recordCollection(db, event.entity).findOne({ _id: event.recordId, _deletedAt: null });
        if (!doc) return;
        const value: unknown = doc[settings.field];
        if (!(value instanceof Date)) continue;
        const due = dueTime(value, kind, settings);
        if (due.getTime() > now.getTime()) continue;
        if (now.getTime() - due.getTime() > (settings.catchUpDays ?? DEFAULT_CATCH_UP_DAYS) * DAY_MS) continue;
        const record = toApiRecord(compiled, doc);
        await startScheduledRuns({ db, registries: deps.registries, queue: deps.queue, logger }, workflow, snapshot.version, [
          { key: dateKey(record.id, due), scheduledFor: due, record },
        ]);
      }
    },
  };
}

/** The field's value in an event's `after` values (API form) as stored, if it is there. */
function storedDate(compiled: CompiledEntity, field: string, after: Record<string, unknown> | null | undefined): Date | undefined {
  const definition = compiled.fields.get(field);
  if (!definition || typeof after?.[field] !== 'string') return undefined;
  const stored = toStorage(definition, after[field]);
  return stored instanceof Date && !Number.isNaN(stored.getTime()) ? stored : undefined;
}
