import type { Queue } from 'bullmq';
import { ObjectId, type Db, type Filter } from 'mongodb';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { linearRegExp, type BundleRegistries, type Workflow } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import { mayStartManually } from '../access/user-metadata.js';
import { Forbidden } from '../auth/auth.errors.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { Logger } from '../observability/logger.js';
import type { RecordHooks } from '../records/record-hooks.js';
import { RecordService } from '../records/record.service.js';
import { forgetUnfinishedEffects } from './actions/step-effects.js';
import { RunExecution, type RunExecutorDeps } from './run-executor.js';
import { conditionHolds, type RunScope } from './run-scope.js';
import { RunNotFound, RunNotRetryable, TriggerInvalid, WorkflowNotFound } from './workflow.errors.js';
import { WORKFLOW_STATE, createRun, disabledWorkflows, enqueueRun, runs, type RunDoc, type RunStatus } from './workflow-runs.js';

export interface WorkflowServiceOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  actor: Actor;
  /** The `workflows` queue. */
  queue: Queue;
  logger: Logger;
  hooks?: RecordHooks | undefined;
  /** SMTP and the outbound policy the workers use, so that a dry run plans email and HTTP steps as a run does. */
  automation?: Pick<RunExecutorDeps, 'mail' | 'outbound'> | undefined;
}

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'];
const MAX_MANUAL_RECORDS = 200;

/** Workflows and their runs, for the API: list, switch on and off, inspect, retry, start by hand, dry-run. */
export class WorkflowService {
  constructor(private readonly options: WorkflowServiceOptions) {}

  async list(): Promise<
    { key: string; label: Workflow['label']; entity: string | null; trigger: string; active: boolean; enabled: boolean }[]
  > {
    const disabled = await disabledWorkflows(this.options.db);
    return this.options.snapshot.bundle.workflows.map((w) => ({
      key: w.key,
      label: w.label,
      entity: w.entity ?? null,
      trigger: w.trigger.type,
      active: w.active !== false,
      enabled: w.active !== false && !disabled.has(w.key),
    }));
  }

  /** Switches a workflow on or off at once, without a publish; runs already started go on. */
  async setEnabled(key: string, enabled: boolean): Promise<void> {
    this.workflow(key);
    await this.options.db
      .collection<{ _id: string; enabled: boolean; updatedAt: Date; updatedBy: string }>(WORKFLOW_STATE)
      .updateOne({ _id: key }, { $set: { enabled, updatedAt: new Date(), updatedBy: this.options.actor.id } }, { upsert: true });
  }

  /** Runs newest first, filtered by workflow, status and record; keyset paged by `before` (a run id). */
  async runs(query: {
    workflow?: string | undefined;
    status?: string | undefined;
    record?: string | undefined;
    before?: string | undefined;
    limit?: number | undefined;
  }) {
    const filter: Filter<RunDoc> = {};
    if (query.workflow) filter.workflow = query.workflow;
    if (query.status) {
      if (!RUN_STATUSES.includes(query.status as RunStatus))
        throw TriggerInvalid(`status must be one of ${RUN_STATUSES.join(', ')}`, {
          problems: [{ pointer: '/query/status', code: 'NOT_ALLOWED_VALUE' }],
        });
      filter.status = query.status as RunStatus;
    }
    if (query.record) filter['trigger.recordId'] = query.record;
    if (query.before) filter._id = { $lt: objectId(query.before) };
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const docs = await runs(this.options.db)
      .find(filter, { sort: { _id: -1 }, limit: limit + 1, projection: { scope: 0, log: 0, joins: 0, attempts: 0 } })
      .toArray();
    const page = docs.slice(0, limit);
    return { runs: page.map(summary), next: docs.length > limit ? String(page[page.length - 1]!._id) : null };
  }

  /** One run with its per-step log: inputs, outputs, errors and timings. */
  async run(id: string) {
    const doc = await runs(this.options.db).findOne({ _id: objectId(id) });
    if (!doc) throw RunNotFound(undefined, { id });
    return { ...summary(doc), paths: doc.paths, scope: doc.scope, log: doc.log };
  }

  /** A failed run again, from the step that failed (its earlier steps are not repeated). */
  async retry(id: string) {
    const _id = objectId(id);
    const doc = await runs(this.options.db).findOne({ _id });
    if (!doc) throw RunNotFound(undefined, { id });
    const result = await runs(this.options.db).updateOne(
      { _id, status: 'failed', 'failure.code': { $ne: 'WORKFLOW_LOOP' } },
      { $set: { status: 'queued', failure: null, finishedAt: null, attempts: {}, updatedAt: new Date() } },
    );
    if (result.matchedCount === 0)
      throw RunNotRetryable(
        doc.failure?.code === 'WORKFLOW_LOOP' ? 'A run stopped as a loop cannot be retried' : `The run is ${doc.status}`,
        { id, status: doc.status },
      );
    // A call a dead worker left under way (STEP_OUTCOME_UNKNOWN) is made again: retrying is the operator's decision to.
    await forgetUnfinishedEffects(this.options.db, id);
    await (await this.options.queue.getJob(id))?.remove();
    await enqueueRun(this.options.queue, _id);
    return await this.run(id);
  }

