import { ObjectId, type Db } from 'mongodb';
import { AuditLog } from '../audit/audit-log.js';
import { ADMIN_ROLE, SYSTEM_ACTOR } from '../actor/actor.js';
import { hashPassword } from './password.js';
import { generatePassword, insertUser } from './users.service.js';
import { UserEmailTaken } from './auth.errors.js';
import { users, type UserDoc } from './user-model.js';

/** The email of the generated first admin when ADMIN_EMAIL is unset. */
export const DEFAULT_ADMIN_EMAIL = 'admin@metacrm.local';

export interface BootstrapResult {
  created: boolean;
  email: string;
  /** Only when the password was generated: the caller prints it once, on the console. */
  generatedPassword?: string;
}

/**
 * The first administrator. With ADMIN_EMAIL / ADMIN_PASSWORD, that user is created
 * with the built-in admin role unless a user with that email exists (a later change
 * of ADMIN_PASSWORD never overwrites a password). Without them, and only while there
 * is no user at all, an admin with a generated password is created. Racing API
 * processes agree through the unique email index: one insert wins, the others see
 * the taken email and do nothing.
 */
export async function bootstrapAdmin(
  db: Db,
  config: { adminEmail?: string | undefined; adminPassword?: string | undefined },
): Promise<BootstrapResult> {
  const email = (config.adminEmail ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  if (config.adminEmail !== undefined) {
    if (await users(db).findOne({ email }, { projection: { _id: 1 } })) return { created: false, email };
  } else if ((await users(db).countDocuments({}, { limit: 1 })) > 0) {
    return { created: false, email };
  }
  const password = config.adminPassword ?? generatePassword();
  const now = new Date();
  const doc: UserDoc = {
    _id: new ObjectId(),
    email,
    name: 'Administrator',
    phone: null,
    locale: 'zh-CN',
    active: true,
    managerId: null,
    departmentId: null,
    roles: [ADMIN_ROLE],
    passwordHash: await hashPassword(password),
    passwordChangedAt: now,
    totp: null,
    recoveryCodes: [],
    lastLoginAt: null,
    createdAt: now,
    updatedAt: now,
    _version: 1,
  };
  try {
    await insertUser(db, doc);
  } catch (err) {
    if (UserEmailTaken.is(err)) return { created: false, email };
    throw err;
  }
  await new AuditLog(db).append({
    action: 'user.create',
    actor: SYSTEM_ACTOR,
    target: { kind: 'user', id: String(doc._id), email },
    data: { roles: doc.roles, bootstrap: true },
  });
  return config.adminPassword === undefined ? { created: true, email, generatedPassword: password } : { created: true, email };
}
