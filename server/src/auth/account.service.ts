import type { Db } from 'mongodb';
import { AuditLog } from '../audit/audit-log.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { hasAnyAdminRight } from './admin-rights.js';
import { ApiTokenStore, DEFAULT_TOKEN_RATE_LIMIT, MAX_TOKEN_RATE_LIMIT, toPublicToken, type PublicApiToken } from './api-tokens.js';
import type { Actor } from '../actor/actor.js';
import type { CredentialCache } from './credential-cache.js';
import { Forbidden, PasswordIncorrect, TokenNotFound, TwoFactorConflict, TwoFactorInvalid, UserInvalid } from './auth.errors.js';
import { hashPassword, passwordProblems, verifyPassword } from './password.js';
import { SessionStore } from './sessions.js';
import { SecuritySettingsStore } from './settings.js';
import { TwoFactor } from './two-factor.js';
import type { InputProblem } from './user-input.js';
import { parseId, users, type UserDoc } from './user-model.js';

export interface AccountServiceOptions {
  db: Db;
  actor: Actor;
  user: UserDoc;
  snapshot: MetadataSnapshot;
  /** Told of every change to the user, their sessions or tokens. */
  credentials: CredentialCache;
  /** The session this request came with, if any: kept when the password changes. */
  sessionId?: string | undefined;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * What a signed-in user does to their own account: change the password, set up or
 * turn off 2FA, and manage their API tokens.
 */
export class AccountService {
  private readonly audit: AuditLog;
  private readonly twoFactor: TwoFactor;

  constructor(private readonly options: AccountServiceOptions) {
    this.audit = new AuditLog(options.db);
    this.twoFactor = new TwoFactor(options.db);
  }

  /** Changes the password and ends every other session of the user. */
  async changePassword(body: unknown): Promise<{ endedSessions: number }> {
    const record = asObject(body);
    const problems: InputProblem[] = [];
    if (typeof record.currentPassword !== 'string')
      problems.push({ pointer: '/currentPassword', code: 'REQUIRED', message: 'is required' });
    problems.push(...passwordProblems(record.newPassword, '/newPassword'));
    if (problems.length > 0) throw UserInvalid(undefined, { problems });
    const { user } = this.options;
    if (!user.passwordHash || !(await verifyPassword(record.currentPassword as string, user.passwordHash)))
      throw PasswordIncorrect(undefined, { pointer: '/currentPassword' });
    // Checked after the current password, so it tells nothing to someone who lacks it.
    if (record.newPassword === record.currentPassword) {
      throw UserInvalid('The new password must differ from the current one', {
        problems: [{ pointer: '/newPassword', code: 'SAME_PASSWORD', message: 'must differ from the current password' }],
      });
    }
    const now = new Date();
    const passwordHash = await hashPassword(record.newPassword as string);
    let endedSessions = 0;
    const session = this.options.db.client.startSession();
    try {
      await session.withTransaction(async () => {
        await users(this.options.db).updateOne(
          { _id: user._id },
          { $set: { passwordHash, passwordChangedAt: now, updatedAt: now }, $inc: { _version: 1 } },
          { session },
        );
        endedSessions = await new SessionStore(this.options.db).endAll(user._id, { keep: this.options.sessionId, session });
        await this.audit.append(
          {
            action: 'auth.password_change',
            actor: this.options.actor,
            target: { kind: 'user', id: String(user._id) },
            data: { endedSessions },
            ip: this.options.ip,
            requestId: this.options.requestId,
          },
          session,
        );
      });
    } finally {
      await session.endSession();
    }
    await this.options.credentials.changed(user._id);
    return { endedSessions };
  }

  async setupTwoFactor(): Promise<{ secret: string; otpauthUri: string }> {
    const started = await this.twoFactor.setup(this.options.user);
    await this.options.credentials.changed(this.options.user._id);
    return started;
  }

