import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { ObjectId, type ClientSession, type Db } from 'mongodb';
import { truthy, type BundleRegistries, type Workflow } from '@metacrm/metadata';
import { RecordAccess } from '../access/record-access.js';
import type { Actor } from '../actor/actor.js';
import type { MailConfig } from '../config/config.js';
import { AppError } from '../errors/app-error.js';
import { isPermanent } from '../errors/permanent.js';
import type { ApiRecord } from '../records/record-document.js';
import { snapshotOf, type MetadataSnapshot } from '../metadata/metadata-cache.js';
import { MetadataRepository } from '../metadata/metadata.repository.js';
import { SnapshotLru } from '../metadata/snapshot-lru.js';
import { OutboundPolicy } from '../net/outbound-policy.js';
import type { Logger } from '../observability/logger.js';
import type { RecordHooks } from '../records/record-hooks.js';
import { RecordService } from '../records/record.service.js';
import { DEFAULT_LEASE_MS, WORKER_ID, type JobHandler } from '../queues/jobs.js';
import { recipientView } from './recipient-view.js';
import { ACTIVE_STATUSES, RunLeaseKeeper } from './run-lease.js';
import { evaluateIn, type RunScope } from './run-scope.js';
import type { ActionContext, WorkflowAction } from './action-contract.js';
import { resolveFilterValues } from './workflow-actions.js';
import { MAX_LOG, runs, type RunDoc, type RunLogEntry, type RunPath } from './workflow-runs.js';

/** A step is tried this often (the first try and retries) before the run fails. */
export const STEP_ATTEMPTS = 3;
/** Step executions per run, so a cycle in the step graph cannot spin for ever. */
export const MAX_STEPS_PER_RUN = 10_000;

export interface RunExecutorDeps {
  registries: BundleRegistries;
  hooks?: RecordHooks | undefined;
  /** What outbound HTTP steps may reach; default: public addresses only. */
  outbound?: OutboundPolicy | undefined;
  /** SMTP for email steps; unset: they fail with EMAIL_NOT_CONFIGURED. */
  mail?: MailConfig | undefined;
  /** How long a run's lease lasts unrenewed (WORKER_LEASE_MS); DEFAULT_LEASE_MS when unset. */
  leaseMs?: number | undefined;
  /** How many metadata versions the handler keeps compiled (DEFAULT_SNAPSHOT_VERSIONS when unset). */
  snapshotVersions?: number | undefined;
}

const PUBLIC_ONLY = new OutboundPolicy();

type Step = Workflow['steps'][number];
/** After a step: go on (its state is saved first), go on without saving (it acted on nothing), or stop. */
type Outcome = 'continue' | 'pure' | 'stop';

/**
 * The `workflows:run` job: runs a workflow run from its saved state until it ends or
 * waits, saving the state after every step (so a crash loses at most the step in
 * flight, which is replayed with the same idempotency key). The run finishes on the
 * metadata version it started on.
 *
 * - A failed step is retried (STEP_ATTEMPTS, with BullMQ's exponential backoff); then
 *   the run fails with the step and reason, and waits in the failed list for a retry.
 * - A delay parks its path and the job is delayed until the earliest wake-up; an
 *   approval parks it until the approval API resumes the run.
 * - `concurrency` on a workflow caps its runs running at once (workflow-slots.ts); the
 *   others wait, delayed, and try again.
 * - One execution at a time runs a run (run-lease.ts): a job that finds the run leased
 *   to a live execution waits until that lease would lapse.
 */
