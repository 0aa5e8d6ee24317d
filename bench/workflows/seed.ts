import { ObjectId, type Db, type Document } from 'mongodb';
import { loadRecords, type LoadResult } from '../lib/load.js';
import { TICKET } from './bundle.js';

const PRIORITIES = ['low', 'normal', 'high'] as const;

/**
 * Loads `count` tickets that were triaged long ago, straight into `rec_ticket` with the
 * driver's `insertMany` in the engine's storage format (values, then the system fields
 * a create sets). They leave no outbox event, so no run: they are the population the
 * measured workflow's record reads and updates meet, as in a database in use.
 */
export async function seedTickets(db: Db, count: number, batch = 1000): Promise<LoadResult> {
  const at = new Date(Date.UTC(2026, 0, 1));
  let n = 0;
  const ticket = (): Document & { _id: ObjectId } => {
    n += 1;
    const priority = PRIORITIES[n % PRIORITIES.length]!;
    return {
      _id: new ObjectId(),
      subject: `Old ticket ${n}`,
      priority,
      status: 'triaged',
      urgent: priority === 'high',
      _version: 2,
      _createdAt: at,
      _updatedAt: at,
      _createdBy: 'system',
      _updatedBy: 'system',
      _ownerId: 'system',
      _deletedAt: null,
    };
  };
  return await loadRecords(db.collection(`rec_${TICKET}`), (size) => Array.from({ length: size }, ticket), count, batch);
}
