import { MongoServerError, type Db } from 'mongodb';

/** The ledger of side effects that workflow steps completed, keyed by idempotency key. */
export const STEP_EFFECTS = 'workflow_step_effects';

interface StepEffectDoc {
  /** The step execution's idempotency key (`<run>:<step>:<path>:<loop>:<visit>`): unique by being the id. */
  _id: string;
  type: string;
  output: unknown;
  at: Date;
}

/**
 * What a step that reaches outside (an HTTP call, an email) answered when it last
 * succeeded under this key, if it did. A step replayed after a crash, or retried after
 * its effect went out but before the run state was saved, answers this instead of
 * acting again. The window between the effect and recordEffect stays open; that is
 * what the Idempotency-Key header and the Message-ID cover downstream.
 */
export async function recordedEffect(db: Db, key: string): Promise<Record<string, unknown> | undefined> {
  const doc = await db.collection<StepEffectDoc>(STEP_EFFECTS).findOne({ _id: key });
  return doc ? { ...(doc.output as Record<string, unknown>), replayed: true } : undefined;
}

/** Records that the step's effect happened; a second record for the key is ignored. */
export async function recordEffect(db: Db, key: string, type: string, output: unknown): Promise<void> {
  try {
    await db.collection<StepEffectDoc>(STEP_EFFECTS).insertOne({ _id: key, type, output, at: new Date() });
  } catch (err) {
    if (!(err instanceof MongoServerError) || err.code !== 11000) throw err;
  }
}