export function runJobHandler(deps: RunExecutorDeps): JobHandler {
  const versions = new SnapshotLru(deps.snapshotVersions);
  return async (job: Job, ctx) => {
    const runId = String((job.data as { runId?: unknown }).runId ?? '');
    if (!/^[0-9a-f]{24}$/.test(runId)) throw new UnrecoverableError(`Bad run id "${runId.slice(0, 40)}"`);
    const keeper = new RunLeaseKeeper(ctx.db, new ObjectId(runId), ctx.logger, deps.leaseMs);
    const claim = await keeper.claim();
    if (!claim.held) {
      // Another execution holds it: look again when its lease would run out, in case it died.
      if (claim.status && ACTIVE_STATUSES.includes(claim.status))
        return await delayJob(job, Math.max(claim.until?.getTime() ?? 0, Date.now()) + jitter(250, 1000));
      return { runId, skipped: claim.status ?? 'no such run' };
    }
    let execution: RunExecution | undefined;
    try {
      // Read only now, under the lease: the state the last holder saved.
      const run = (await runs(ctx.db).findOne({ _id: new ObjectId(runId) }))!;
      const snapshot = await versions.get(run.metadataVersion, async (version) =>
        snapshotOf(version, await new MetadataRepository(ctx.db).bundleOf(version)),
      );
      const workflow = snapshot.bundle.workflows.find((w) => w.key === run.workflow);
      execution = new RunExecution(ctx.db, snapshot, deps, run, ctx.logger);
      execution.session = keeper.session;
      if (!workflow)
        return await execution.fail(
          null,
          'WORKFLOW_NOT_FOUND',
          `Workflow "${run.workflow}" is not in metadata version ${run.metadataVersion}`,
        );
      if (workflow.concurrency && !(await keeper.takeSlot(workflow.key, workflow.concurrency))) {
        await keeper.release({ status: 'queued' }); // not running after all: it waits for a slot
        return await delayJob(job, Date.now() + jitter(500, 1500));
      }
      const wake = await execution.execute(workflow);
      if (wake) return await delayJob(job, wake.getTime());
      return { runId, status: execution.status };
    } finally {
      await keeper.release({ saved: execution?.leaseGivenUp ?? false });
    }
  };
}

/** A pause between `min` and `max` ms, so that jobs that wait for the same thing do not all wake together. */
function jitter(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min));
}

/** Puts the job back as delayed until `at` (BullMQ's pattern for a job that waits). */
async function delayJob(job: Job, at: number): Promise<never> {
  if (!job.token) throw new Error('job has no token to delay it with');
  await job.moveToDelayed(at, job.token);
  throw new DelayedError();
}

/**
 * One execution of a run, from its saved state. With `dryRun` nothing is saved and no
 * step with a side effect runs: such a step's output says what it would have done
 * (its settings, evaluated), delays do not wait, and reads still read.
 */
export class RunExecution {
  private steps = 0;
  /** True once a save parked or ended the run, which gives its lease up. */
  leaseGivenUp = false;
  /** The session its record writes use (the lease's, see RunLeaseKeeper.session). */
  session: ClientSession | undefined;
  /** Log entries since the last save, appended to the saved log by the next. */
  private unsaved: RunLogEntry[] = [];
  private readonly visits: Record<string, number>;

  constructor(
    private readonly db: Db,
    private readonly snapshot: MetadataSnapshot,
    private readonly deps: RunExecutorDeps,
    readonly run: RunDoc,
    private readonly logger: Logger,
    private readonly dryRun = false,
  ) {
    this.visits = run.visits ??= countVisits(run.log);
    for (const path of run.paths) {
      // Saved before waits were generic: the next save stores it as `waitOn`.
      if (path.waitApproval) path.waitOn ??= path.waitApproval;
      delete path.waitApproval;
    }
  }

  get status(): RunDoc['status'] {
    return this.run.status;
  }

