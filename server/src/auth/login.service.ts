import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectId, type Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { AuditLog } from '../audit/audit-log.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { hasAnyAdminRight } from './admin-rights.js';
import { actorOf } from './authenticator.js';
import { BadRequest } from '../errors/index.js';
import { ChallengeInvalid, InvalidCredentials, TwoFactorInvalid } from './auth.errors.js';
import { LoginThrottle, type LoginAttempt, type LoginThrottleOptions } from './login-throttle.js';
import { burnVerification, hashPassword, needsRehash, verifyPassword } from './password.js';
import { hashSecret, newSecret } from './secrets.js';
import { SessionStore, type NewSession } from './sessions.js';
import { SecuritySettingsStore } from './settings.js';
import { TwoFactor } from './two-factor.js';
import { toPublicUser, users, type PublicUser, type UserDoc } from './user-model.js';

/** A sign-in's second step must come within this time, with at most this many wrong codes. */
const CHALLENGE_TTL_SECONDS = 300;
const CHALLENGE_MAX_ATTEMPTS = 5;

export interface LoginMeta {
  ip: string;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

export type LoginResult =
  { kind: 'session'; session: NewSession; user: PublicUser; twoFactorSetupRequired: boolean } | { kind: 'challenge'; challenge: string };

export interface LoginServiceOptions {
  db: Db;
  redis: Redis;
  /** Prefix of the Redis keys (the queue prefix). */
  prefix: string;
  snapshot: MetadataSnapshot;
  throttle?: LoginThrottleOptions | undefined;
  sessions?: SessionStore | undefined;
}

/**
 * Sign-in: email and password (throttled per account and address), then, for a user
 * with 2FA, a second step against a short-lived challenge kept in Redis. Success
 * opens a session; an admin who must use 2FA and has not enrolled gets a restricted
 * one that can only enrol. Every attempt is audited, without the secrets.
 */
export class LoginService {
  private readonly throttle: LoginThrottle;
  private readonly sessions: SessionStore;
  private readonly audit: AuditLog;
  private readonly twoFactor: TwoFactor;

  constructor(private readonly options: LoginServiceOptions) {
    this.throttle = new LoginThrottle(options.redis, options.prefix, options.throttle);
    this.sessions = options.sessions ?? new SessionStore(options.db);
    this.audit = new AuditLog(options.db);
    this.twoFactor = new TwoFactor(options.db);
  }

  async login(body: unknown, meta: LoginMeta): Promise<LoginResult> {
    const { email, password } = readCredentials(body);
    const attempt = await this.throttle.reserve(email, meta.ip);
    return await settleOnError(attempt, async () => {
      if (attempt.delayMs > 0) await sleep(attempt.delayMs);
      const user = await users(this.options.db).findOne({ email });
      const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : (await burnVerification(password), false);
      if (!ok || !user?.active) {
        await this.audit.append({
          action: 'auth.login_failed',
          actor: null,
          target: { kind: 'user', email, ...(user ? { id: String(user._id) } : {}) },
          data: { reason: !user ? 'unknown_email' : !ok ? 'wrong_password' : 'inactive' },
          ip: meta.ip,
          requestId: meta.requestId,
        });
        throw InvalidCredentials();
      }
      if (needsRehash(user.passwordHash!))
        await users(this.options.db).updateOne({ _id: user._id }, { $set: { passwordHash: await hashPassword(password) } });
      if (user.totp?.enabled) {
        const challenge = newSecret('mcc');
        await this.options.redis.set(
          this.challengeKey(challenge),
          JSON.stringify({ userId: String(user._id), email, attempts: 0 }),
          'EX',
          CHALLENGE_TTL_SECONDS,
        );
        // The password was right; the second step is counted on its own.
        await attempt.release();
        return { kind: 'challenge', challenge };
      }
      return await this.open(user, attempt, meta, 'password');
    });
  }

