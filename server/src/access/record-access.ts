import { ObjectId, type Db, type Document } from 'mongodb';
import { isSystemField, maskValue, rowFilterToFilter, type BundleRegistries, type RowFilterUser } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { compileFilter } from '../query/index.js';
import { FieldNotWritable, Forbidden, PreviewReadOnly } from './access.errors.js';
import { entityPolicy, type EntityOperation, type EntityPolicy, type ScopeRule, type ScopedOperation } from './entity-policy.js';
import { sharedRecordIds } from './record-shares.js';
import { USERS } from '../auth/user-model.js';
import { UserDirectory } from './user-directory.js';

/** Matches no record: the scope of an actor whose roles reach none. */
const NOTHING: Document = { _id: { $exists: false } };

/**
 * What one actor may do with records, for one request: the entity policies of their
 * roles (entity-policy.ts) made concrete with who they are — their id, subordinates,
 * department, shares and row filters become MongoDB query clauses.
 *
 * The record engine calls this on every path; routes and UIs do not decide access.
 * A record outside the actor's scope is "not found" rather than "forbidden", so ids
 * of records one may not see cannot be probed.
 */
export class RecordAccess {
  private readonly directory: UserDirectory;
  private user: Promise<RowFilterUser> | undefined;

  constructor(
    private readonly db: Db,
    private readonly snapshot: MetadataSnapshot,
    private readonly registries: BundleRegistries,
    readonly actor: Actor,
  ) {
    this.directory = new UserDirectory(db);
  }

  policy(entity: string): EntityPolicy {
    return entityPolicy(this.snapshot, this.actor, entity, this.registries.operations);
  }

  /**
   * Throws 403 FORBIDDEN unless the actor's roles grant `op` on `entity`; for an actor
   * previewing a role, 403 PREVIEW_READ_ONLY for any operation but read and export.
   */
  require(entity: string, op: EntityOperation): void {
    if (this.actor.preview !== undefined && op !== 'read' && op !== 'export')
      throw PreviewReadOnly(undefined, { entity, operation: op, role: this.actor.preview.role });
    if (!this.policy(entity).can(op)) throw Forbidden(`You may not ${op} ${entity} records`, { entity, operation: op });
  }

  /** Admin-only operations (hard delete): the system actor and the admin role. */
  requireUnrestricted(entity: string, operation: string): void {
    if (!this.policy(entity).unrestricted) throw Forbidden(`Only an administrator may ${operation}`, { entity, operation });
  }

  /**
   * The query clause selecting the records of `entity` the actor may `op`, or undefined
   * when they may reach every record. The union of the scopes of their roles granting
   * `op`, and of the records shared with them (read: any share; update: read-write).
   */
  async scope(entity: string, op: ScopedOperation): Promise<Document | undefined> {
    const policy = this.policy(entity);
    const rules = policy.scopes(op);
    if (policy.unrestricted || rules.some((r) => r.scope === 'all')) return undefined;
    const clauses = await Promise.all(rules.map((rule) => this.ruleClause(entity, rule)));
    if (op !== 'delete') {
      const shared = await sharedRecordIds(this.db, entity, this.actor, op === 'read' ? 'read' : 'write', new Date());
      if (shared.length > 0) clauses.push({ _id: { $in: shared } });
    }
    const useful = clauses.filter((c) => c !== NOTHING);
    return useful.length === 0 ? NOTHING : useful.length === 1 ? useful[0] : { $or: useful };
  }

  /**
   * The read scope of a related entity (a lookup target, an expanded record): null when
   * the actor may not read that entity at all, undefined when they may read every record.
   */
  async readScope(entity: string): Promise<Document | undefined | null> {
    return this.policy(entity).can('read') ? await this.scope(entity, 'read') : null;
  }

  /**
   * For the query compilers: may the actor name this field in a filter, sort, search,
   * group or field list? Only fields they may read unmasked; system fields always.
   */
  queryable(entity: string): (field: string) => boolean {
    const policy = this.policy(entity);
    return (field) => isSystemField(field) || (policy.field(field).read && !policy.field(field).mask);
  }

  /** Removes the fields the actor may not read and masks the masked ones, in place. */
  present<T extends Record<string, unknown>>(entity: string, record: T): T {
    const policy = this.policy(entity);
    if (policy.unrestricted) return record;
    const values: Record<string, unknown> = record;
    for (const key of Object.keys(values)) {
      if (key === 'id' || key === '_expanded' || isSystemField(key)) continue;
      const field = policy.field(key);
      if (!field.read) delete values[key];
      else if (field.mask) values[key] = maskValue(values[key], field.mask);
    }
    const expanded = record._expanded as Record<string, unknown> | undefined;
    if (expanded) for (const key of Object.keys(expanded)) if (!policy.field(key).read || policy.field(key).mask) delete expanded[key];
    return record;
  }

