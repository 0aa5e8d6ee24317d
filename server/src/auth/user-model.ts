import { ObjectId, type Collection, type Db, type Document, type Filter } from 'mongodb';

/**
 * System collections of identity. Not metadata entities: their shape is fixed, and the
 * record engine's access module reads `users` (managerId, departmentId, roles, active)
 * and `departments` (parentId) directly to compute record scopes.
 */
export const USERS = 'users';
export const DEPARTMENTS = 'departments';
export const SESSIONS = 'sessions';
export const API_TOKENS = 'api_tokens';
export const SETTINGS = 'settings';

export const LOCALES = ['zh-CN', 'en'] as const;
export type UserLocale = (typeof LOCALES)[number];

export interface UserDoc {
  _id: ObjectId;
  /** Lowercased; unique. */
  email: string;
  name: string;
  phone: string | null;
  locale: UserLocale;
  active: boolean;
  managerId: ObjectId | null;
  departmentId: ObjectId | null;
  /** Role keys from the metadata, and the built-in `admin`. */
  roles: string[];
  /** `scrypt$N$r$p$salt$hash`; null until a password is set. */
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  /** The TOTP secret is never returned by the API once enrolment starts. */
  totp: { secret: string; enabled: boolean; lastStep: number | null; enabledAt: Date | null } | null;
  /** SHA-256 of each unused recovery code. */
  recoveryCodes: string[];
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  _version: number;
}

export interface DepartmentDoc {
  _id: ObjectId;
  name: string;
  parentId: ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A user as the API shows it: never a hash, a TOTP secret or recovery codes. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  locale: UserLocale;
  active: boolean;
  managerId: string | null;
  departmentId: string | null;
  roles: string[];
  twoFactorEnabled: boolean;
  hasPassword: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  _version: number;
}

export interface PublicDepartment {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toPublicUser(doc: UserDoc): PublicUser {
  return {
    id: String(doc._id),
    email: doc.email,
    name: doc.name,
    phone: doc.phone,
    locale: doc.locale,
    active: doc.active,
    managerId: doc.managerId ? String(doc.managerId) : null,
    departmentId: doc.departmentId ? String(doc.departmentId) : null,
    roles: doc.roles,
    twoFactorEnabled: doc.totp?.enabled === true,
    hasPassword: doc.passwordHash !== null,
    lastLoginAt: doc.lastLoginAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    _version: doc._version,
  };
}

export function toPublicDepartment(doc: DepartmentDoc): PublicDepartment {
  return {
    id: String(doc._id),
    name: doc.name,
    parentId: doc.parentId ? String(doc.parentId) : null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export const users = (db: Db) => db.collection<UserDoc>(USERS);

/**
 * The one document of `collection` that `match` finds, with the user its `userId`
 * names, in one round trip (`$lookup` on the users' `_id`): every request resolves a
 * credential and its user, and a second round trip each time is what HTTP cost most.
 */
export async function withItsUser<T extends Document>(
  collection: Collection<T>,
  match: Filter<T>,
): Promise<{ doc: T; user: UserDoc | undefined } | undefined> {
  const [found] = await collection
    .aggregate<T & { user_: UserDoc[] }>([
      { $match: match },
      { $limit: 1 },
      { $lookup: { from: USERS, localField: 'userId', foreignField: '_id', as: 'user_' } },
    ])
    .toArray();
  if (!found) return undefined;
  const {
    user_: [user],
    ...doc
  } = found;
  return { doc: doc as unknown as T, user };
}
export const departments = (db: Db) => db.collection<DepartmentDoc>(DEPARTMENTS);

/** The ObjectId of a 24-hex id from a URL or body, or undefined. */
export function parseId(id: unknown): ObjectId | undefined {
  return typeof id === 'string' && /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : undefined;
}

/** Indexes of the identity collections; idempotent, run at start. */
export async function ensureAuthIndexes(db: Db): Promise<void> {
  await users(db).createIndexes([
    { key: { email: 1 }, name: 'unique_email', unique: true },
    { key: { managerId: 1 }, name: 'managerId' },
    { key: { departmentId: 1 }, name: 'departmentId' },
  ]);
  await departments(db).createIndexes([{ key: { parentId: 1 }, name: 'parentId' }]);
  await db.collection(SESSIONS).createIndexes([
    { key: { userId: 1 }, name: 'userId' },
    // Real MongoDB drops expired sessions by itself; lookups check expiry regardless.
    { key: { expiresAt: 1 }, name: 'ttl_expiresAt', expireAfterSeconds: 0 },
  ]);
  await db.collection(API_TOKENS).createIndexes([
    { key: { hash: 1 }, name: 'unique_hash', unique: true },
    { key: { userId: 1 }, name: 'userId' },
  ]);
}
