import { randomUUID } from 'node:crypto';
import type { ClientSession, Db, ObjectId } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { DEFAULT_LEASE_MS, WORKER_ID } from '../queues/jobs.js';
import { releaseSlot, renewSlot, takeSlot } from './workflow-slots.js';
import { runs, type RunLease, type RunStatus } from './workflow-runs.js';

/** The statuses in which a run may be executed. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting'];

export type LeaseClaim = { held: true } | { held: false; status: RunStatus | null; until: Date | null };

/**
 * The right of one execution to run one workflow run, a fencing token in the run
 * document. BullMQ can hand a run to two executions at once: a job whose lock lapsed
 * while its worker still ran it, a job the sweeper put back after Redis lost it while a
 * worker was busy with it. Without a fence both would run the steps and the later
 * save would overwrite the earlier, so a step could act twice. With it:
 *
 * - an execution first takes the lease (free, or expired because its holder died),
 *   then reads the state to run from; every save is conditioned on its token, so an
 *   execution that lost the lease stops at its next save;
 * - it renews the lease (and its concurrency slot) at a third of its length (WORKER_LEASE_MS,
 *   15 s) while it works, also while one step takes long; a dead worker's run is taken
 *   over once its lease lapses;
 * - it gives both up when the run parks, ends, or fails a step for a retry.
 *
 * Its token is also the owner of the side-effect claims its steps make (step-effects.ts),
 * so a later execution can tell a call cut short by a crash from its own.
 */
export class RunLeaseKeeper {
  readonly lease: RunLease;
  private timer: NodeJS.Timeout | undefined;
  private slot: string | undefined;
  private released = false;

  /**
   * The session this execution's record writes run their transactions in. Its id is in
   * the lease, so that whoever takes a lapsed lease over can end a transaction the dead
   * holder left open: MongoDB keeps such a transaction, and the record it wrote stays
   * locked to other writers, for a minute (transactionLifetimeLimitSeconds), which is
   * exactly the record the replayed step goes on to write.
   */
  readonly session: ClientSession;

  constructor(
    private readonly db: Db,
    private readonly runId: ObjectId,
    private readonly logger: Logger,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {
    this.session = db.client.startSession();
    this.lease = { token: randomUUID(), worker: WORKER_ID, until: this.expiry(), session: this.session.id?.id ?? null };
  }

  /**
   * Takes the lease if it is free, or over from a holder whose lease lapsed (ending that
   * holder's session), and marks the run `running` in the same write; otherwise says
   * who has it until when. Each case is its own flat filter, not one `$or`: the embedded
   * server scans the whole collection for `{_id, $or: […]}` (test/compat/README.md).
   */
  async claim(now = new Date()): Promise<LeaseClaim> {
    const take = { $set: { lease: this.lease, status: 'running' as const } };
    const active = { $in: [...ACTIVE_STATUSES] };
    let taken = (await runs(this.db).updateOne({ _id: this.runId, status: active, lease: null }, take)).matchedCount === 1;
    if (!taken) {
      const current = await runs(this.db).findOne({ _id: this.runId }, { projection: { status: 1, lease: 1 } });
      const previous = current?.lease;
      if (!current || !ACTIVE_STATUSES.includes(current.status) || !previous || previous.until > now) {
        await this.release();
        return { held: false, status: current?.status ?? null, until: previous?.until ?? null };
      }
      taken = (await runs(this.db).updateOne({ _id: this.runId, status: active, 'lease.token': previous.token }, take)).matchedCount === 1;
      if (!taken) {
        await this.release();
        return { held: false, status: current.status, until: null };
      }
      if (previous.session) await this.endTransactionOf(previous);
    }
    this.timer = setInterval(() => void this.renew(), this.leaseMs / 3);
    this.timer.unref();
    return { held: true };
  }

  /** Ends the session of a holder whose lease lapsed, aborting a transaction it left open. */
  private async endTransactionOf(previous: RunLease): Promise<void> {
    try {
      await this.db.admin().command({ killSessions: [{ id: previous.session }] });
      this.logger.info(
        { runId: this.runId.toHexString(), worker: previous.worker },
        'took over a run whose worker stopped renewing its lease',
      );
    } catch (err) {
      this.logger.warn(
        { runId: this.runId.toHexString(), err: err instanceof Error ? err.message : String(err) },
        'could not end the session of the previous holder; its transaction lapses by itself',
      );
    }
  }

  /** Takes one of the workflow's `limit` concurrency slots for as long as the lease is held. */
  async takeSlot(workflow: string, limit: number): Promise<boolean> {
    this.slot = await takeSlot(this.db, workflow, limit, { run: this.runId.toHexString(), token: this.lease.token, until: this.expiry() });
    return this.slot !== undefined;
  }

  /**
   * Stops renewing and gives the slot and the lease back: `saved` when the execution's
   * last save, which parked or ended the run, cleared the lease already; `status` to set
   * with it (a run that did not get to run after all is `queued` again). Never throws:
   * what it cannot give back lapses by itself.
   */
  async release({ saved = false, status }: { saved?: boolean; status?: RunStatus } = {}): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    const slot = this.slot;
    this.slot = undefined;
    const held = this.timer !== undefined;
    await Promise.all([
      slot ? releaseSlot(this.db, slot, this.lease.token) : undefined,
      saved || !held
        ? undefined
        : runs(this.db).updateOne(
            { _id: this.runId, 'lease.token': this.lease.token },
            { $set: { lease: null, ...(status ? { status } : {}) } },
          ),
      this.session.endSession(),
    ]).catch((err: unknown) =>
      this.logger.warn(
        { runId: this.runId.toHexString(), err: err instanceof Error ? err.message : String(err) },
        'run lease not released; it lapses by itself',
      ),
    );
  }

  private async renew(): Promise<void> {
    const until = this.expiry();
    // A lease no longer ours (a save cleared it, or another execution took it over after
    // it lapsed) is left alone: the execution's next save fails on the token and it stops.
    try {
      await Promise.all([
        runs(this.db).updateOne({ _id: this.runId, 'lease.token': this.lease.token }, { $set: { 'lease.until': until } }),
        this.slot ? renewSlot(this.db, this.slot, this.lease.token, until) : undefined,
      ]);
    } catch (err) {
      this.logger.warn(
        { runId: this.runId.toHexString(), err: err instanceof Error ? err.message : String(err) },
        'run lease renewal failed',
      );
    }
  }

  /** When a lease taken or renewed now lapses. */
  expiry(): Date {
    return new Date(Date.now() + this.leaseMs);
  }
}