  /** Whether a history change of this field may be shown, and how. */
  presentValue(entity: string, field: string, value: unknown): { visible: boolean; value: unknown } {
    const access = this.policy(entity).field(field);
    if (!access.read) return { visible: false, value: undefined };
    return { visible: true, value: access.mask ? maskValue(value, access.mask) : value };
  }

  /** Throws 403 FIELD_NOT_WRITABLE naming every field of `input` the actor may not write. */
  checkWritable(entity: string, input: Record<string, unknown>): void {
    const policy = this.policy(entity);
    if (policy.unrestricted) return;
    // Unknown and system fields are left to the validator, which names them better.
    const denied = Object.keys(input).filter(
      (key) => !isSystemField(key) && this.snapshot.entity(entity)?.fields.some((f) => f.key === key) && !policy.field(key).write,
    );
    if (denied.length > 0) {
      throw FieldNotWritable(`You may not change ${denied.map((f) => `"${f}"`).join(', ')}`, {
        entity,
        fields: denied,
        problems: denied.map((f) => ({ pointer: `/${f}`, code: 'NOT_WRITABLE', message: 'you may not change this field' })),
      });
    }
  }

  /**
   * `input` without the masked fields whose value is exactly the masked text the actor
   * was shown for the current value: a form sends back what it displayed, and that must
   * not replace the real value with its mask. A new value (one a role lets them write)
   * passes.
   */
  withoutMaskedEcho(entity: string, input: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
    const policy = this.policy(entity);
    if (policy.unrestricted) return input;
    const out = { ...input };
    for (const key of Object.keys(out)) {
      const mask = policy.field(key).mask;
      if (mask && current[key] != null && JSON.stringify(out[key]) === JSON.stringify(maskValue(current[key], mask))) delete out[key];
    }
    return out;
  }

  /**
   * Whether the actor may give a record owned by `owner` to someone else: an
   * administrator always; a role granting `changeOwner` on the entity, for a record they
   * may update (`canUpdate`); the owner's managers (up the manager chain) always.
   */
  async mayChangeOwner(entity: string, owner: unknown, canUpdate: boolean): Promise<boolean> {
    const policy = this.policy(entity);
    if (policy.unrestricted) return true;
    if (canUpdate && policy.can('changeOwner')) return true;
    return typeof owner === 'string' && owner !== this.actor.id && (await this.directory.subordinates(this.actor.id)).includes(owner);
  }

  /** The query clause of one role's scope rule for this actor (for scope, and the explainer). */
  async ruleClause(entity: string, rule: ScopeRule): Promise<Document> {
    const me = this.actor.id;
    switch (rule.scope) {
      case 'all':
        return {};
      case 'own':
        return { _ownerId: me };
      case 'own_and_subordinates':
        return { _ownerId: { $in: [me, ...(await this.directory.subordinates(me))] } };
      case 'department':
      case 'department_tree': {
        const department = this.actor.departmentId;
        if (!department) return { _ownerId: me };
        const departments = rule.scope === 'department' ? [department] : await this.directory.departmentTree(department);
        return { _ownerId: { $in: [me, ...(await this.directory.members(departments))] } };
      }
      case 'filter': {
        const translated = rowFilterToFilter(rule.rowFilter, await this.currentUser());
        // Refused at publish; a filter that still fails to translate grants nothing.
        if (!translated.filter) return NOTHING;
        const target = this.snapshot.entity(entity);
        if (!target) return NOTHING;
        return compileFilter(translated.filter, target, { fieldTypes: this.registries.fieldTypes, now: new Date(), includeDeleted: true });
      }
    }
  }

  /** `$user` for row filters: the actor, with the email read once from the users collection. */
  private currentUser(): Promise<RowFilterUser> {
    this.user ??= (async () => {
      const { actor } = this;
      const doc = ObjectId.isValid(actor.id)
        ? await this.db.collection(USERS).findOne({ _id: new ObjectId(actor.id) }, { projection: { email: 1 } })
        : null;
      return {
        id: actor.id,
        email: typeof doc?.email === 'string' ? doc.email : null,
        name: actor.name,
        locale: actor.locale ?? null,
        departmentId: actor.departmentId ?? null,
        roles: actor.roles,
      };
    })();
    return this.user;
  }
}
