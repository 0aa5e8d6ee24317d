import type { Queue } from 'bullmq';
import type { Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { decidedUnresumed, wakeRun } from './approvals.js';
import { enqueueRun, runs } from './workflow-runs.js';

/**
 * Puts back on the queue any run that should be moving but has no job: queued or
 * running runs not touched for `staleMs`, and waiting runs whose delay is due. BullMQ
 * itself retries a job whose worker died (stalled jobs); this covers jobs Redis lost
 * (a restart without persistence). Several workers may sweep at once: a job that
 * already exists is left as it is.
 */
export class RunSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(private readonly options: { db: Db; queue: Queue; logger: Logger; everyMs?: number; staleMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweepOnce()
        .catch((err: unknown) => this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'run sweeper failed'))
        .finally(() => (this.sweeping = undefined));
    }, this.options.everyMs ?? 15_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep; answers how many runs it re-enqueued. */
  async sweepOnce(staleMs = this.options.staleMs ?? 60_000): Promise<number> {
    const { db, queue, logger } = this.options;
    const now = new Date();
    // Two flat queries on the by_status index, not one $or: the embedded server scans the
    // whole collection for an $or (test/compat/README.md), 200 ms at 2,400 runs.
    const [stale, due] = await Promise.all([
      runs(db)
        .find(
          { status: { $in: ['queued', 'running'] }, updatedAt: { $lte: new Date(now.getTime() - staleMs) } },
          { projection: { _id: 1 }, limit: 1000 },
        )
        .toArray(),
      runs(db)
        .find({ status: 'waiting', 'paths.waitUntil': { $lte: now } }, { projection: { _id: 1 }, limit: 1000 })
        .toArray(),
    ]);
    const candidates = [...stale, ...due];
    let requeued = 0;
    // Approvals decided while their run was busy: wake the run to take the decision in.
    for (const runId of await decidedUnresumed(db, new Date(now.getTime() - staleMs / 4))) {
      await wakeRun(db, queue, runId);
    }
    for (const { _id } of candidates) {
      const job = await queue.getJob(_id.toHexString());
      if (job && !(await job.isCompleted()) && !(await job.isFailed())) continue;
      if (job) await job.remove();
      await enqueueRun(queue, _id);
      requeued++;
    }
    if (requeued > 0) logger.warn({ requeued }, 'run sweeper re-enqueued runs whose jobs were lost');
    return requeued;
  }
}