  /** The second step: a TOTP code or a recovery code for the challenge of the first. */
  async secondStep(body: unknown, meta: LoginMeta): Promise<LoginResult> {
    const record = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (typeof record.challenge !== 'string') throw BadRequest('challenge is required', [{ pointer: '/challenge', code: 'REQUIRED' }]);
    const code = typeof record.code === 'string' ? record.code : undefined;
    const recoveryCode = typeof record.recoveryCode === 'string' ? record.recoveryCode : undefined;
    if ((code === undefined) === (recoveryCode === undefined))
      throw BadRequest('Send either code or recoveryCode', [{ pointer: code === undefined ? '/code' : '/recoveryCode', code: 'REQUIRED' }]);
    const key = this.challengeKey(record.challenge);
    const raw = await this.options.redis.get(key);
    if (!raw) throw ChallengeInvalid();
    const pending = JSON.parse(raw) as { userId: string; email: string; attempts: number };
    const attempt = await this.throttle.reserve(pending.email, meta.ip);
    return await settleOnError(attempt, async () => {
      const user = await users(this.options.db).findOne({ _id: new ObjectId(pending.userId) });
      if (!user?.active) throw ChallengeInvalid();
      const ok =
        code !== undefined ? await this.twoFactor.verifyCode(user, code) : await this.twoFactor.useRecoveryCode(user, recoveryCode!);
      if (!ok) {
        const attempts = pending.attempts + 1;
        if (attempts >= CHALLENGE_MAX_ATTEMPTS) await this.options.redis.del(key);
        else await this.options.redis.set(key, JSON.stringify({ ...pending, attempts }), 'KEEPTTL');
        await this.audit.append({
          action: 'auth.login_failed',
          actor: null,
          target: { kind: 'user', id: pending.userId, email: pending.email },
          data: { reason: code !== undefined ? 'wrong_totp' : 'wrong_recovery' },
          ip: meta.ip,
          requestId: meta.requestId,
        });
        throw TwoFactorInvalid(
          code !== undefined ? 'The code is not correct, or was already used' : 'The recovery code is not correct, or was already used',
        );
      }
      // Only one request can take the challenge: a second concurrent success finds it gone.
      if ((await this.options.redis.del(key)) !== 1) throw ChallengeInvalid();
      if (recoveryCode !== undefined) {
        await this.audit.append({
          action: 'auth.recovery_code_used',
          actor: actorOf(user),
          target: { kind: 'user', id: String(user._id) },
          data: { remaining: user.recoveryCodes.length - 1 },
          ip: meta.ip,
          requestId: meta.requestId,
        });
      }
      return await this.open(user, attempt, meta, recoveryCode !== undefined ? 'recovery_code' : 'totp');
    });
  }

  private async open(user: UserDoc, attempt: LoginAttempt, meta: LoginMeta, method: string): Promise<LoginResult> {
    await attempt.succeeded();
    const settings = await new SecuritySettingsStore(this.options.db).get();
    const twoFactorSetupRequired =
      settings.requireTwoFactorForAdmins && !user.totp?.enabled && hasAnyAdminRight(this.options.snapshot, user.roles);
    const session = await this.sessions.create(user._id, { ip: meta.ip, userAgent: meta.userAgent, restricted: twoFactorSetupRequired });
    const now = new Date();
    await users(this.options.db).updateOne({ _id: user._id }, { $set: { lastLoginAt: now } });
    await this.audit.append({
      action: 'auth.login',
      actor: actorOf(user),
      target: { kind: 'user', id: String(user._id) },
      data: { method, restricted: twoFactorSetupRequired },
      ip: meta.ip,
      requestId: meta.requestId,
    });
    return { kind: 'session', session, user: toPublicUser({ ...user, lastLoginAt: now }), twoFactorSetupRequired };
  }

  private challengeKey(challenge: string): string {
    return `${this.options.prefix}:login:challenge:${hashSecret(challenge)}`;
  }
}

/**
 * Runs a counted attempt: a wrong password or code leaves its count standing; any
 * other failure before a verdict (the database down, a challenge taken meanwhile)
 * gives the count back, so an outage does not lock honest users out.
 */
async function settleOnError<T>(attempt: LoginAttempt, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isWrongGuess(err)) await attempt.release().catch(() => undefined);
    throw err;
  }
}

function isWrongGuess(err: unknown): boolean {
  return InvalidCredentials.is(err) || TwoFactorInvalid.is(err);
}

function readCredentials(body: unknown): { email: string; password: string } {
  const record = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const details = [];
  if (typeof record.email !== 'string' || record.email.trim() === '' || record.email.length > 254)
    details.push({ pointer: '/email', code: 'REQUIRED' });
  if (typeof record.password !== 'string' || record.password === '' || record.password.length > 1000)
    details.push({ pointer: '/password', code: 'REQUIRED' });
  if (details.length > 0) throw BadRequest('Send your email and password', details);
  return { email: (record.email as string).trim().toLowerCase(), password: record.password as string };
}