  async confirmTwoFactor(body: unknown): Promise<{ recoveryCodes: string[] }> {
    const code = asObject(body).code;
    if (typeof code !== 'string')
      throw UserInvalid(undefined, { problems: [{ pointer: '/code', code: 'REQUIRED', message: 'is required' }] });
    const result = await this.twoFactor.confirm(this.options.user._id, code.trim());
    if (!result) throw TwoFactorInvalid();
    if (this.options.sessionId) await new SessionStore(this.options.db).lift(this.options.sessionId);
    await this.options.credentials.changed(this.options.user._id);
    await this.audit.append({
      action: 'auth.2fa_enable',
      actor: this.options.actor,
      target: { kind: 'user', id: String(this.options.user._id) },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
    return result;
  }

  /** Turns 2FA off after the password is given again; refused while admins must use it. */
  async disableTwoFactor(body: unknown): Promise<void> {
    const { user } = this.options;
    if (!user.totp?.enabled) throw TwoFactorConflict('Two-factor sign-in is not on');
    const password = asObject(body).password;
    if (typeof password !== 'string' || !user.passwordHash || !(await verifyPassword(password, user.passwordHash)))
      throw PasswordIncorrect(undefined, { pointer: '/password' });
    const settings = await new SecuritySettingsStore(this.options.db).get();
    if (settings.requireTwoFactorForAdmins && hasAnyAdminRight(this.options.snapshot, user.roles))
      throw TwoFactorConflict('Administrators must keep two-factor sign-in on');
    await this.twoFactor.disable(user._id);
    await this.options.credentials.changed(user._id);
    await this.audit.append({
      action: 'auth.2fa_disable',
      actor: this.options.actor,
      target: { kind: 'user', id: String(user._id) },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
  }

  async tokens(): Promise<PublicApiToken[]> {
    return (await new ApiTokenStore(this.options.db).list(this.options.user._id)).map(toPublicToken);
  }

  /** A new token for this user; its secret is in this answer and nowhere else, ever. */
  async createToken(body: unknown): Promise<PublicApiToken & { token: string }> {
    if (this.options.actor.kind === 'token') throw Forbidden('An API token cannot create tokens; sign in to do this', { right: 'tokens' });
    const record = asObject(body);
    const problems: InputProblem[] = [];
    for (const key of Object.keys(record))
      if (!['name', 'roles', 'expiresAt', 'rateLimitPerMinute'].includes(key))
        problems.push({ pointer: `/${key}`, code: 'UNKNOWN_PROPERTY', message: `"${key}" is not a token field` });
    const name = typeof record.name === 'string' ? record.name.trim() : '';
    if (name === '' || name.length > 100)
      problems.push({
        pointer: '/name',
        code: record.name === undefined ? 'REQUIRED' : 'BAD_FORMAT',
        message: 'must be text of 1 to 100 characters',
      });
    let roles: string[] = [];
    if (record.roles !== undefined) {
      if (!Array.isArray(record.roles)) problems.push({ pointer: '/roles', code: 'WRONG_TYPE', message: 'must be a list of role keys' });
      else {
        record.roles.forEach((role, i) => {
          if (typeof role !== 'string' || !this.options.user.roles.includes(role))
            problems.push({ pointer: `/roles/${i}`, code: 'NOT_ALLOWED_VALUE', message: `you do not hold the role "${String(role)}"` });
        });
        roles = [...new Set(record.roles as string[])];
      }
    }
    let expiresAt: Date | null = null;
    if (record.expiresAt !== undefined && record.expiresAt !== null) {
      const date = typeof record.expiresAt === 'string' ? new Date(record.expiresAt) : new Date(NaN);
      if (Number.isNaN(date.getTime()) || date.getTime() <= Date.now())
        problems.push({ pointer: '/expiresAt', code: 'BAD_FORMAT', message: 'must be a date-time in the future' });
      else expiresAt = date;
    }
    const rate = record.rateLimitPerMinute ?? DEFAULT_TOKEN_RATE_LIMIT;
    if (!Number.isInteger(rate) || (rate as number) < 1 || (rate as number) > MAX_TOKEN_RATE_LIMIT)
      problems.push({
        pointer: '/rateLimitPerMinute',
        code: 'OUT_OF_RANGE',
        message: `must be a whole number from 1 to ${MAX_TOKEN_RATE_LIMIT}`,
      });
    if (problems.length > 0) throw UserInvalid('The token is not valid', { problems });
    const { token, doc } = await new ApiTokenStore(this.options.db).create({
      userId: this.options.user._id,
      name,
      roles,
      expiresAt,
      rateLimitPerMinute: rate as number,
    });
    await this.audit.append({
      action: 'token.create',
      actor: this.options.actor,
      target: { kind: 'api_token', id: String(doc._id), name },
      data: { roles, expiresAt },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
    return { ...toPublicToken(doc), token };
  }

  async revokeToken(id: string): Promise<PublicApiToken> {
    const tokenId = parseId(id);
    if (!tokenId) throw TokenNotFound(undefined, { id });
    const doc = await new ApiTokenStore(this.options.db).revoke(this.options.user._id, tokenId);
    await this.options.credentials.changed(this.options.user._id);
    await this.audit.append({
      action: 'token.revoke',
      actor: this.options.actor,
      target: { kind: 'api_token', id, name: doc.name },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
    return toPublicToken(doc);
  }
}

function asObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