  /**
   * Starts a manual workflow: once per record of a list selection (each one the actor
   * may read), or once with no record; `input` is checked against the trigger's form.
   */
  async trigger(key: string, body: unknown): Promise<{ runs: string[] }> {
    const workflow = this.workflow(key);
    if (workflow.trigger.type !== 'manual')
      throw TriggerInvalid(`"${key}" is started by ${workflow.trigger.type}, not by hand`, { workflow: key });
    if ((await disabledWorkflows(this.options.db)).has(key) || workflow.active === false)
      throw TriggerInvalid(`"${key}" is switched off`, { workflow: key });
    if (!mayStartManually(workflow, this.options.actor))
      throw Forbidden(`Your roles may not start "${key}"`, { workflow: key, operation: 'start' });
    const { records = [], input = null } = parseTriggerBody(body);
    checkInput(workflow, input);
    const scopes = await this.recordScopes(workflow, records, input);
    const ids: string[] = [];
    for (const { recordId, scope } of scopes) {
      const run = await createRun(this.options.db, {
        workflow,
        version: this.options.snapshot.version,
        trigger: { type: 'manual', eventId: null, entity: workflow.entity ?? null, recordId, actor: actorOf(this.options.actor) },
        scope,
      });
      await enqueueRun(this.options.queue, run._id);
      ids.push(String(run._id));
    }
    return { runs: ids };
  }

