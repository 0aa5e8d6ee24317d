import { MongoServerError, type Db } from 'mongodb';
import { StepOutcomeUnknown } from './actions.errors.js';

/** The ledger of side effects that workflow steps claimed and completed, keyed by idempotency key. */
export const STEP_EFFECTS = 'workflow_step_effects';

interface StepEffectDoc {
  /** The step execution's idempotency key (`<run>:<step>:<path>:<loop>:<visit>`): unique by being the id. */
  _id: string;
  type: string;
  /** `pending`: claimed by `owner` and under way; `done` (or absent, in entries older than claims): it happened. */
  state?: 'pending' | 'done';
  /** The run execution (lease token) that claimed it. */
  owner?: string;
  output?: unknown;
  at: Date;
}

/** What effectOnce needs of a step's context. */
export interface EffectContext {
  db: Db;
  idempotencyKey: string;
  execution: string;
}

function effects(db: Db) {
  return db.collection<StepEffectDoc>(STEP_EFFECTS);
}

/**
 * Runs a step's effect outside the platform (an HTTP call, an email) at most once per
 * idempotency key, and answers its output; a replay answers the recorded output with
 * `replayed: true`.
 *
 * Before acting, the execution claims the key (`pending`, owned by it); after, it records
 * the output (`done`). If `act` throws, the effect did not happen (a refusal, a 5xx, a
 * network failure before an answer) and the claim is dropped, so a retry acts again.
 * What is left is a claim whose execution died while acting: a worker killed after the
 * receiver answered and before the answer was recorded. Nothing can tell whether that
 * call took effect, so it is not made again on its own: the step fails with
 * STEP_OUTCOME_UNKNOWN, the run fails with that reason, and retrying the run (an
 * operator's decision, see forgetUnfinishedEffects) sends it again under the same key,
 * which a receiver that honours Idempotency-Key answers without acting twice.
 */
export async function effectOnce(
  ctx: EffectContext,
  type: string,
  act: () => Promise<Record<string, unknown>>,
  options: EffectOptions = {},
): Promise<Record<string, unknown>> {
  const { db, idempotencyKey: key, execution } = ctx;
  const recorded = await claim(db, key, type, execution, options.resendWhenUnsure === true);
  if (recorded) return { ...recorded, replayed: true };
  let output: Record<string, unknown>;
  try {
    output = await act();
  } catch (err) {
    // Should the drop itself fail, the claim stays and a later execution reports the outcome unknown.
    await effects(db)
      .deleteOne({ _id: key, owner: execution, state: 'pending' })
      .catch(() => undefined);
    throw err;
  }
  await effects(db).updateOne({ _id: key }, { $set: { state: 'done', output, at: new Date() } });
  return output;
}

export interface EffectOptions {
  /**
   * The receiver deduplicates by the idempotency key (as payment APIs do with
   * Idempotency-Key), so a call that a dead execution left under way is sent again
   * under the same key, by taking its claim over, instead of failing the step.
   */
  resendWhenUnsure?: boolean;
}

/** Claims the key for `execution`; answers the recorded output instead when the effect happened already. */
async function claim(
  db: Db,
  key: string,
  type: string,
  execution: string,
  takeOver: boolean,
): Promise<Record<string, unknown> | undefined> {
  try {
    await effects(db).insertOne({ _id: key, type, state: 'pending', owner: execution, at: new Date() });
    return undefined;
  } catch (err) {
    if (!(err instanceof MongoServerError) || err.code !== 11000) throw err;
  }
  const doc = await effects(db).findOne({ _id: key });
  if (!doc) return await claim(db, key, type, execution, takeOver); // dropped meanwhile (the other attempt failed)
  if (doc.state !== 'pending') return (doc.output ?? {}) as Record<string, unknown>;
  if (doc.owner === execution) return undefined;
  if (takeOver) {
    // Only the run's current execution (it holds the run's lease) gets here; the dead owner's claim becomes ours.
    const taken = await effects(db).updateOne(
      { _id: key, state: 'pending', owner: doc.owner },
      { $set: { owner: execution, at: new Date() } },
    );
    return taken.modifiedCount === 1 ? undefined : await claim(db, key, type, execution, takeOver);
  }
  throw StepOutcomeUnknown(
    `The worker running this step stopped while it was under way (since ${doc.at.toISOString()}), so it may or may not have taken effect; it is not repeated on its own. Retrying the run makes the call again with the same idempotency key.`,
    { key, type, since: doc.at.toISOString() },
  );
}

/**
 * Drops the claims that a run's dead executions left unfinished, so that retrying the
 * run makes those calls again (with their same idempotency keys). Only for a retry
 * that an operator asked for: it accepts that a call may reach its receiver twice.
 */
export async function forgetUnfinishedEffects(db: Db, runId: string): Promise<number> {
  const result = await effects(db).deleteMany({ _id: { $regex: `^${runId}:` }, state: 'pending' });
  return result.deletedCount;
}
