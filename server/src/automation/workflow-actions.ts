import type { Db } from 'mongodb';
import type { BundleRegistries, ConfigurableDefinition } from '@metacrm/metadata';
import type { MailConfig } from '../config/config.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { Logger } from '../observability/logger.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { RecordService } from '../records/record.service.js';
import { OUTSIDE_ACTIONS } from './actions/index.js';
import { RECORD_ACTIONS, entityProblems } from './actions/record-steps.js';
import { evaluateIn, evaluateMap, type RunScope } from './run-scope.js';

/** What a step's action gets: its settings' context, and the means to act. */
export interface ActionContext {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  logger: Logger;
  scope: RunScope;
  /**
   * The scope as the user who triggered the run may see it: `record` and `old` without
   * the fields their roles hide, masked where they mask. Steps that send data out of
   * the platform (HTTP, email, notifications) render from this, never from `scope`.
   */
  visible: RunScope;
  /**
   * The scope as every one of these platform users may see it too (recipientView): a
   * message to users is rendered from this, so it shows nobody a field they may not see.
   */
  seenBy(readers: { ids?: readonly string[]; emails?: readonly string[] }): Promise<RunScope>;
  /** The workflow's key, and its entity (the trigger record's), if it has one. */
  workflow: string;
  /** Who started the run: the user who changed the record or pressed the button; a system actor for schedules, webhooks and workflow writes. */
  triggeredBy: { kind: string; id: string };
  entity: string | null;
  /** `<run>:<step>:<path>:<visit>`: the same on every retry of this execution of the step. */
  idempotencyKey: string;
  /**
   * This execution of the run (its lease token, run-lease.ts). A step that reaches
   * outside claims its key under it before it acts (effectOnce), so a later execution
   * can tell a call that a crash cut short from one it makes itself.
   */
  execution: string;
  /** The record engine as this run acts (system context, causation depth + 1), tagged with the key. */
  records(): RecordService;
  evaluate(expr: unknown): unknown;
  /** The SSRF guard's rules for outbound HTTP (with OUTBOUND_ALLOWLIST). */
  outbound: OutboundPolicy;
  /** SMTP settings for email steps; undefined when SMTP_URL is not set. */
  mail: MailConfig | undefined;
}

/** What a step did: its output (`steps.<id>`), or that its path waits. */
export interface ActionResult {
  output?: unknown;
  /**
   * Park the path at this step: until an instant (delay), or until an approval is
   * decided (or its due time passes). It moves on, through the step's branches, then.
   */
  wait?: { until: Date } | { approval: string; until?: Date };
}

/**
 * A workflow step type. `configSchema` is checked at publish; `run` executes it.
 * Steps with `sideEffect` must be idempotent on `ctx.idempotencyKey` as far as their
 * target allows (record writes look for it in the audit log, which the write's own
 * transaction fills; calls outside the platform go through effectOnce, which never
 * repeats a call whose outcome a crash left unknown), since a crash between the effect
 * and saving the run state replays the step.
 * `control` steps (parallel, join, loop) are run by the executor itself.
 */
export interface WorkflowAction extends ConfigurableDefinition {
  sideEffect: boolean;
  control?: 'parallel' | 'join' | 'loop';
  /**
   * What a side-effect step would do, its settings read exactly as `run` reads them
   * (see plannedAction): a dry run reports it instead of running the step. A
   * side-effect step without one is reported with its settings as they are.
   */
  plan?(config: Record<string, unknown>, ctx: ActionContext): Promise<Record<string, unknown>>;
  run?(config: Record<string, unknown>, ctx: ActionContext): Promise<ActionResult>;
}

const KEY = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;
const LOGIC_MAP = { type: 'object', propertyNames: KEY, maxProperties: 200 } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });

export const BUILT_IN_ACTIONS: WorkflowAction[] = [
  ...RECORD_ACTIONS,
  {
    type: 'query_records',
    sideEffect: false,
    configSchema: obj({ entity: KEY, filter: {}, sort: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200 } }, ['entity']),
    check: entityProblems,
    async run(config, ctx) {
      const filter = config.filter === undefined ? undefined : resolveFilterValues(config.filter, ctx.scope, ctx);
      const result = await ctx.records().list(String(config.entity), { filter, sort: config.sort as string | undefined, limit: (config.limit as number | undefined) ?? 50, count: true });
      return { output: { records: result.records, count: result.total ?? result.records.length } };
    },
  },
  {
    type: 'set_variables',
    sideEffect: false,
    configSchema: obj({ values: LOGIC_MAP }, ['values']),
    async run(config, ctx) {
      const values = evaluateMap(ctx.scope, config.values as Record<string, unknown>, ctx.registries.operations);
      Object.assign(ctx.scope.vars, values);
      return { output: values };
    },
  },
  {
    type: 'delay',
    sideEffect: false,
    configSchema: obj({ seconds: { type: 'integer', minimum: 1, maximum: 366 * 86400 }, until: {} }),
    async run(config, ctx) {
      const until = config.until !== undefined ? new Date(String(ctx.evaluate(config.until))) : new Date(Date.now() + Number(config.seconds ?? 0) * 1000);
      if (Number.isNaN(until.getTime())) throw new Error('delay: "until" is not a date');
      return { wait: { until }, output: { until: until.toISOString() } };
    },
  },
  { type: 'parallel', sideEffect: false, control: 'parallel', configSchema: obj({ branches: { type: 'array', items: KEY, minItems: 2, maxItems: 10 }, join: KEY }, ['branches', 'join']) },
  { type: 'join', sideEffect: false, control: 'join', configSchema: obj({}) },
  {
    type: 'loop',
    sideEffect: false,
    control: 'loop',
    configSchema: obj({ entity: KEY, filter: {}, sort: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 1000 }, body: KEY }, ['entity', 'body']),
    check: entityProblems,
  },
  ...OUTSIDE_ACTIONS,
];

/** A filter from step settings with its operands evaluated: `{"value": {"var": "record.id"}}`. */
export function resolveFilterValues(filter: unknown, scope: RunScope, ctx: Pick<ActionContext, 'registries'>): unknown {
  if (Array.isArray(filter)) return filter.map((f) => resolveFilterValues(f, scope, ctx));
  if (filter === null || typeof filter !== 'object') return filter;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    out[key] = key === 'value' && value !== null && typeof value === 'object' && !Array.isArray(value) ? evaluateIn(scope, value, ctx.registries.operations) : resolveFilterValues(value, scope, ctx);
  }
  return out;
}