  /**
   * Which steps would run for a sample record, and what they would do: nothing is
   * written. The workflow's condition is checked first, as the trigger matcher checks
   * it (false: status `skipped`, no step runs) unless `skipCondition`. Side-effect steps
   * report their plan, read from their settings by the code a real run uses.
   */
  async dryRun(key: string, body: unknown) {
    const workflow = this.workflow(key);
    const { record, old, input, skipCondition } = parseDryRunBody(body);
    const now = new Date();
    const actor = this.options.actor;
    // The sample as the API would show a record this user just created, its own values on top.
    const sample = record
      ? {
          id: '000000000000000000000000',
          _version: 1,
          _createdAt: now.toISOString(),
          _updatedAt: now.toISOString(),
          _createdBy: actor.id,
          _updatedBy: actor.id,
          _ownerId: actor.id,
          ...record,
        }
      : null;
    const scope: RunScope = {
      record: sample,
      old,
      steps: {},
      vars: {},
      user: { id: actor.id, name: actor.name, roles: actor.roles },
      input,
    };
    let condition: boolean | null = null;
    try {
      if (workflow.condition !== undefined && !skipCondition)
        condition = conditionHolds(workflow, scope, this.options.registries.operations);
    } catch (err) {
      // The trigger matcher starts no run then; the dry run says why.
      return {
        status: 'skipped',
        condition,
        failure: { step: null, code: 'WORKFLOW_CONDITION_FAILED', message: err instanceof Error ? err.message : String(err) },
        steps: [],
        vars: {},
      };
    }
    if (condition === false) return { status: 'skipped', condition, failure: null, steps: [], vars: {} };
    const run: RunDoc = {
      _id: new ObjectId(),
      workflow: key,
      metadataVersion: this.options.snapshot.version,
      status: 'queued',
      trigger: { type: workflow.trigger.type, eventId: null, entity: workflow.entity ?? null, recordId: null, actor: actorOf(actor) },
      scope,
      paths: [{ id: 'main', at: workflow.start ?? workflow.steps[0]?.id ?? null }],
      joins: {},
      attempts: {},
      log: [],
      causation: { depth: 0, chain: [] },
      failure: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    const deps = { registries: this.options.registries, hooks: this.options.hooks, ...this.options.automation };
    const execution = new RunExecution(this.options.db, this.options.snapshot, deps, run, this.options.logger, true);
    await execution.execute(workflow);
    return {
      status: run.status,
      condition,
      failure: run.failure,
      steps: run.log.map((e) => ({ step: e.step, type: e.type, status: e.status, output: e.output, error: e.error })),
      vars: run.scope.vars,
    };
  }

  private workflow(key: string): Workflow {
    const workflow = this.options.snapshot.bundle.workflows.find((w) => w.key === key);
    if (!workflow) throw WorkflowNotFound(`No workflow "${key}"`, { workflow: key });
    return workflow;
  }

  private async recordScopes(workflow: Workflow, records: string[], input: unknown) {
    const user = { id: this.options.actor.id, name: this.options.actor.name, roles: this.options.actor.roles };
    if (records.length === 0) return [{ recordId: null, scope: { record: null, old: null, steps: {}, vars: {}, user, input } }];
    if (!workflow.entity)
      throw TriggerInvalid(`"${workflow.key}" has no entity, so it takes no records`, {
        problems: [{ pointer: '/records', code: 'NOT_ALLOWED_VALUE' }],
      });
    const service = new RecordService({
      db: this.options.db,
      snapshot: this.options.snapshot,
      registries: this.options.registries,
      actor: this.options.actor,
    });
    const out = [];
    for (const id of records) {
      const { id: recordId, _expanded: _e, ...values } = await service.get(workflow.entity, id);
      out.push({ recordId, scope: { record: { ...values, id: recordId }, old: null, steps: {}, vars: {}, user, input } });
    }
    return out;
  }
}

/** A dry run's body: `{record?, old?, input?, skipCondition?}`, each checked, nothing else. */
function parseDryRunBody(body: unknown): {
  record: Record<string, unknown> | null;
  old: Record<string, unknown> | null;
  input: unknown;
  skipCondition: boolean;
} {
  if (body === undefined || body === null) return { record: null, old: null, input: null, skipCondition: false };
  if (typeof body !== 'object' || Array.isArray(body))
    throw TriggerInvalid('The body must be an object {record?, old?, input?, skipCondition?}', {
      problems: [{ pointer: '', code: 'WRONG_TYPE' }],
    });
  const { record = null, old = null, input = null, skipCondition = false, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined)
    throw TriggerInvalid(`Unknown property "${extra.slice(0, 40)}"`, {
      problems: [{ pointer: `/${extra.slice(0, 40)}`, code: 'UNKNOWN_PROPERTY' }],
    });
  for (const [name, value] of [
    ['record', record],
    ['old', old],
  ] as const) {
    if (value !== null && (typeof value !== 'object' || Array.isArray(value)))
      throw TriggerInvalid(`${name} must be an object`, { problems: [{ pointer: `/${name}`, code: 'WRONG_TYPE' }] });
  }
  if (typeof skipCondition !== 'boolean')
    throw TriggerInvalid('skipCondition must be true or false', { problems: [{ pointer: '/skipCondition', code: 'WRONG_TYPE' }] });
  return { record: record as Record<string, unknown> | null, old: old as Record<string, unknown> | null, input, skipCondition };
}

function parseTriggerBody(body: unknown): { records?: string[]; input?: unknown } {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw TriggerInvalid('The body must be an object {records?, input?}', { problems: [{ pointer: '', code: 'WRONG_TYPE' }] });
  const { records, input, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined)
    throw TriggerInvalid(`Unknown property "${extra.slice(0, 40)}"`, {
      problems: [{ pointer: `/${extra.slice(0, 40)}`, code: 'UNKNOWN_PROPERTY' }],
    });
  if (
    records !== undefined &&
    (!Array.isArray(records) || records.length > MAX_MANUAL_RECORDS || records.some((r) => typeof r !== 'string'))
  ) {
    throw TriggerInvalid(`records must be a list of at most ${MAX_MANUAL_RECORDS} record ids`, {
      problems: [{ pointer: '/records', code: 'WRONG_TYPE' }],
    });
  }
  return { ...(records ? { records: [...new Set(records as string[])] } : {}), input };
}

function checkInput(workflow: Workflow, input: unknown): void {
  const schema = (workflow.trigger as { inputSchema?: Record<string, unknown> }).inputSchema;
  if (!schema) return;
  const validate = new Ajv2020({ allErrors: true, strict: false, code: { regExp: linearRegExp } }).compile(schema);
  if (!validate(input)) {
    throw TriggerInvalid('The input does not fit the form', {
      problems: (validate.errors ?? []).map((e) => ({
        pointer: `/input${e.instancePath}`,
        code: 'INVALID',
        message: e.message ?? 'invalid',
      })),
    });
  }
}

function summary(
  doc: Pick<
    RunDoc,
    '_id' | 'workflow' | 'metadataVersion' | 'status' | 'trigger' | 'failure' | 'createdAt' | 'updatedAt' | 'finishedAt' | 'causation'
  >,
) {
  return {
    id: String(doc._id),
    workflow: doc.workflow,
    metadataVersion: doc.metadataVersion,
    status: doc.status,
    trigger: {
      type: doc.trigger.type,
      entity: doc.trigger.entity,
      recordId: doc.trigger.recordId,
      eventId: doc.trigger.eventId ? String(doc.trigger.eventId) : null,
      actor: { id: doc.trigger.actor.id, name: doc.trigger.actor.name },
      ...(doc.trigger.scheduleKey === undefined
        ? {}
        : {
            scheduleKey: doc.trigger.scheduleKey,
            scheduledFor: doc.trigger.scheduledFor?.toISOString() ?? null,
            missed: doc.trigger.missed ?? 0,
          }),
    },
    failure: doc.failure,
    causationDepth: doc.causation.depth,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    finishedAt: doc.finishedAt?.toISOString() ?? null,
  };
}

function actorOf(actor: Actor): RunDoc['trigger']['actor'] {
  return { kind: actor.kind, id: actor.id, name: actor.name, roles: [...actor.roles], departmentId: actor.departmentId ?? null };
}

function objectId(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw RunNotFound(`No run ${id.slice(0, 40)}`, { id });
  return new ObjectId(id);
}
