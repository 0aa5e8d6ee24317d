import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MongoServerError, type Db } from 'mongodb';
import type { BundleRegistries, Workflow } from '@metacrm/metadata';
import type { MetadataCache, MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { Logger } from '../../observability/logger.js';
import { RedisLease } from '../../queues/redis-lease.js';
import type { JobHandler } from '../../queues/jobs.js';
import { disabledWorkflows } from '../workflow-runs.js';
import { fireCron, fireDates, type Firing, type FiringContext } from './schedule-firing.js';
import { isScheduled, type DateFieldSettings, type ScheduleSettings } from './schedule-triggers.js';

/** Per scheduled workflow: the instant it has fired through (the watermark). */
export const SCHEDULES = 'workflow_schedules';
/** The tick's job on the workflows queue, and the BullMQ job scheduler that makes it. */
export const SCHEDULE_TICK_JOB = 'schedule-tick';
export const TICK_SCHEDULER_ID = 'workflow-schedules';
export const DEFAULT_SCHEDULE_TICK_MS = 10_000;
/** A cron over an entity starts runs for at most this many records per occurrence. */
export const MAX_RECORDS_PER_FIRING = 10_000;
/**
 * A tick holds the tick lease this long at most: a worker that dies mid-tick delays
 * the ticks by no more than this, and a tick that runs longer may meet another one,
 * which only repeats work (schedule keys keep the runs single).
 */
const LEASE_MS = 15_000;

export interface ScheduleDoc {
  /** The workflow key. */
  _id: string;
  /** Everything due up to this instant has been fired (or deliberately passed over). */
  through: Date;
  /** The metadata version of the tick that last moved it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  lastFiring?: Firing & { at: Date };
}

export interface WorkflowSchedulerOptions {
  db: Db;
  cache: MetadataCache;
  registries: BundleRegistries;
  /** The `workflows` queue: the tick job and the runs it starts. */
  queue: Queue;
  /** The command connection, for the tick lease. */
  redis: Redis;
  /** QUEUE_PREFIX, for the lease key. */
  prefix: string;
  logger: Logger;
  tickMs?: number | undefined;
  maxRecordsPerFiring?: number | undefined;
}

export interface TickReport {
  workflows: number;
  started: number;
  /** Workflows whose firing failed this tick; their watermark stays, so the next tick tries again. */
  failed: string[];
}

/**
 * Fires `schedule` and `date_field` workflows. MongoDB holds the truth: per workflow a
 * watermark (`workflow_schedules.through`). Each tick fires what fell due in
 * (watermark, now], with one unique schedule key per run, then moves the watermark up
 * (`$max`). So two workers ticking at once, or a tick repeated after a crash, start
 * nothing twice, and after downtime (or Redis losing everything) the next tick catches
 * up: one run for a cron, every due record for a date field.
 *
 * The tick is a BullMQ job scheduler (every `tickMs`) on the workflows queue, run by
 * whichever worker takes it. Every worker upserts it at start and checks each tick
 * interval that Redis still has it, so it comes back without a restart.
 */
export class WorkflowScheduler {
  private keeper: NodeJS.Timeout | undefined;
  private keeping: Promise<unknown> | undefined;
  private readonly lease: RedisLease;
  private ticking = false;

  constructor(private readonly options: WorkflowSchedulerOptions) {
    this.lease = new RedisLease(options.redis, `${options.prefix}:workflow-schedules:tick`, LEASE_MS);
  }

  get tickMs(): number {
    return this.options.tickMs ?? DEFAULT_SCHEDULE_TICK_MS;
  }

  /** Upserts the tick's job scheduler now (a changed interval takes effect) and keeps checking it is there. */
  async start(): Promise<void> {
    await this.ensureTick(true).catch((err: unknown) => this.warn(err, 'could not upsert the schedule tick yet'));
    this.keeper = setInterval(
      () => {
        this.keeping ??= this.ensureTick(false)
          .catch((err: unknown) => this.warn(err, 'schedule tick check failed'))
          .finally(() => (this.keeping = undefined));
      },
      Math.max(this.tickMs, 1000),
    );
    this.keeper.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.keeper);
    await this.keeping;
  }

  /** Upserts the job scheduler when forced or when Redis lacks it; answers whether it did. */
  async ensureTick(force: boolean): Promise<boolean> {
    const { queue } = this.options;
    if (!force && (await queue.getJobScheduler(TICK_SCHEDULER_ID))?.every === this.tickMs) return false;
    await queue.upsertJobScheduler(
      TICK_SCHEDULER_ID,
      { every: this.tickMs },
      { name: SCHEDULE_TICK_JOB, data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
    if (!force) this.options.logger.warn({ every: this.tickMs }, 'the schedule tick was missing from Redis; upserted it again');
    return true;
  }

  /** The `workflows:schedule-tick` job: one tick at a time across workers (a lease), then tickOnce. */
  jobHandler(): JobHandler {
    return async () => {
      // The lease keeps other workers out; this flag, this worker's other job slots.
      if (this.ticking) return { skipped: 'another tick is running' };
      this.ticking = true;
      try {
        if (!(await this.lease.acquire())) return { skipped: 'another tick is running' };
        try {
          return await this.tickOnce();
        } finally {
          await this.lease.release();
        }
      } finally {
        this.ticking = false;
      }
    };
  }

  /**
   * One tick: for every scheduled workflow of the current metadata (or only `only`),
   * fires what fell due in (watermark, now] and moves the watermark to `now`. A
   * workflow seen for the first time starts its watermark at `now` (no firing for the
   * past); a switched-off or inactive one moves it without firing, so switching it on
   * fires nothing for the time it was off. Watermarks of workflows no longer scheduled
   * are dropped, so one that comes back starts afresh.
   */
  async tickOnce(now = new Date(), only?: string): Promise<TickReport> {
    const { db } = this.options;
    const snapshot = await this.options.cache.current();
    const scheduled = snapshot.bundle.workflows.filter((w) => isScheduled(w) && (only === undefined || w.key === only));
    const keys = scheduled.map((w) => w.key);
    // Guarded by version: a worker still on older metadata leaves newer workflows' watermarks alone.
    if (only === undefined) await schedules(db).deleteMany({ _id: { $nin: keys }, version: { $lte: snapshot.version } });
    const report: TickReport = { workflows: scheduled.length, started: 0, failed: [] };
    if (scheduled.length === 0) return report;
    const [disabled, marks] = await Promise.all([
      disabledWorkflows(db),
      schedules(db)
        .find({ _id: { $in: keys } })
        .toArray(),
    ]);
    const byKey = new Map(marks.map((m) => [m._id, m]));
    for (const workflow of scheduled) {
      const mark = byKey.get(workflow.key);
      try {
        if (!mark) {
          await this.begin(workflow.key, now, snapshot.version);
          continue;
        }
        const live = workflow.active !== false && !disabled.has(workflow.key);
        const firing = live && now.getTime() > mark.through.getTime() ? await this.fire(snapshot, workflow, mark.through, now) : undefined;
        if (firing) report.started += firing.started;
        await this.advance(workflow.key, now, snapshot.version, firing);
      } catch (err) {
        report.failed.push(workflow.key);
        this.warn(err, 'scheduled workflow did not fire; the next tick tries again', { workflow: workflow.key });
      }
    }
    return report;
  }

  private async fire(snapshot: MetadataSnapshot, workflow: Workflow, from: Date, through: Date): Promise<Firing | undefined> {
    const { db, registries, queue, logger, maxRecordsPerFiring = MAX_RECORDS_PER_FIRING } = this.options;
    const ctx: FiringContext = { db, registries, queue, logger, snapshot, maxRecords: maxRecordsPerFiring };
    const settings = workflow.trigger as unknown;
    const firing =
      workflow.trigger.type === 'schedule'
        ? await fireCron(ctx, workflow, settings as ScheduleSettings, from, through)
        : await fireDates(ctx, workflow, settings as DateFieldSettings, from, through);
    if (firing && firing.started > 0) logger.info({ workflow: workflow.key, ...firing }, 'scheduled workflow fired');
    return firing && (firing.occurrence || firing.records > 0) ? firing : undefined;
  }

  /** A new watermark at `now`; a racing tick that made it first wins. */
  private async begin(workflow: string, now: Date, version: number): Promise<void> {
    try {
      await schedules(this.options.db).updateOne(
        { _id: workflow },
        { $setOnInsert: { through: now, createdAt: now }, $max: { version }, $set: { updatedAt: new Date() } },
        { upsert: true },
      );
    } catch (err) {
      if (!(err instanceof MongoServerError) || err.code !== 11000) throw err;
    }
  }

  private async advance(workflow: string, now: Date, version: number, firing: Firing | undefined): Promise<void> {
    const set: Partial<ScheduleDoc> = { updatedAt: new Date(), ...(firing ? { lastFiring: { ...firing, at: now } } : {}) };
    await schedules(this.options.db).updateOne({ _id: workflow }, { $max: { through: now, version }, $set: set });
  }

  private warn(err: unknown, message: string, extra: Record<string, unknown> = {}): void {
    this.options.logger.warn({ ...extra, err: err instanceof Error ? err.message : String(err) }, message);
  }
}

export function schedules(db: Db) {
  return db.collection<ScheduleDoc>(SCHEDULES);
}
