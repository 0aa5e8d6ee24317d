import { randomBytes } from 'node:crypto';
import { ObjectId, type ClientSession, type Db, type Filter } from 'mongodb';
import { AuditLog, type AuditEvent } from '../audit/audit-log.js';
import { ADMIN_ROLE, isUnrestricted, type Actor } from '../actor/actor.js';
import { rewriteDocument } from '../storage/rewrite.js';
import type { CredentialCache } from './credential-cache.js';
import { Forbidden, UserEmailTaken, UserInvalid, UserNotFound, UserVersionConflict } from './auth.errors.js';
import { hashPassword, passwordProblems } from './password.js';
import { ApiTokenStore } from './api-tokens.js';
import { SessionStore } from './sessions.js';
import { readUserInput, type InputProblem, type UserInput } from './user-input.js';
import { departments, parseId, toPublicUser, users, type PublicUser, type UserDoc } from './user-model.js';

export interface UsersServiceOptions {
  db: Db;
  actor: Actor;
  /** Role keys of the current metadata (users may hold these and `admin`). */
  roleKeys: ReadonlySet<string>;
  /** Told of every change to a user, so no process keeps trusting what it cached of them. */
  credentials: CredentialCache;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface UserListQuery {
  q?: string | undefined;
  active?: boolean | undefined;
  departmentId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const MAX_MANAGER_DEPTH = 64;
/** Documents that serialise changes which must see each other (the last admin). */
const AUTH_GUARDS = 'auth_guards';

/** Whether a change takes an active admin away (deactivated, or the role removed). */
function losesAdmin(before: UserDoc, after: UserDoc): boolean {
  const was = before.active && before.roles.includes(ADMIN_ROLE);
  return was && !(after.active && after.roles.includes(ADMIN_ROLE));
}

/**
 * User administration: list, read, create, change (version-guarded), reset a
 * password. A deactivation or a password reset ends every session of the user in the
 * same transaction as the change and its audit entry. Only a holder of the built-in
 * `admin` role may grant or take away that role, or change a user who holds it, so a
 * user administrator cannot make themselves (or take over) an admin.
 */
export class UsersService {
  private readonly audit: AuditLog;

  constructor(private readonly options: UsersServiceOptions) {
    this.audit = new AuditLog(options.db);
  }

  async list(query: UserListQuery): Promise<{ users: PublicUser[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const filter: Filter<UserDoc> = {};
    if (query.active !== undefined) filter.active = query.active;
    if (query.departmentId !== undefined) filter.departmentId = parseId(query.departmentId) ?? new ObjectId('000000000000000000000000');
    if (query.q) {
      const pattern = query.q
        .trim()
        .toLowerCase()
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .slice(0, 100);
      filter.$or = [{ email: { $regex: `^${pattern}` } }, { name: { $regex: pattern, $options: 'i' } }];
    }
    const cursor = parseId(query.cursor);
    if (cursor) filter._id = { $gt: cursor };
    const docs = await users(this.options.db)
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    const page = docs.slice(0, limit);
    return { users: page.map(toPublicUser), nextCursor: docs.length > limit ? String(page[page.length - 1]!._id) : null };
  }

  async get(id: string): Promise<PublicUser> {
    return toPublicUser(await this.load(id));
  }

  async create(body: unknown): Promise<PublicUser> {
    const { input, problems } = readUserInput(body, 'create', this.options.roleKeys);
    problems.push(...(await this.referenceProblems(input, undefined)));
    if (problems.length > 0) throw UserInvalid(undefined, { problems });
    this.guardAdminRole([], input.roles ?? []);
    const now = new Date();
    const doc: UserDoc = {
      _id: new ObjectId(),
      email: input.email!,
      name: input.name!,
      phone: input.phone ?? null,
      locale: input.locale ?? 'zh-CN',
      active: input.active ?? true,
      managerId: input.managerId ?? null,
      departmentId: input.departmentId ?? null,
      roles: input.roles ?? [],
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      passwordChangedAt: input.password === undefined ? null : now,
      totp: null,
      recoveryCodes: [],
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
      _version: 1,
    };
    await this.transaction(async (session) => {
      await insertUser(this.options.db, doc, session);
      await this.audit.append(this.event('user.create', doc, { email: doc.email, roles: doc.roles, active: doc.active }), session);
      if (doc.roles.length > 0) await this.audit.append(this.event('role.change', doc, { from: [], to: doc.roles }), session);
    });
    return toPublicUser(doc);
  }

  /** Changes some fields; with `expectedVersion`, only if nobody changed the user since. */
  async update(id: string, body: unknown, expectedVersion?: number): Promise<PublicUser> {
    const current = await this.load(id);
    const { input, problems } = readUserInput(body, 'patch', this.options.roleKeys);
    problems.push(...(await this.referenceProblems(input, current._id)));
    if (input.active === false && String(current._id) === this.options.actor.id)
      problems.push({ pointer: '/active', code: 'NOT_ALLOWED', message: 'you cannot deactivate yourself' });
    if (problems.length > 0) throw UserInvalid(undefined, { problems });
    this.guardAdminRole(current.roles, input.roles ?? current.roles);
    if (expectedVersion !== undefined && expectedVersion !== current._version)
      throw UserVersionConflict(undefined, { currentVersion: current._version });

    const set: Partial<UserDoc> = {};
    for (const key of ['email', 'name', 'phone', 'locale', 'active', 'managerId', 'departmentId', 'roles'] as const) {
      if (input[key] !== undefined && !same(input[key], current[key])) (set as Record<string, unknown>)[key] = input[key];
    }
    if (Object.keys(set).length === 0) return toPublicUser(current);
    const next: UserDoc = { ...current, ...set, updatedAt: new Date(), _version: current._version + 1 };
    await this.transaction(async (session) => {
      if (!(await writeUser(this.options.db, current, { $set: { ...set, updatedAt: next.updatedAt }, $inc: { _version: 1 } }, session)))
        throw UserVersionConflict();
      if (losesAdmin(current, next)) await this.keepAnAdmin(session, set.active === false ? '/active' : '/roles');
      if (set.active === false) {
        await new SessionStore(this.options.db).endAll(current._id, { session });
        await new ApiTokenStore(this.options.db).revokeAll(current._id, { session });
      }
      const { roles: _roles, ...changed } = set;
      if (Object.keys(changed).length > 0)
        await this.audit.append(this.event('user.update', next, { fields: Object.keys(changed) }), session);
      if (set.active === false) await this.audit.append(this.event('user.deactivate', next), session);
      if (set.active === true) await this.audit.append(this.event('user.reactivate', next), session);
      if (set.roles) await this.audit.append(this.event('role.change', next, { from: current.roles, to: set.roles }), session);
    });
    await this.options.credentials.changed(current._id);
    return toPublicUser(next);
  }

  /**
   * Sets a new password (or a generated one, answered once) and ends every session of
   * the user, so whoever held the old one is signed out at once.
   */
  async resetPassword(id: string, body: unknown): Promise<{ user: PublicUser; generatedPassword?: string }> {
    const current = await this.load(id);
    this.guardAdminRole(current.roles, current.roles);
    const given = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).password : undefined;
    if (given !== undefined) {
      const problems = passwordProblems(given, '/password');
      if (problems.length > 0) throw UserInvalid(undefined, { problems });
    }
    const password = (given as string | undefined) ?? generatePassword();
    const now = new Date();
    const passwordHash = await hashPassword(password);
    await this.transaction(async (session) => {
      await users(this.options.db).updateOne(
        { _id: current._id },
        { $set: { passwordHash, passwordChangedAt: now, updatedAt: now }, $inc: { _version: 1 } },
        { session },
      );
      await new SessionStore(this.options.db).endAll(current._id, { session });
      await this.audit.append(this.event('user.password_reset', current, { generated: given === undefined }), session);
    });
    await this.options.credentials.changed(current._id);
    const user = toPublicUser({ ...current, passwordHash, passwordChangedAt: now, updatedAt: now, _version: current._version + 1 });
    return given === undefined ? { user, generatedPassword: password } : { user };
  }

  /**
   * Refuses a change that would leave no active holder of the built-in admin role:
   * nobody could then manage roles, users or metadata. Every such change also bumps
   * one guard document in its transaction, so two admins demoting each other at once
   * conflict (one transaction retries and then sees the other's change) instead of
   * both passing the count on their own snapshot.
   */
  private async keepAnAdmin(session: ClientSession, pointer: string): Promise<void> {
    const { db } = this.options;
    await db
      .collection<{ _id: string; changes: number }>(AUTH_GUARDS)
      .updateOne({ _id: 'admins' }, { $inc: { changes: 1 } }, { upsert: true, session });
    const left = await users(db).countDocuments({ active: true, roles: ADMIN_ROLE }, { session });
    if (left === 0)
      throw UserInvalid('At least one active administrator must remain', {
        problems: [{ pointer, code: 'LAST_ADMIN', message: 'this is the last active administrator' }],
      });
  }

  private async load(id: string): Promise<UserDoc> {
    const _id = parseId(id);
    const doc = _id ? await users(this.options.db).findOne({ _id }) : null;
    if (!doc) throw UserNotFound(`No user ${id}`, { id });
    return doc;
  }

  /** The manager and department exist; the manager chain does not lead back to the user. */
  private async referenceProblems(input: UserInput, self: ObjectId | undefined): Promise<InputProblem[]> {
    const problems: InputProblem[] = [];
    if (input.departmentId && !(await departments(this.options.db).findOne({ _id: input.departmentId }, { projection: { _id: 1 } }))) {
      problems.push({ pointer: '/departmentId', code: 'UNKNOWN_DEPARTMENT', message: `no department ${String(input.departmentId)}` });
    }
    if (input.managerId) {
      if (self && input.managerId.equals(self))
        problems.push({ pointer: '/managerId', code: 'MANAGER_CYCLE', message: 'a user cannot be their own manager' });
      else {
        let at: ObjectId | null = input.managerId;
        for (let depth = 0; at && depth < MAX_MANAGER_DEPTH; depth++) {
          const manager: Pick<UserDoc, 'managerId'> | null = await users(this.options.db).findOne(
            { _id: at },
            { projection: { managerId: 1 } },
          );
          if (!manager) {
            if (depth === 0) problems.push({ pointer: '/managerId', code: 'UNKNOWN_USER', message: `no user ${String(input.managerId)}` });
            break;
          }
          if (self && manager.managerId?.equals(self)) {
            problems.push({ pointer: '/managerId', code: 'MANAGER_CYCLE', message: 'this manager reports, directly or not, to the user' });
            break;
          }
          at = manager.managerId;
        }
      }
    }
    return problems;
  }

  /** Granting, removing or touching the built-in admin role takes the admin role. */
  private guardAdminRole(before: readonly string[], after: readonly string[]): void {
    if (isUnrestricted(this.options.actor)) return;
    if (before.includes(ADMIN_ROLE) || after.includes(ADMIN_ROLE))
      throw Forbidden('Only an administrator may grant the admin role or change an administrator', { right: ADMIN_ROLE });
  }

  private event(action: AuditEvent['action'], user: UserDoc, data?: Record<string, unknown>): AuditEvent {
    return {
      action,
      actor: this.options.actor,
      target: { kind: 'user', id: String(user._id), email: user.email },
      data,
      ip: this.options.ip,
      requestId: this.options.requestId,
    };
  }

  private async transaction(work: (session: ClientSession) => Promise<void>): Promise<void> {
    const session = this.options.db.client.startSession();
    try {
      await session.withTransaction(async () => await work(session));
    } finally {
      await session.endSession();
    }
  }
}

/** Inserts a user; a taken email answers 409 naming the field. */
export async function insertUser(db: Db, doc: UserDoc, session?: ClientSession): Promise<void> {
  try {
    await users(db).insertOne(doc, { session });
  } catch (err) {
    throw emailTaken(err) ?? err;
  }
}

/**
 * Writes a version-guarded change of `current`; false when someone changed the user
 * since. An email change is written as a delete and an insert (`rewriteDocument`), so
 * that the old address is free again on `secantusd-rs` too, which frees a unique value
 * only on delete. A taken email answers 409 naming the field.
 */
async function writeUser(
  db: Db,
  current: UserDoc,
  update: { $set: Partial<UserDoc>; $inc: { _version: 1 } },
  session: ClientSession,
): Promise<boolean> {
  const guard = { _id: current._id, _version: current._version };
  try {
    if (update.$set.email !== undefined) return (await rewriteDocument(users(db), guard, update, session)) === true;
    return (await users(db).updateOne(guard, update, { session })).matchedCount === 1;
  } catch (err) {
    throw emailTaken(err) ?? err;
  }
}

function emailTaken(err: unknown): Error | undefined {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; message?: string };
  if (e.code !== 11000 || !(e.keyPattern?.email !== undefined || /unique_email/.test(e.message ?? ''))) return undefined;
  return UserEmailTaken(undefined, { field: 'email', pointer: '/email' });
}

/** A password of 16 characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof ObjectId && b instanceof ObjectId) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}