  /** Runs paths until every one ended or waits; answers when to wake up, if a delay waits. */
  async execute(workflow: Workflow): Promise<Date | undefined> {
    const byId = new Map(workflow.steps.map((s) => [s.id, s]));
    // Taking the lease made the run `running` already (a dry run starts from `queued`).
    if (this.run.status !== 'running' && !(await this.save({ status: 'running' }, [...ACTIVE_STATUSES]))) return undefined;
    for (;;) {
      if (!(await this.wakePaths(byId))) return undefined;
      const path = this.run.paths.find((p) => p.at !== null && !p.waitUntil && !p.waitOn);
      if (!path) {
        const waiting = this.run.paths.filter((p) => p.at !== null);
        if (waiting.length === 0) {
          await this.save({ status: 'completed', finishedAt: new Date() });
          return undefined;
        }
        await this.save({ status: 'waiting' });
        const wakes = waiting.flatMap((p) => (p.waitUntil ? [p.waitUntil.getTime()] : []));
        return wakes.length > 0 ? new Date(Math.min(...wakes)) : undefined;
      }
      if (++this.steps > MAX_STEPS_PER_RUN) {
        await this.fail(
          path.at,
          'WORKFLOW_TOO_LONG',
          `More than ${MAX_STEPS_PER_RUN} steps ran in one go; is there a cycle without a delay?`,
        );
        return undefined;
      }
      const step = byId.get(path.at!);
      if (step && path.resume) {
        // A step that waited (delay, approval) has its outcome: move on through its branches.
        path.resume = undefined;
        this.advance(path, this.next(step, this.scopeFor(path)), byId);
        if (!(await this.save({}))) return undefined;
        continue;
      }
      if (!step) {
        await this.fail(path.at, 'WORKFLOW_STEP_NOT_FOUND', `No step "${path.at}"`);
        return undefined;
      }
      const outcome = await this.runStep(workflow, byId, path, step);
      if (outcome === 'stop') return undefined;
      const ended = this.run.paths.every((p) => p.at === null);
      // A step that acted on nothing is saved with the next one: replaying it after a crash changes nothing.
      if (outcome === 'pure' && !ended) continue;
      // The last step's state and the completion in one save (a crash before it replays the step, as any).
      if (!(await this.save(ended ? { status: 'completed', finishedAt: new Date() } : {}))) return undefined; // cancelled meanwhile
      if (ended) return undefined;
    }
  }

  private async runStep(workflow: Workflow, byId: Map<string, Step>, path: RunPath, step: Step): Promise<Outcome> {
    const action = this.deps.registries.actions.get(step.type) as WorkflowAction | undefined;
    if (!action) {
      await this.fail(step.id, 'WORKFLOW_ACTION_NOT_FOUND', `No action "${step.type}"`);
      return 'stop';
    }
    if (action.control) return await this.control(action.control, byId, path, step);
    const attemptKey = `${path.id}:${step.id}`;
    const attempt = (this.run.attempts[attemptKey] ?? 0) + 1;
    const startedAt = new Date();
    const scope = this.scopeFor(path);
    const config = (step.config ?? {}) as Record<string, unknown>;
    try {
      const ctx = this.context(workflow, path, step, scope);
      const result = this.dryRun && action.sideEffect ? { output: await wouldRun(action, config, ctx) } : await action.run!(config, ctx);
      if (this.dryRun) delete result.wait;
      if (result.wait && 'on' in result.wait && !action.resume)
        throw new UnrecoverableError(`The step type "${step.type}" waits but has no resume`);
      delete this.run.attempts[attemptKey];
      this.run.scope.steps[step.id] = result.output ?? null;
      this.log({
        step: step.id,
        path: path.id,
        type: step.type,
        attempt,
        status: result.wait ? 'waiting' : 'completed',
        startedAt,
        finishedAt: new Date(),
        input: config,
        output: result.output,
      });
      if (result.wait) {
        path.waitUntil = result.wait.until;
        if ('on' in result.wait) path.waitOn = result.wait.on;
        path.resume = true;
      } else {
        this.advance(path, this.next(step, scope), byId);
      }
      return result.wait || action.sideEffect ? 'continue' : 'pure';
    } catch (err) {
      const error = describe(err);
      this.run.attempts[attemptKey] = attempt;
      const retry = !this.dryRun && !isPermanent(err) && attempt < STEP_ATTEMPTS;
      this.log({
        step: step.id,
        path: path.id,
        type: step.type,
        attempt,
        status: retry ? 'retrying' : 'failed',
        startedAt,
        finishedAt: new Date(),
        input: config,
        error,
      });
      if (!retry) {
        await this.fail(step.id, error.code, error.message);
        return 'stop';
      }
      await this.save({});
      throw err; // BullMQ retries the job with backoff; the run resumes at this step
    }
  }

