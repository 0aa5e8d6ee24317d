import { ObjectId, type Db, type Document } from 'mongodb';
import type { ConfigCheckContext, Problem } from '@metacrm/metadata';
import { USERS } from '../../auth/user-model.js';
import { nextSequence } from '../../record-storage/auto-number.js';
import { AuditLog } from '../../audit/audit-log.js';
import type { WriteOptions } from '../../records/record.service.js';
import { evaluateIn, evaluateMap } from '../run-scope.js';
import type { ActionContext, WorkflowAction } from '../action-contract.js';
import { NoAssignee } from '../workflow.errors.js';
import { checkDuplicatesAction } from './duplicate-step.js';
import { plannedAction } from './planned-action.js';

const KEY = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;
const OBJECT_ID = { type: 'string', pattern: '^[0-9a-f]{24}$' } as const;
const LOGIC_MAP = { type: 'object', propertyNames: KEY, maxProperties: 200 } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

/** Whom a round robin takes turns among: explicit users, a role's holders, or a department's members. */
const TEAM = {
  ...obj({ users: { type: 'array', items: OBJECT_ID, minItems: 1, maxItems: 500 }, role: KEY, department: OBJECT_ID }),
  minProperties: 1,
  maxProperties: 1,
};

/**
 * Who owns a record a step creates or hands over: the user who triggered the run, the
 * trigger record's owner, a user id given by a template or json-logic (`{"user": {"var":
 * "record.account_manager"}}`), or the next of a team in turn (`{"roundRobin": {"role":
 * "sales_rep"}}`).
 */
export const OWNER_SCHEMA = {
  anyOf: [{ enum: ['triggering_user', 'record_owner'] }, obj({ user: {} }, ['user']), obj({ roundRobin: TEAM }, ['roundRobin'])],
} as const;

/**
 * assign_owner's owner: any of OWNER_SCHEMA, or `nobody`, which leaves the record
 * without an owner (a customer recycled into the pool).
 */
const ASSIGNED_OWNER_SCHEMA = { anyOf: [...OWNER_SCHEMA.anyOf, { const: 'nobody' }] } as const;

type OwnerSpec = 'triggering_user' | 'record_owner' | { user: unknown } | { roundRobin: Record<string, unknown> };
/** An owner as a plan says it: a user id, or a team whose next member takes it when the step acts. */
type OwnerPlan = { ownerId: string } | { roundRobin: string[] };
/** What assign_owner plans: an owner, or none (`nobody`). */
type AssignedOwnerPlan = OwnerPlan | { ownerId: null };

/**
 * A workflow step is the process writing, not a user filling in a form: no form's
 * required, hidden or read-only conditions apply (a step that sets a field users may
 * not edit, such as an approval status, is the point). Field types, rules and lookups
 * still do.
 */
const AUTOMATION_WRITE: WriteOptions = { form: null };

/** The id of the record a write happened under this key, if it did (a replayed step). */
async function writtenBefore(db: Db, key: string): Promise<string | undefined> {
  const applied = (await new AuditLog(db).applied([key])).get(key);
  return applied ? String(applied.recordId) : undefined;
}

/** The record a step acts on: by default the trigger record; else the entity and id its settings name. */
function target(config: Record<string, unknown>, ctx: ActionContext): { entity: string; id: string } {
  const entity = (config.entity as string | undefined) ?? ctx.entity ?? '';
  return { entity, id: String(config.record === undefined ? (ctx.scope.record?.id ?? '') : ctx.evaluate(config.record)) };
}

/** Publish checks of a step that writes `values` to `entity` (its own, or the workflow's). */
function valuesProblems(config: Record<string, unknown>, context: ConfigCheckContext, requireEntity: boolean): Problem[] {
  const entity = (config.entity as string | undefined) ?? context.workflow.entity;
  if (entity === undefined)
    return requireEntity || config.record === undefined
      ? [{ pointer: `${context.at}/entity`, code: 'REQUIRED', message: 'The workflow has no entity, so the step must name one' }]
      : [];
  if (config.entity !== undefined) {
    const missing = context.entityProblems(entity, `${context.at}/entity`);
    if (missing.length > 0) return missing;
  }
  return Object.keys((config.values ?? {}) as Record<string, unknown>).flatMap((field) =>
    context.writableFieldProblems(entity, field, `${context.at}/values/${field}`),
  );
}

