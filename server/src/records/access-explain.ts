import { ObjectId, type Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { ADMIN_ROLE, type Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { withScope } from './related-access.js';
import { EntityNotFound, RecordNotFound } from './records.errors.js';
import { BadRequest } from '../errors/platform.errors.js';
import type { EntityOperation, ScopedOperation } from '../access/entity-policy.js';
import { RecordAccess } from '../access/record-access.js';
import { SHARES, type ShareDoc } from '../access/record-shares.js';
import { actorOf } from '../auth/authenticator.js';
import { users } from '../auth/user-model.js';

const OPERATIONS: readonly EntityOperation[] = ['create', 'read', 'update', 'delete', 'export'];
const SCOPED: readonly ScopedOperation[] = ['read', 'update', 'delete'];

export interface ExplainQuery {
  user: string;
  entity: string;
  record?: string | undefined;
  field?: string | undefined;
}

/**
 * Says why a user may or may not do something: for each operation on the entity, the
 * roles that grant it; for a record, which role's scope or which share reaches it;
 * for a field, what each role says. It runs the same policy and the same scope
 * clauses as the record engine, so the answer cannot drift from what is enforced.
 */
export async function explainAccess(db: Db, snapshot: MetadataSnapshot, registries: BundleRegistries, query: ExplainQuery) {
  const subject = await actorOfUser(db, query.user);
  const entity = snapshot.entity(query.entity);
  if (!entity) throw EntityNotFound(`No entity "${query.entity}"`, { entity: query.entity });
  const access = new RecordAccess(db, snapshot, registries, subject);
  const policy = access.policy(entity.key);
  const grants = (snapshot.bundle.roles ?? []).filter((r) => subject.roles.includes(r.key));
  const roleGrant = (op: EntityOperation) =>
    grants
      .filter((r) => r.entities?.[entity.key]?.[op] === true && (op === 'create' || r.entities?.[entity.key]?.read === true))
      .map((r) => r.key);
  const answer = {
    user: { id: subject.id, name: subject.name, roles: subject.roles, departmentId: subject.departmentId ?? null },
    entity: entity.key,
    unrestricted: policy.unrestricted,
    reason: policy.unrestricted ? `holds the built-in "${ADMIN_ROLE}" role, which grants everything` : null,
    unknownRoles: subject.roles.filter((r) => r !== ADMIN_ROLE && !grants.some((g) => g.key === r)),
    operations: Object.fromEntries(
      OPERATIONS.map((op) => [op, { allowed: policy.can(op), grantedBy: policy.unrestricted ? [ADMIN_ROLE] : roleGrant(op) }]),
    ),
    record: undefined as unknown,
    field: undefined as unknown,
  };
  if (query.record !== undefined) {
    if (!/^[0-9a-f]{24}$/.test(query.record)) throw RecordNotFound(`No record ${query.record}`, { id: query.record });
    const _id = new ObjectId(query.record);
    const doc = await recordCollection(db, entity.key).findOne({ _id }, { projection: { _ownerId: 1, _deletedAt: 1 } });
    if (!doc) throw RecordNotFound(`No ${entity.key} record ${query.record}`, { entity: entity.key, id: query.record });
    const shares = await db.collection<ShareDoc>(SHARES).find({ entity: entity.key, recordId: _id }).toArray();
    const now = Date.now();
    const mine = shares.filter(
      (s) =>
        (s.principal.type === 'user' && s.principal.id === subject.id) ||
        (s.principal.type === 'department' && s.principal.id === subject.departmentId),
    );
    const perOp = await Promise.all(
      SCOPED.map(async (op) => {
        const rules = await Promise.all(
          policy.scopes(op).map(async (rule) => ({
            role: rule.role,
            scope: rule.scope,
            matches:
              (await recordCollection(db, entity.key).countDocuments(withScope({ _id }, await access.ruleClause(entity.key, rule)), {
                limit: 1,
              })) > 0,
          })),
        );
        const scope = await access.scope(entity.key, op);
        const allowed =
          policy.can(op) && (await recordCollection(db, entity.key).countDocuments(withScope({ _id }, scope), { limit: 1 })) > 0;
        const viaShares =
          op === 'delete'
            ? []
            : mine
                .filter((s) => (op === 'read' || s.access === 'write') && (s.until === null || s.until.getTime() > now))
                .map((s) => ({ id: String(s._id), principal: s.principal, access: s.access, until: s.until?.toISOString() ?? null }));
        return [op, { allowed, rules, shares: viaShares }] as const;
      }),
    );
    answer.record = {
      id: query.record,
      ownerId: doc._ownerId ?? null,
      deleted: doc._deletedAt != null,
      operations: Object.fromEntries(perOp),
    };
  }
  if (query.field !== undefined) {
    if (!entity.fields.some((f) => f.key === query.field))
      throw BadRequest(`"${query.field.slice(0, 60)}" is not a field of ${entity.key}`, [
        { pointer: '/query/field', code: 'UNKNOWN_FIELD' },
      ]);
    const key = query.field;
    const access = policy.field(key);
    const why = access.hiddenBecause;
    answer.field = {
      key,
      ...access,
      ...(why
        ? {
            reason: `hidden: computed from ${why.entity}.${why.field}, which the user may not read in full (a role may grant it explicitly)`,
          }
        : {}),
      roles: grants
        .filter((r) => r.entities?.[entity.key])
        .map((r) => ({
          role: r.key,
          read: r.entities![entity.key]!.read === true && r.entities![entity.key]!.fields?.[key]?.read !== false,
          write: r.entities![entity.key]!.fields?.[key]?.write !== false,
          mask: r.entities![entity.key]!.fields?.[key]?.mask ?? null,
        })),
    };
  }
  return answer;
}

/** The actor a user acts as (their roles and department), as sign-in would make it. */
async function actorOfUser(db: Db, userId: string): Promise<Actor> {
  const user = /^[0-9a-f]{24}$/.test(userId) ? await users(db).findOne({ _id: new ObjectId(userId) }) : null;
  if (!user) throw BadRequest(`No user ${userId.slice(0, 40)}`, [{ pointer: '/query/user', code: 'NOT_ALLOWED_VALUE' }]);
  return actorOf(user);
}
