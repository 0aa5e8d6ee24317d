import { randomBytes } from 'node:crypto';
import type { Db, ObjectId } from 'mongodb';
import { hashSecret } from './secrets.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';
import { TwoFactorConflict } from './auth.errors.js';
import { users, type UserDoc } from './user-model.js';

export const RECOVERY_CODE_COUNT = 10;

/** `abcde-fghij`: 50 random bits from an alphabet without look-alike characters. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalizeRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/\s+/g, '');

/**
 * Two-factor sign-in for one user: enrolment (a secret the app scans, confirmed by a
 * first code), verification with replay refusal, recovery codes, and switching off.
 * The secret leaves the server only in the setup answer, before 2FA is on.
 */
export class TwoFactor {
  constructor(private readonly db: Db) {}

  /** Starts (or restarts) enrolment: a new secret, not yet in force. */
  async setup(user: UserDoc): Promise<{ secret: string; otpauthUri: string }> {
    if (user.totp?.enabled) throw TwoFactorConflict('Two-factor sign-in is already on; turn it off first');
    const secret = newTotpSecret();
    await users(this.db).updateOne(
      { _id: user._id },
      { $set: { totp: { secret, enabled: false, lastStep: null, enabledAt: null }, updatedAt: new Date() } },
    );
    return { secret, otpauthUri: otpauthUri(secret, user.email) };
  }

  /** Turns 2FA on once the app shows a right code; answers the recovery codes, once. */
  async confirm(userId: ObjectId, code: string): Promise<{ recoveryCodes: string[] } | undefined> {
    const user = await users(this.db).findOne({ _id: userId });
    if (!user?.totp || user.totp.enabled)
      throw TwoFactorConflict(user?.totp?.enabled ? 'Two-factor sign-in is already on' : 'Start with setup first');
    const step = matchTotp(user.totp.secret, code);
    if (step === undefined) return undefined;
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const { matchedCount } = await users(this.db).updateOne(
      { _id: userId, 'totp.secret': user.totp.secret, 'totp.enabled': false },
      {
        $set: {
          'totp.enabled': true,
          'totp.lastStep': step,
          'totp.enabledAt': new Date(),
          recoveryCodes: recoveryCodes.map((c) => hashSecret(normalizeRecoveryCode(c))),
          updatedAt: new Date(),
        },
      },
    );
    if (matchedCount === 0) throw TwoFactorConflict('Two-factor sign-in changed meanwhile; start again');
    return { recoveryCodes };
  }

  /**
   * Checks a TOTP code and consumes its time step: a code, once used, is refused for
   * the rest of its window (the conditional update makes two racing uses one).
   */
  async verifyCode(user: UserDoc, code: string): Promise<boolean> {
    if (!user.totp?.enabled) return false;
    const step = matchTotp(user.totp.secret, code.trim());
    if (step === undefined) return false;
    const { matchedCount } = await users(this.db).updateOne(
      { _id: user._id, 'totp.enabled': true, $or: [{ 'totp.lastStep': null }, { 'totp.lastStep': { $lt: step } }] },
      { $set: { 'totp.lastStep': step } },
    );
    return matchedCount === 1;
  }

  /** Uses up one recovery code; each works once. */
  async useRecoveryCode(user: UserDoc, code: string): Promise<boolean> {
    const hash = hashSecret(normalizeRecoveryCode(code));
    const { matchedCount } = await users(this.db).updateOne({ _id: user._id, recoveryCodes: hash }, { $pull: { recoveryCodes: hash } });
    return matchedCount === 1;
  }

  async disable(userId: ObjectId): Promise<void> {
    await users(this.db).updateOne({ _id: userId }, { $set: { totp: null, recoveryCodes: [], updatedAt: new Date() } });
  }
}
