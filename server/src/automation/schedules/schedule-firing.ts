import type { FindCursor } from 'mongodb';
import type { Workflow } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import { compiledEntity, type CompiledEntity } from '../../records/compiled-entity.js';
import { recordCollection } from '../../record-storage/record-collections.js';
import { toApiRecord } from '../../records/record-document.js';
import { compileFilter } from '../../query/index.js';
import { startScheduledRuns, type ScheduleRunDeps, type ScheduledCandidate } from './schedule-runs.js';
import { dueTime, latestOccurrence, storedWindow } from './schedule-time.js';
import { dateKind, type DateFieldSettings, type ScheduleSettings } from './schedule-triggers.js';

/** Runs are created and enqueued this many at a time. */
const BATCH = 500;

export interface FiringContext extends ScheduleRunDeps {
  snapshot: MetadataSnapshot;
  /** A cron over an entity starts runs for at most this many records per occurrence. */
  maxRecords: number;
}

/** What one firing did, kept on the workflow's schedule document and logged. */
export interface Firing {
  /** The cron occurrence fired (schedule triggers). */
  occurrence?: Date;
  /** Earlier occurrences it stood for (downtime, a late tick). */
  missed?: number;
  /** Records it considered (before the workflow condition). */
  records: number;
  started: number;
  /** Matching records left out over the cap. */
  skipped?: number;
}

/** The schedule key of a record's due time: one run per record and due time. */
export function dateKey(recordId: string, due: Date): string {
  return `date:${recordId}:${due.toISOString()}`;
}

/**
 * Fires a cron workflow for the latest occurrence in (from, through], if any: one run
 * with no record, or, with an entity, one per live record matching the filter (its
 * relative dates read at the occurrence, in the trigger's time zone), in id order up
 * to `maxRecords`; the rest are counted and logged, not started.
 */
export async function fireCron(
  ctx: FiringContext,
  workflow: Workflow,
  settings: ScheduleSettings,
  from: Date,
  through: Date,
): Promise<Firing | undefined> {
  const timeZone = settings.timezone ?? 'UTC';
  const occurrence = latestOccurrence(settings.cron, timeZone, from, through);
  if (!occurrence) return undefined;
  const { at, missed } = occurrence;
  const iso = at.toISOString();
  const firing: Firing = { occurrence: at, missed, records: 0, started: 0 };
  if (workflow.entity === undefined) {
    firing.started = await startScheduledRuns(ctx, workflow, ctx.snapshot.version, [
      { key: `cron:${iso}`, scheduledFor: at, record: null, missed },
    ]);
    return firing;
  }
  const compiled = compiledOf(ctx, workflow.entity);
  const query = compileFilter(settings.filter, compiled.entity, { fieldTypes: ctx.registries.fieldTypes, now: at, timeZone });
  const records = recordCollection(ctx.db, workflow.entity);
  const cursor = records.find(query, { sort: { _id: 1 }, limit: ctx.maxRecords + 1, batchSize: BATCH });
  const capped = await inBatches(cursor, ctx.maxRecords, async (docs) => {
    firing.records += docs.length;
    const candidates = docs.map((doc): ScheduledCandidate => {
      const record = toApiRecord(compiled, doc);
      return { key: `cron:${iso}:${record.id}`, scheduledFor: at, record, missed };
    });
    firing.started += await startScheduledRuns(ctx, workflow, ctx.snapshot.version, candidates);
  });
  if (capped) {
    firing.skipped = (await records.countDocuments(query)) - ctx.maxRecords;
    ctx.logger.warn(
      { workflow: workflow.key, occurrence: iso, started: firing.started, skipped: firing.skipped, cap: ctx.maxRecords },
      'scheduled workflow matched more records than one firing starts; the rest were skipped',
    );
  }
  return firing;
}

/**
 * Fires a date_field workflow for every live record whose due time (its date moved by
 * the offset) falls in (from, through]: all of them, since each is a different record.
 * The query reads a slightly wider range of stored values; each record's exact due
 * time decides.
 */
export async function fireDates(
  ctx: FiringContext,
  workflow: Workflow,
  settings: DateFieldSettings,
  from: Date,
  through: Date,
): Promise<Firing> {
  const entity = workflow.entity ?? '';
  const compiled = compiledOf(ctx, entity);
  const kind = dateKind(ctx.snapshot, entity, settings.field);
  if (!kind) throw new Error(`"${settings.field}" is not a date or datetime field of ${entity}`);
  const [low, high] = storedWindow(kind, settings, from, through);
  // The field name comes from published metadata (checked at publish), not from a client.
  const cursor = recordCollection(ctx.db, entity).find(
    { _deletedAt: null, [settings.field]: { $gt: low, $lte: high } },
    { sort: { [settings.field]: 1, _id: 1 }, batchSize: BATCH },
  );
  const firing: Firing = { records: 0, started: 0 };
  await inBatches(cursor, Number.POSITIVE_INFINITY, async (docs) => {
    const candidates: ScheduledCandidate[] = [];
    for (const doc of docs) {
      const value: unknown = doc[settings.field];
      if (!(value instanceof Date)) continue;
      const due = dueTime(value, kind, settings);
      if (due.getTime() <= from.getTime() || due.getTime() > through.getTime()) continue;
      const record = toApiRecord(compiled, doc);
      candidates.push({ key: dateKey(record.id, due), scheduledFor: due, record });
    }
    firing.records += candidates.length;
    firing.started += await startScheduledRuns(ctx, workflow, ctx.snapshot.version, candidates);
  });
  return firing;
}

export function compiledOf(ctx: Pick<FiringContext, 'snapshot' | 'registries'>, entity: string): CompiledEntity {
  const compiled = compiledEntity(ctx.snapshot, entity, ctx.registries);
  if (!compiled) throw new Error(`No entity "${entity}" in metadata version ${ctx.snapshot.version}`);
  return compiled;
}

/** Hands the cursor's documents over BATCH at a time, up to `cap`; true when more were left. */
async function inBatches<T>(cursor: FindCursor<T>, cap: number, each: (docs: T[]) => Promise<void>): Promise<boolean> {
  let batch: T[] = [];
  let seen = 0;
  let capped = false;
  try {
    for await (const doc of cursor) {
      if (seen === cap) {
        capped = true;
        break;
      }
      seen++;
      batch.push(doc);
      if (batch.length === BATCH) {
        await each(batch);
        batch = [];
      }
    }
  } finally {
    await cursor.close();
  }
  if (batch.length > 0) await each(batch);
  return capped;
}