/** Publish checks of a step that names a record of `entity` (assign_owner, and the entity of a query or loop). */
export function entityProblems(config: Record<string, unknown>, context: ConfigCheckContext): Problem[] {
  if (config.entity !== undefined) return context.entityProblems(String(config.entity), `${context.at}/entity`);
  return context.workflow.entity === undefined
    ? [{ pointer: `${context.at}/entity`, code: 'REQUIRED', message: 'The workflow has no entity, so the step must name one' }]
    : [];
}

export const updateRecordAction = plannedAction({
  type: 'update_record',
  external: false,
  configSchema: obj({ entity: KEY, record: {}, values: LOGIC_MAP }, ['values']),
  check: (config, context) => valuesProblems(config, context, false),
  async plan(config, ctx) {
    return { ...target(config, ctx), values: evaluateMap(ctx.scope, config.values as Record<string, unknown>, ctx.registries.operations) };
  },
  async perform(plan, ctx) {
    const done = await writtenBefore(ctx.db, ctx.idempotencyKey);
    if (done) return { output: { id: done, replayed: true } };
    const record = await ctx.records().update(plan.entity, plan.id, plan.values, undefined, AUTOMATION_WRITE);
    return { output: { id: record.id, version: record._version } };
  },
});

export const createRecordAction = plannedAction({
  type: 'create_record',
  external: false,
  configSchema: obj({ entity: KEY, values: LOGIC_MAP, owner: OWNER_SCHEMA }, ['entity', 'values']),
  check: (config, context) => valuesProblems(config, context, true),
  async plan(config, ctx) {
    const owner = config.owner === undefined ? await defaultOwner(ctx) : await ownerPlan(config.owner as OwnerSpec, ctx);
    return {
      entity: String(config.entity),
      values: evaluateMap(ctx.scope, config.values as Record<string, unknown>, ctx.registries.operations),
      owner,
    };
  },
  async perform(plan, ctx) {
    const done = await writtenBefore(ctx.db, ctx.idempotencyKey);
    if (done) return { output: { id: done, replayed: true } };
    const owner = plan.owner === null ? undefined : (await takeOwner(plan.owner, ctx)).ownerId;
    const record = await ctx.records().create(plan.entity, plan.values, { ...AUTOMATION_WRITE, owner });
    return { output: { id: record.id, ownerId: record._ownerId } };
  },
});

/**
 * `assign_owner` gives a record (by default the trigger record) to the `owner` its
 * settings choose, or, as before `owner` existed, to the next of a team in turn
 * (`users`, `role` or `department`). `owner: "nobody"` takes the owner away (a record
 * returned to a pool); a step before it may keep who had it (`record._ownerId`).
 */
export const assignOwnerAction = plannedAction({
  type: 'assign_owner',
  external: false,
  configSchema: obj({
    owner: ASSIGNED_OWNER_SCHEMA,
    users: TEAM.properties.users,
    role: KEY,
    department: OBJECT_ID,
    entity: KEY,
    record: {},
  }),
  check(config, context) {
    const given = ['owner', 'users', 'role', 'department'].filter((k) => config[k] !== undefined);
    const problems = entityProblems(config, context);
    if (given.length !== 1)
      problems.push({
        pointer: `${context.at}/owner`,
        code: given.length === 0 ? 'REQUIRED' : 'NOT_ALLOWED_VALUE',
        message: 'Name the new owner once: "owner", or a team as "users", "role" or "department"',
        params: { given },
      });
    return problems;
  },
  async plan(config, ctx) {
    if (config.owner === 'nobody') return { ...target(config, ctx), owner: { ownerId: null } as AssignedOwnerPlan };
    const spec: OwnerSpec = (config.owner as OwnerSpec | undefined) ?? {
      roundRobin: { users: config.users, role: config.role, department: config.department },
    };
    return { ...target(config, ctx), owner: (await ownerPlan(spec, ctx)) as AssignedOwnerPlan };
  },
  async perform(plan, ctx) {
    const done = await writtenBefore(ctx.db, ctx.idempotencyKey);
    if (done) return { output: { id: done, replayed: true } };
    if ('ownerId' in plan.owner && plan.owner.ownerId === null) {
      await ctx.records().transferOwner(plan.entity, plan.id, null);
      return { output: { id: plan.id, ownerId: null } };
    }
    const owner = await takeOwner(plan.owner as OwnerPlan, ctx);
    await ctx.records().transferOwner(plan.entity, plan.id, owner.ownerId);
    return { output: { id: plan.id, ...owner } };
  },
});

