import type { Db } from 'mongodb';
import { SHARES } from '../access/record-shares.js';
import { AUDIT_LOG, OUTBOX, RECORD_REVISIONS } from '../audit/record-trail.js';

/**
 * The indexes of the collections every entity shares, created at start (idempotent):
 * a record's history in order, audit entries by record and by request (the import
 * resume looks rows up by request id), unsent outbox events for the relay, processed
 * ones expiring after a week, and the
 * shares that widen record scopes.
 */
export async function ensureRecordIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection(RECORD_REVISIONS).createIndex({ entity: 1, recordId: 1, version: -1 }, { name: 'by_record' }),
    db.collection(AUDIT_LOG).createIndex({ recordId: 1, at: -1 }, { name: 'by_record' }),
    db.collection(AUDIT_LOG).createIndex({ requestId: 1 }, { name: 'by_request' }),
    db.collection(OUTBOX).createIndex({ sentAt: 1, createdAt: 1 }, { name: 'unsent' }),
    // Processed events are kept a week (for inspection and the workflow run log), then dropped.
    db.collection(OUTBOX).createIndex({ processedAt: 1 }, { name: 'processed_ttl', expireAfterSeconds: 7 * 24 * 3600 }),
    db
      .collection(SHARES)
      .createIndex({ entity: 1, recordId: 1, 'principal.type': 1, 'principal.id': 1 }, { name: 'by_record', unique: true }),
    db.collection(SHARES).createIndex({ 'principal.id': 1, entity: 1 }, { name: 'by_principal' }),
  ]);
}
