import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost parameters. They are stored with every hash (`scrypt$N$r$p$salt$hash`),
 * so raising them later only affects new hashes; `needsRehash` tells the sign-in to
 * upgrade an old one while it has the plain password in hand.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

function scrypt(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A fresh hash with a per-password random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when the stored hash was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N < SCRYPT_PARAMS.N || parsed.params.r < SCRYPT_PARAMS.r || parsed.params.p < SCRYPT_PARAMS.p;
}

/**
 * Spends the time one verification takes, for an email that has no user, so the
 * answer's timing does not tell which emails exist.
 */
export async function burnVerification(password: string): Promise<void> {
  await scrypt(password, DUMMY_SALT, SCRYPT_PARAMS);
}
const DUMMY_SALT = randomBytes(SALT_BYTES);

function parse(stored: string): { params: { N: number; r: number; p: number }; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return undefined;
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64'), key: Buffer.from(parts[5]!, 'base64') };
}

/** Problems with a new password, as `{pointer, code, message}` at `at`. */
export function passwordProblems(password: unknown, at: string): { pointer: string; code: string; message: string }[] {
  if (typeof password !== 'string') return [{ pointer: at, code: 'WRONG_TYPE', message: 'must be a string' }];
  if (password.length < PASSWORD_MIN_LENGTH)
    return [{ pointer: at, code: 'TOO_SHORT', message: `must be at least ${PASSWORD_MIN_LENGTH} characters long` }];
  if (password.length > PASSWORD_MAX_LENGTH)
    return [{ pointer: at, code: 'TOO_LONG', message: `must be at most ${PASSWORD_MAX_LENGTH} characters long` }];
  return [];
}