/**
 * Who owns a record a step creates when its settings do not say: the user who
 * triggered the run; for runs no user started (schedules, webhooks, another
 * workflow's write), the trigger record's owner; else nobody (null), and the record
 * is the workflow's own (`workflow:<key>`).
 */
async function defaultOwner(ctx: ActionContext): Promise<OwnerPlan | null> {
  if (ctx.triggeredBy.kind !== 'system' && (await isActiveUser(ctx.db, ctx.triggeredBy.id))) return { ownerId: ctx.triggeredBy.id };
  const recordOwner = ctx.scope.record?._ownerId;
  if (typeof recordOwner === 'string' && (await isActiveUser(ctx.db, recordOwner))) return { ownerId: recordOwner };
  return null;
}

/** An owner setting read against the run: NoAssignee when it names nobody. */
async function ownerPlan(spec: OwnerSpec, ctx: ActionContext): Promise<OwnerPlan> {
  if (spec === 'triggering_user') {
    if (ctx.triggeredBy.kind === 'system') throw NoAssignee('No user started this run', { owner: spec, pointer: '/owner' });
    return { ownerId: ctx.triggeredBy.id };
  }
  if (spec === 'record_owner') {
    const owner = ctx.scope.record?._ownerId;
    if (typeof owner !== 'string' || owner === '')
      throw NoAssignee('The run has no trigger record with an owner', { owner: spec, pointer: '/owner' });
    return { ownerId: owner };
  }
  if ('user' in spec) {
    const value = typeof spec.user === 'string' ? spec.user : evaluateIn(ctx.scope, spec.user, ctx.registries.operations);
    if (typeof value !== 'string' || !/^[0-9a-f]{24}$/.test(value))
      throw NoAssignee(`${JSON.stringify(value ?? null).slice(0, 60)} is not a user id`, { owner: spec, pointer: '/owner/user' });
    return { ownerId: value };
  }
  const team = await teamOf(ctx.db, spec.roundRobin);
  if (team.length === 0) throw NoAssignee('Nobody in the team can own the record', { team: spec.roundRobin, pointer: '/owner/roundRobin' });
  return { roundRobin: team };
}

/** The owner of a plan; a round robin takes its turn now (a counter per workflow step). */
async function takeOwner(owner: OwnerPlan, ctx: ActionContext): Promise<{ ownerId: string; turn?: number }> {
  if ('ownerId' in owner) return owner;
  const turn = await nextSequence(ctx.db, `round_robin.${ctx.workflow}.${ctx.idempotencyKey.split(':')[1]}`);
  return { ownerId: owner.roundRobin[(turn - 1) % owner.roundRobin.length]!, turn };
}

async function isActiveUser(db: Db, id: string): Promise<boolean> {
  return (
    /^[0-9a-f]{24}$/.test(id) &&
    (await db.collection(USERS).countDocuments({ _id: new ObjectId(id), active: { $ne: false } }, { limit: 1 })) > 0
  );
}

/** The active users a round robin takes turns among, in a stable order. */
async function teamOf(db: Db, team: Record<string, unknown>): Promise<string[]> {
  const filter: Document = { active: { $ne: false } };
  if (Array.isArray(team.users)) filter._id = { $in: (team.users as string[]).map((id) => new ObjectId(id)) };
  else if (typeof team.role === 'string') filter.roles = team.role;
  else if (typeof team.department === 'string') filter.departmentId = new ObjectId(team.department);
  else return [];
  const docs = await db
    .collection(USERS)
    .find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, limit: 500 })
    .toArray();
  return docs.map((d) => String(d._id));
}

/** The built-in steps that write records. */
export const RECORD_ACTIONS: WorkflowAction[] = [updateRecordAction, createRecordAction, assignOwnerAction, checkDuplicatesAction];
