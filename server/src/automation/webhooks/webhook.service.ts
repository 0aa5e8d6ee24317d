import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { linearRegExp, toProblems, type BundleRegistries, type Workflow } from '@metacrm/metadata';
import type { MetadataCache } from '../../metadata/metadata-cache.js';
import { conditionHolds, type RunScope } from '../run-scope.js';
import { createRun, disabledWorkflows, enqueueRun, runs, type RunDoc } from '../workflow-runs.js';
import { issueWebhookSecret, verifyWebhookSecret } from './webhook-secrets.js';
import { DEFAULT_WEBHOOK_BYTES, DEFAULT_WEBHOOK_RATE, type WebhookSettings } from './webhook-trigger.js';
import { WebhookNotFound, WebhookPayloadInvalid, WebhookRateLimited, WebhookSchemaInvalid } from './webhooks.errors.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

/** A payload schema larger than this (as JSON) is refused rather than compiled. */
export const MAX_SCHEMA_CHARS = 64 * 1024;
/** Compiled payload schemas kept per API process. */
const MAX_COMPILED = 200;
/** `<workflow key>.<secret>` */
const HOOK_KEY = /^([a-z][a-z0-9_]{0,47})\.([A-Za-z0-9_-]{20,128})$/;

export interface WebhookServiceDeps {
  db: Db;
  /** The API's command connection (rate limits). */
  redis: Redis;
  /** Prefix of this installation's Redis keys (QUEUE_PREFIX). */
  redisPrefix: string;
  cache: MetadataCache;
  registries: BundleRegistries;
  /** The `workflows` queue. */
  queue: Queue;
}

/** A webhook that let the caller in: its workflow, the metadata version, and its limits. */
export interface OpenHook {
  workflow: Workflow;
  version: number;
  maxBytes: number;
  settings: WebhookSettings;
}

/** What a call started: the run (the same one for a repeated Idempotency-Key), or nothing when the condition refused it. */
export interface HookAnswer {
  runId: string | null;
  status: RunDoc['status'] | 'skipped';
  replayed: boolean;
}

/**
 * Inbound webhooks: checks the secret, the rate limit and the payload, then starts a
 * run (input = payload, no trigger record) and enqueues it, as the trigger matcher does
 * for record events. Built once per app; it caches compiled payload schemas.
 */