  /**
   * Wakes parked paths: a delay that is due; a path waiting `on` something its step's
   * action settles (`resume`: an approval decided, or past its due time), whose output
   * becomes the step's. False when the run failed instead (the step type is gone).
   */
  private async wakePaths(byId: Map<string, Step>): Promise<boolean> {
    const now = new Date();
    for (const path of this.run.paths) {
      if (path.waitOn) {
        if (this.dryRun) continue;
        const type = byId.get(path.at!)?.type;
        const action = type === undefined ? undefined : (this.deps.registries.actions.get(type) as WorkflowAction | undefined);
        if (!action?.resume) {
          await this.fail(path.at, 'WORKFLOW_ACTION_NOT_FOUND', `No action "${type ?? path.at}" to resume`);
          return false;
        }
        const settled = await action.resume(path.waitOn, { db: this.db, logger: this.logger, now });
        if ('output' in settled) {
          this.run.scope.steps[path.at!] = settled.output;
          path.waitOn = undefined;
          path.waitUntil = undefined;
        } else {
          path.waitUntil = settled.pending ?? undefined;
        }
      } else if (path.waitUntil && path.waitUntil <= now) {
        path.waitUntil = undefined;
      }
    }
    return true;
  }

  /** Parallel branches, their join, and loops over the records of a query. */
  private async control(kind: 'parallel' | 'join' | 'loop', byId: Map<string, Step>, path: RunPath, step: Step): Promise<Outcome> {
    const config = (step.config ?? {}) as Record<string, unknown>;
    if (kind === 'parallel') {
      const group = `${path.id}.${step.id}`;
      const branches = config.branches as string[];
      this.run.joins[`${config.join as string}:${group}`] = [];
      path.at = null;
      for (const [i, start] of branches.entries())
        this.run.paths.push({ id: `${group}.${i}`, at: start, join: { step: config.join as string, group }, loop: path.loop });
      this.log({
        step: step.id,
        path: path.id,
        type: step.type,
        attempt: 1,
        status: 'completed',
        startedAt: new Date(),
        finishedAt: new Date(),
        output: { branches },
      });
      return 'continue';
    }
    if (kind === 'join') {
      // A path that reaches a join it was not forked for just passes through.
      if (path.join?.step !== step.id) {
        this.advance(path, step.next ?? null, byId);
        return 'continue';
      }
      const key = `${step.id}:${path.join.group}`;
      const arrived = [...(this.run.joins[key] ?? []), path.id];
      this.run.joins[key] = arrived;
      path.at = null;
      const siblings = this.run.paths.filter((p) => p.join?.group === path.join!.group);
      if (arrived.length === siblings.length) {
        delete this.run.joins[key];
        const parentId = path.join.group.slice(0, path.join.group.lastIndexOf('.'));
        this.run.paths = this.run.paths.filter((p) => p.join?.group !== path.join!.group);
        const parent = this.run.paths.find((p) => p.id === parentId);
        if (parent) this.advance(parent, step.next ?? null, byId);
        this.log({
          step: step.id,
          path: parentId,
          type: step.type,
          attempt: 1,
          status: 'completed',
          startedAt: new Date(),
          finishedAt: new Date(),
          output: { joined: arrived.length },
        });
      }
      return 'continue';
    }
    // loop: entering queries the records; each pass runs the body until its path ends.
    const limit = Math.min(Number(config.limit ?? 100), 1000);
    const entity = String(config.entity);
    const filter = config.filter === undefined ? undefined : resolveFilterValues(config.filter, this.scopeFor(path), this.deps);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.records(null).list(entity, {
        filter,
        sort: config.sort as string | undefined,
        limit: Math.min(200, limit - ids.length),
        cursor,
      });
      ids.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && ids.length < limit);
    this.log({
      step: step.id,
      path: path.id,
      type: step.type,
      attempt: 1,
      status: 'completed',
      startedAt: new Date(),
      finishedAt: new Date(),
      output: { count: ids.length },
    });
    if (ids.length === 0) {
      this.advance(path, step.next ?? null, byId);
      return 'continue';
    }
    path.loop = { step: step.id, entity, ids, index: 0, outer: path.loop };
    path.at = String(config.body);
    return 'continue';
  }

  /**
   * Moves a path to `next`; at the end of a loop body, on to the next item or out of
   * the loop. (A parallel branch inside a loop body only ends; the loop goes on from
   * its join.)
   */
  private advance(path: RunPath, next: string | null, byId: Map<string, Step>): void {
    path.at = next;
    while (path.at === null && path.loop && !path.join) {
      const loop = path.loop;
      if (loop.index + 1 < loop.ids.length) {
        loop.index++;
        path.at = String((byId.get(loop.step)?.config as { body?: string } | undefined)?.body);
        return;
      }
      path.loop = loop.outer;
      path.at = byId.get(loop.step)?.next ?? null;
    }
  }

  /** The step after `step`: the first branch whose `when` holds, else `next`. */
  private next(step: Step, scope: RunScope): string | null {
    for (const branch of step.branches ?? []) {
      if (branch.when === undefined || truthy(evaluateIn(scope, branch.when, this.deps.registries.operations))) return branch.next;
    }
    return step.next ?? null;
  }

  private scopeFor(path: RunPath): RunScope {
    const scope = this.run.scope;
    if (!path.loop) return scope;
    return { ...scope, item: { id: path.loop.ids[path.loop.index], entity: path.loop.entity } };
  }

  private context(workflow: Workflow, path: RunPath, step: Step, scope: RunScope): ActionContext {
    const visit = this.visits[`${path.id}:${step.id}`] ?? 0;
    const key = `${this.run._id.toHexString()}:${step.id}:${path.id}:${path.loop ? path.loop.index : 0}:${visit}`;
    const visible = this.visibleScope(workflow, scope);
    return {
      db: this.db,
      snapshot: this.snapshot,
      registries: this.deps.registries,
      logger: this.logger,
      scope,
      visible,
      seenBy: (readers) =>
        recipientView({
          db: this.db,
          snapshot: this.snapshot,
          registries: this.deps.registries,
          entity: workflow.entity ?? null,
          visible,
          readers,
        }),
      workflow: workflow.key,
      triggeredBy: { kind: this.run.trigger.actor.kind, id: this.run.trigger.actor.id },
      entity: workflow.entity ?? null,
      idempotencyKey: key,
      execution: this.run.lease?.token ?? 'dry-run',
      records: () => this.records(key),
      evaluate: (expr) => evaluateIn(scope, expr, this.deps.registries.operations),
      outbound: this.deps.outbound ?? PUBLIC_ONLY,
      mail: this.deps.mail,
    };
  }

  /** The scope as the triggering user may see it (see ActionContext.visible). */
  private visibleScope(workflow: Workflow, scope: RunScope): RunScope {
    const { actor } = this.run.trigger;
    if (!workflow.entity) return scope;
    const access = new RecordAccess(this.db, this.snapshot, this.deps.registries, {
      ...actor,
      kind: actor.kind as Actor['kind'],
      roles: actor.roles ?? [],
    });
    const view = (values: Record<string, unknown> | null) => (values ? access.present(workflow.entity!, { ...values } as ApiRecord) : null);
    return { ...scope, record: view(scope.record), old: view(scope.old) };
  }

  /** The record engine as a workflow acts: system context, one causation step further. */
  private records(requestId: string | null): RecordService {
    const { run } = this;
    return new RecordService({
      db: this.db,
      snapshot: this.snapshot,
      registries: this.deps.registries,
      actor: { kind: 'system', id: `workflow:${run.workflow}`, name: `workflow ${run.workflow}`, roles: [] },
      requestId: requestId ?? undefined,
      causationDepth: run.causation.depth + 1,
      causationChain: [...run.causation.chain, run.workflow],
      hooks: this.deps.hooks,
      session: this.session,
    });
  }

  private log(entry: RunLogEntry): void {
    const logged = { ...entry, worker: WORKER_ID };
    this.run.log.push(logged);
    if (this.run.log.length > MAX_LOG) this.run.log.splice(0, this.run.log.length - MAX_LOG);
    this.unsaved.push(logged);
    if (visited(entry)) this.visits[`${entry.path}:${entry.step}`] = (this.visits[`${entry.path}:${entry.step}`] ?? 0) + 1;
  }

  async fail(step: string | null, code: string, message: string): Promise<{ runId: string; status: 'failed' }> {
    this.run.failure = { step, code, message };
    // From any active status: a run can fail before it started (its workflow is gone).
    await this.save({ status: 'failed', finishedAt: new Date() }, [...ACTIVE_STATUSES]);
    return { runId: this.run._id.toHexString(), status: 'failed' };
  }

  /**
   * Saves the run state, only while the run is in one of `from` (default: running) and
   * this execution still holds its lease; false when not (cancelled meanwhile, or taken
   * over by another execution after the lease lapsed), and the execution stops. A save
   * that parks or ends the run gives the lease up; any other extends it.
   */
  private async save(changes: Partial<Pick<RunDoc, 'status' | 'finishedAt'>>, from: RunDoc['status'][] = ['running']): Promise<boolean> {
    Object.assign(this.run, changes);
    if (this.dryRun) return true;
    const { scope, paths, joins, attempts, visits, failure, status, finishedAt } = this.run;
    const now = new Date();
    const lease =
      status === 'running' ? { 'lease.until': new Date(now.getTime() + (this.deps.leaseMs ?? DEFAULT_LEASE_MS)) } : { lease: null };
    // The log grows by what ran since the last save, not rewritten whole: a long loop saves after each pass.
    const append = this.unsaved.length > 0 ? { $push: { log: { $each: this.unsaved, $slice: -MAX_LOG } } } : {};
    const result = await runs(this.db).updateOne(
      { _id: this.run._id, status: { $in: from }, 'lease.token': this.run.lease?.token },
      { $set: { scope, paths, joins, attempts, visits, failure, status, finishedAt, updatedAt: now, ...lease }, ...append },
    );
    if (result.matchedCount === 1) this.unsaved = [];
    this.leaseGivenUp = result.matchedCount === 1 && status !== 'running';
    return result.matchedCount === 1;
  }
}

