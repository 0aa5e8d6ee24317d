import { ObjectId, type ClientSession, type Db } from 'mongodb';
import { TokenNotFound } from './auth.errors.js';
import { hashSecret, newSecret } from './secrets.js';
import { API_TOKENS, withItsUser, type UserDoc } from './user-model.js';

/** Requests per minute an API token may make unless it says otherwise. */
export const DEFAULT_TOKEN_RATE_LIMIT = 600;
export const MAX_TOKEN_RATE_LIMIT = 100_000;

export interface ApiTokenDoc {
  _id: ObjectId;
  /** SHA-256 of the secret; the secret is shown once, at creation. */
  hash: string;
  /** The first characters of the secret, so a user can tell tokens apart. */
  prefix: string;
  name: string;
  userId: ObjectId;
  /** Roles the token may use, a subset of its user's; empty: all of the user's roles. */
  roles: string[];
  rateLimitPerMinute: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface PublicApiToken {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  roles: string[];
  rateLimitPerMinute: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revoked: boolean;
}

const TOUCH_EVERY_MS = 60_000;

export function toPublicToken(doc: ApiTokenDoc): PublicApiToken {
  return {
    id: String(doc._id),
    name: doc.name,
    prefix: doc.prefix,
    userId: String(doc.userId),
    roles: doc.roles,
    rateLimitPerMinute: doc.rateLimitPerMinute,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt,
    expiresAt: doc.expiresAt,
    revoked: doc.revokedAt !== null,
  };
}

/**
 * API tokens for integrations: named, bound to a user, optionally narrowed to some of
 * that user's roles, revocable, and stored only as hashes.
 */
export class ApiTokenStore {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<ApiTokenDoc>(API_TOKENS);
  }

  async create(input: {
    userId: ObjectId;
    name: string;
    roles: string[];
    expiresAt: Date | null;
    rateLimitPerMinute: number;
  }): Promise<{ token: string; doc: ApiTokenDoc }> {
    const token = newSecret('mct');
    const doc: ApiTokenDoc = {
      _id: new ObjectId(),
      hash: hashSecret(token),
      prefix: token.slice(0, 10),
      name: input.name,
      userId: input.userId,
      roles: input.roles,
      rateLimitPerMinute: input.rateLimitPerMinute,
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: input.expiresAt,
      revokedAt: null,
    };
    await this.collection.insertOne(doc);
    return { token, doc };
  }

  async list(userId: ObjectId): Promise<ApiTokenDoc[]> {
    return await this.collection.find({ userId }).sort({ _id: -1 }).limit(500).toArray();
  }

  /** Revokes one of the user's own tokens (idempotent for an already revoked one). */
  async revoke(userId: ObjectId, id: ObjectId): Promise<ApiTokenDoc> {
    const doc = await this.collection.findOne({ _id: id, userId });
    if (!doc) throw TokenNotFound(undefined, { id: String(id) });
    if (doc.revokedAt === null) {
      const revokedAt = new Date();
      await this.collection.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt } });
      return { ...doc, revokedAt };
    }
    return doc;
  }

  /**
   * Revokes every live token of a user, for good: deactivating a user revokes them, so
   * reactivating the user later does not bring an integration's old secret back.
   */
  async revokeAll(userId: ObjectId, options: { session?: ClientSession | undefined } = {}): Promise<number> {
    const { modifiedCount } = await this.collection.updateMany(
      { userId, revokedAt: null },
      { $set: { revokedAt: new Date() } },
      { session: options.session },
    );
    return modifiedCount;
  }

  /** The live token of a secret, with its user (read in the same round trip). */
  async resolve(secret: string): Promise<{ token: ApiTokenDoc; user: UserDoc | undefined } | undefined> {
    const found = await withItsUser(this.collection, { hash: hashSecret(secret) });
    if (!found) return undefined;
    const { doc, user } = found;
    if (doc.revokedAt !== null || (doc.expiresAt !== null && doc.expiresAt.getTime() <= Date.now())) return undefined;
    if (doc.lastUsedAt === null || Date.now() - doc.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await this.collection.updateOne({ _id: doc._id }, { $set: { lastUsedAt: new Date() } });
    }
    return { token: doc, user };
  }
}