export class WebhookService {
  // Payload schemas are admin-written: their patterns run in RE2 (linear time).
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, addUsedSchema: false, code: { regExp: linearRegExp } });
  /** Compiled schemas by their JSON, so a schema unchanged across versions compiles once; the oldest go first. */
  private readonly validators = new Map<string, { schema: object | boolean; validate: ValidateFunction }>();

  constructor(private readonly deps: WebhookServiceDeps) {
    addFormats(this.ajv);
  }

  /**
   * The hook a key names, if the secret is right and the workflow is an active
   * webhook workflow of the current metadata; then counts the call against the hook's
   * rate. Every miss answers the same 404, so keys cannot be probed.
   */
  async open(key: string): Promise<OpenHook> {
    const match = HOOK_KEY.exec(key);
    if (!match) throw WebhookNotFound();
    const [, workflowKey, secret] = match as unknown as [string, string, string];
    const snapshot = await this.deps.cache.current();
    const workflow = snapshot.bundle.workflows.find((w) => w.key === workflowKey && w.active !== false && w.trigger.type === 'webhook');
    if (
      !workflow ||
      !(await verifyWebhookSecret(this.deps.db, workflowKey, secret)) ||
      (await disabledWorkflows(this.deps.db)).has(workflowKey)
    )
      throw WebhookNotFound();
    const settings = workflow.trigger as unknown as WebhookSettings;
    await this.countCall(workflowKey, settings.ratePerMinute ?? DEFAULT_WEBHOOK_RATE);
    return { workflow, version: snapshot.version, maxBytes: settings.maxBytes ?? DEFAULT_WEBHOOK_BYTES, settings };
  }

  /** Validates the payload and starts the run (or answers the one this Idempotency-Key started). */
  async start(hook: OpenHook, payload: unknown, idempotencyKey: string | undefined): Promise<HookAnswer> {
    const validate = this.validatorFor(hook.settings.schema);
    if (!validate(payload)) throw WebhookPayloadInvalid(undefined, toProblems(validate.errors ?? [], ''));
    const { workflow } = hook;
    const actor = { kind: 'system', id: `webhook:${workflow.key}`, name: `webhook ${workflow.key}`, roles: [] };
    const scope: RunScope = { record: null, old: null, steps: {}, vars: {}, user: { id: actor.id, name: actor.name }, input: payload };
    if (!conditionHolds(workflow, scope, this.deps.registries.operations)) {
      return { runId: null, status: 'skipped', replayed: false };
    }
    const { run, replayed } = await this.createRun(workflow, hook.version, scope, actor, idempotencyKey);
    if (run.status === 'queued') await enqueueRun(this.deps.queue, run._id);
    return { runId: run._id.toHexString(), status: run.status, replayed };
  }

  /**
   * Issues (or rotates) the secret of a webhook workflow of the current metadata and
   * answers it with the path to call: the only time the secret is shown.
   */
  async issueSecret(workflowKey: string, actorId: string): Promise<{ workflow: string; secret: string; path: string; createdAt: string }> {
    const snapshot = await this.deps.cache.current();
    const workflow = snapshot.bundle.workflows.find((w) => w.key === workflowKey && w.trigger.type === 'webhook');
    if (!workflow) throw WebhookNotFound(`No workflow "${workflowKey}" with a webhook trigger in the current metadata`);
    const { secret, createdAt } = await issueWebhookSecret(this.deps.db, workflow.key, actorId);
    return { workflow: workflow.key, secret, path: `/api/hooks/${workflow.key}.${secret}`, createdAt: createdAt.toISOString() };
  }

  /** Fixed one-minute windows in Redis, shared by every API process. */
  private async countCall(workflow: string, limit: number): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const key = `${this.deps.redisPrefix}:webhooks:rate:${workflow}:${window}`;
    const [[, count] = [null, 0]] = ((await this.deps.redis.multi().incr(key).pexpire(key, 61_000).exec()) ?? []) as [
      Error | null,
      number,
    ][];
    if (count > limit) {
      const retryAfter = Math.ceil(((window + 1) * 60_000 - Date.now()) / 1000);
      throw WebhookRateLimited(`More than ${limit} calls this minute; try again in ${retryAfter} s`, { limit, retryAfter });
    }
  }

  private validatorFor(schema: WebhookSettings['schema']): ValidateFunction {
    const json = JSON.stringify(schema);
    const cached = this.validators.get(json);
    if (cached) return cached.validate;
    if (json.length > MAX_SCHEMA_CHARS) throw WebhookSchemaInvalid(`The payload schema is larger than ${MAX_SCHEMA_CHARS} characters`);
    const own = typeof schema === 'boolean' ? schema : structuredClone(schema);
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(own);
    } catch (err) {
      throw WebhookSchemaInvalid(`The payload schema does not compile: ${(err as Error).message}`);
    }
    this.validators.set(json, { schema: own, validate });
    if (this.validators.size > MAX_COMPILED) {
      const [oldest, entry] = this.validators.entries().next().value!;
      this.validators.delete(oldest);
      // ajv keeps every schema it compiled; let go of the ones no longer cached.
      if (typeof entry.schema === 'object') this.ajv.removeSchema(entry.schema);
    }
    return validate;
  }

  /** A new run (main's createRun), or the one an earlier call with this Idempotency-Key started. */
  private async createRun(
    workflow: Workflow,
    version: number,
    scope: RunScope,
    actor: RunDoc['trigger']['actor'],
    idempotencyKey: string | undefined,
  ): Promise<{ run: RunDoc; replayed: boolean }> {
    if (idempotencyKey !== undefined) {
      const earlier = await runs(this.deps.db).findOne({ workflow: workflow.key, 'trigger.idempotencyKey': idempotencyKey });
      if (earlier) return { run: earlier, replayed: true };
    }
    const trigger: RunDoc['trigger'] = {
      type: 'webhook',
      eventId: null,
      entity: workflow.entity ?? null,
      recordId: null,
      actor,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    };
    // Two calls with one key at once: the unique index lets one insert; createRun answers the other with that run.
    return { run: await createRun(this.deps.db, { workflow, version, trigger, scope }), replayed: false };
  }
}
