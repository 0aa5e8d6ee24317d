import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long an unversioned update goes on re-applying itself on the newest version
 * before it gives up. Each try re-reads the record and recomputes formulas and rules,
 * so a busy record costs tries, never lost writes; the limit only bounds a request.
 */
export const REAPPLY_LIMIT_MS = 15_000;
const BASE_MS = 4;
const CAP_MS = 250;

/**
 * Waits before try `attempt` (1, 2, ...) of an update that lost a race: exponential
 * with full jitter (a random wait up to 4, 8, 16 ... 250 ms), so writers that collided
 * spread out instead of colliding again in step. Resolves false once `startedAt` is
 * more than REAPPLY_LIMIT_MS ago: time to give up.
 */
export async function backoffBeforeRetry(attempt: number, startedAt: number): Promise<boolean> {
  if (Date.now() - startedAt > REAPPLY_LIMIT_MS) return false;
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempt, 16));
  await sleep(Math.random() * ceiling);
  return true;
}

/** The tail of the queue of unversioned updates of each record in this process. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after the unversioned updates of the same record that this process
 * started before it. Optimistic retries alone cost O(n²) tries when n writers hit one
 * record at once (each round only one wins); queued in-process, they go one after the
 * other and only writers in other processes still race (and back off).
 */
export async function queuedPerRecord<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    // The last in line clears the key, so idle records hold no memory.
    if (queues.get(key) === tail) queues.delete(key);
  }
}
