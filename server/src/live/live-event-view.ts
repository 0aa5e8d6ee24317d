import type { Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import type { OutboxEvent } from '../audit/record-trail.js';
import { RecordAccess } from '../access/record-access.js';
import type { Actor } from '../actor/actor.js';
import { AppError } from '../errors/index.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { ApiRecord } from '../records/record-document.js';
import { RecordService } from '../records/record.service.js';

/** A committed record event as one user may see it: the record holds only what they may read. */
export interface LiveRecordEvent {
  /** The outbox event id: the SSE `id`, and what Last-Event-ID resumes from. */
  id: string;
  type: string;
  entity: string;
  recordId: string;
  version: number;
  /** The record now, presented for the user (fields hidden, masked); absent for a delete or purge. */
  record?: ApiRecord;
}

/**
 * How `actor` may see an outbox event, or null when they may not: the same engine
 * call as `GET /api/records/{entity}/{id}` (their roles, scope, shares, readable and
 * masked fields), so nothing reaches a live view that a list would not show.
 * A delete is shown to those who could read the record (it stays, soft-deleted);
 * a purge only to those who may read every record of the entity, as the record is gone.
 */
export async function liveEventFor(
  db: Db,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  actor: Actor,
  event: OutboxEvent,
): Promise<LiveRecordEvent | null> {
  if (!snapshot.entity(event.entity)) return null;
  const base = {
    id: event._id.toHexString(),
    type: event.type,
    entity: event.entity,
    recordId: event.recordId.toHexString(),
    version: event.version,
  };
  if (event.type === 'record.purge') {
    const access = new RecordAccess(db, snapshot, registries, actor);
    return access.policy(event.entity).can('read') && (await access.scope(event.entity, 'read')) === undefined ? base : null;
  }
  const records = new RecordService({ db, snapshot, registries, actor });
  const deleted = event.type === 'record.delete';
  try {
    const record = await records.get(event.entity, base.recordId, { includeDeleted: deleted });
    return deleted ? base : { ...base, record };
  } catch (err) {
    // Not readable by them (403), outside their scope or gone since (404): not theirs to see.
    if (err instanceof AppError && (err.status === 403 || err.status === 404)) return null;
    throw err;
  }
}
