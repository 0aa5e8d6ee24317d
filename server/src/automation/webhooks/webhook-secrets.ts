import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from 'mongodb';

export const WEBHOOK_SECRETS = 'webhook_secrets';

interface WebhookSecretDoc {
  /** The workflow key: one secret per workflow. */
  _id: string;
  /** SHA-256 of the secret. The secret itself is shown once, when issued, and never stored. */
  hash: string;
  createdAt: Date;
  createdBy: string;
}

const secrets = (db: Db) => db.collection<WebhookSecretDoc>(WEBHOOK_SECRETS);
const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Issues a new secret for a workflow's webhook, replacing the one before (which stops
 * working at once). 32 random bytes: a hash suffices to check it, since nothing needs
 * the secret back, so a copy of the database reveals no usable URL.
 */
export async function issueWebhookSecret(db: Db, workflow: string, createdBy: string): Promise<{ secret: string; createdAt: Date }> {
  const secret = randomBytes(32).toString('base64url');
  const createdAt = new Date();
  await secrets(db).replaceOne({ _id: workflow }, { hash: digest(secret).toString('hex'), createdAt, createdBy }, { upsert: true });
  return { secret, createdAt };
}

/** Whether `secret` is the workflow's current webhook secret (compared in constant time). */
export async function verifyWebhookSecret(db: Db, workflow: string, secret: string): Promise<boolean> {
  const doc = await secrets(db).findOne({ _id: workflow }, { projection: { hash: 1 } });
  if (!doc) return false;
  const stored = Buffer.from(doc.hash, 'hex');
  const given = digest(secret);
  return stored.length === given.length && timingSafeEqual(stored, given);
}
