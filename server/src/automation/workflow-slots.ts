import { MongoServerError, type Db } from 'mongodb';

/** Slots of workflows with `concurrency`: `{_id: "<workflow>:<n>", workflow, slot, run, token, until}`. */
export const WORKFLOW_SLOTS = 'workflow_slots';

interface SlotDoc {
  _id: string;
  workflow: string;
  slot: number;
  run: string;
  token: string;
  until: Date;
}

function slots(db: Db) {
  return db.collection<SlotDoc>(WORKFLOW_SLOTS);
}

/**
 * Takes one of a workflow's `limit` slots for a run's execution, until `until` (renewed
 * with the run's lease). A workflow with `concurrency: n` executes a run only while the
 * run holds one of slots 0 … n-1, so at no instant do more than n execute, however
 * many jobs and workers start at once.
 *
 * Each slot is one document and is taken with one atomic write: an insert of a missing
 * slot, or a conditional upsert of one whose holder's time ran out (its worker died) or
 * that this run held already (an execution of it that died). Two takers of one slot
 * meet at its `_id`, and the loser gets a duplicate-key error. A count of running runs
 * followed by a write, as before, let every job that counted at the same moment start.
 * Answers the slot's id, or undefined when all are held.
 */
export async function takeSlot(
  db: Db,
  workflow: string,
  limit: number,
  holder: { run: string; token: string; until: Date },
  now = new Date(),
): Promise<string | undefined> {
  const held = await slots(db)
    .find({ _id: { $regex: `^${workflow}:` } }, { projection: { slot: 1, run: 1, until: 1 } })
    .toArray();
  const byIndex = new Map(held.map((s) => [s.slot, s]));
  const own = held.filter((s) => s.run === holder.run).map((s) => s.slot);
  const free: number[] = [];
  for (let i = 0; i < limit && free.length < 3; i++) {
    const slot = byIndex.get(i);
    if (!slot || slot.until <= now) free.push(i);
  }
  for (const slot of [...own.filter((i) => i < limit), ...free]) {
    const _id = `${workflow}:${slot}`;
    try {
      const result = await slots(db).updateOne(
        { _id, $or: [{ until: { $lte: now } }, { run: holder.run }] },
        { $set: { workflow, slot, ...holder } },
        { upsert: true },
      );
      if (result.matchedCount + result.upsertedCount === 1) return _id;
    } catch (err) {
      if (!(err instanceof MongoServerError) || err.code !== 11000) throw err; // another taker was first
    }
  }
  return undefined;
}

/** Extends a held slot; false when it is no longer this holder's. */
export async function renewSlot(db: Db, id: string, token: string, until: Date): Promise<boolean> {
  return (await slots(db).updateOne({ _id: id, token }, { $set: { until } })).matchedCount === 1;
}

/** Gives a slot back (only if this holder still has it). */
export async function releaseSlot(db: Db, id: string, token: string): Promise<void> {
  await slots(db).deleteOne({ _id: id, token });
}
