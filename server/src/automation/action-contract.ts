import type { Db } from 'mongodb';
import type { BundleRegistries, ConfigurableDefinition } from '@metacrm/metadata';
import type { MailConfig } from '../config/config.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { Logger } from '../observability/logger.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { RecordService } from '../records/record.service.js';
import type { RunScope } from './run-scope.js';

/**
 * The contract of a workflow step type (an action): what the executor hands a step and
 * what it expects back. Built-in steps (workflow-actions.ts, actions/, approvals.ts) and
 * plugins' steps implement it alike; this file imports no step, so no step imports the
 * place steps are listed.
 */

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
   * Park the path at this step: until an instant (a delay), or until `on` (an id the
   * step chose, such as its approval's) settles, which the action's `resume` tells; past
   * `until` as well, `resume` decides what the due time means. The path moves on through
   * the step's branches then.
   */
  wait?: { until: Date } | { on: string; until?: Date | undefined };
}

/** What `resume` gets: the database and the time the executor looks at the waiting path. */
export interface ResumeContext {
  db: Db;
  logger: Logger;
  now: Date;
}

/** A waiting step looked at again: settled with the step's output, or still pending (until when, if due). */
export type ResumeResult = { output: unknown } | { pending: Date | null };

/**
 * A workflow step type. `configSchema` is checked at publish; `run` executes it.
 *
 * - `sideEffect` steps change something (records, messages, calls): a dry run reports
 *   their plan instead of running them, and they must be idempotent on
 *   `ctx.idempotencyKey` as far as their target allows (record writes look the key up
 *   in the audit log, AuditLog.applied, which the write's own transaction fills; calls outside go through
 *   effectOnce, which never repeats a call whose outcome a crash left unknown), since a
 *   crash between the effect and saving the run state replays the step.
 * - `external` steps reach outside the platform's data (HTTP, email, notifications to
 *   people); a dry run's report says so, and they render from `ctx.visible`.
 * - A step whose result waits `on` something has a `resume`, which the executor calls
 *   each time it looks at the waiting path (approvals: decided, timed out, escalated).
 * - `control` steps (parallel, join, loop) are run by the executor itself.
 *
 * A step throws an error for which `isPermanent` holds (an AppError below 500 other
 * than a conflict, or an UnrecoverableError) for a fault a retry cannot fix, and any
 * other error for one worth retrying.
 */
export interface WorkflowAction extends ConfigurableDefinition {
  sideEffect: boolean;
  external: boolean;
  control?: 'parallel' | 'join' | 'loop';
  /**
   * What a side-effect step would do, its settings read exactly as `run` reads them
   * (see plannedAction): a dry run reports it instead of running the step. A
   * side-effect step without one is reported with its settings as they are.
   */
  plan?(config: Record<string, unknown>, ctx: ActionContext): Promise<Record<string, unknown>>;
  run?(config: Record<string, unknown>, ctx: ActionContext): Promise<ActionResult>;
  /** For a step whose result waits `on` something: whether it has settled (see ResumeResult). */
  resume?(on: string, ctx: ResumeContext): Promise<ResumeResult>;
}