/** A step execution that counts as a visit: it ran to its end (or to its wait), not a failed attempt. */
function visited(entry: RunLogEntry): boolean {
  return entry.status !== 'retrying' && entry.status !== 'failed';
}

/** Visits counted from the log, for runs saved before visits were kept. */
function countVisits(log: RunLogEntry[]): Record<string, number> {
  const visits: Record<string, number> = {};
  for (const entry of log) if (visited(entry)) visits[`${entry.path}:${entry.step}`] = (visits[`${entry.path}:${entry.step}`] ?? 0) + 1;
  return visits;
}

/**
 * A dry run's report of a side-effect step: its plan, read from its settings by the
 * code a real run uses, or, for a step type without a plan, its settings as they are.
 */
async function wouldRun(action: WorkflowAction, config: Record<string, unknown>, ctx: ActionContext): Promise<Record<string, unknown>> {
  return {
    dryRun: true,
    wouldRun: action.type,
    external: action.external,
    ...(action.plan ? { plan: await action.plan(config, ctx) } : { settings: config }),
  };
}

/** A failed step's error for the run log: its code and message, and the problems of a refused write. */
function describe(err: unknown): { code: string; message: string; problems?: unknown[] } {
  if (err instanceof AppError) {
    // RECORD_INVALID carries {problems}; the outside steps' errors carry the list itself.
    const problems = Array.isArray(err.details) ? err.details : (err.details as { problems?: unknown } | undefined)?.problems;
    return { code: err.code, message: err.message, ...(Array.isArray(problems) ? { problems: problems.slice(0, 20) } : {}) };
  }
  return { code: 'STEP_FAILED', message: err instanceof Error ? err.message : String(err) };
}
