import type { ClientSession, Db, ObjectId } from 'mongodb';
import { hashSecret, newSecret } from './secrets.js';
import { SESSIONS, withItsUser, type UserDoc } from './user-model.js';

/** How long a session lives without use, and at most. */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 8 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

/** lastSeenAt is written at most this often, so reads do not each become a write. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionDoc {
  /** SHA-256 of the session token; the token itself is never stored. */
  _id: string;
  userId: ObjectId;
  /** SHA-256 of the CSRF token that cookie-authenticated writes must echo. */
  csrfHash: string;
  /** Set while an admin who must use 2FA has not enrolled: only enrolment is allowed. */
  restricted: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface NewSession {
  token: string;
  csrfToken: string;
  doc: SessionDoc;
}

/**
 * Server-side sessions: an opaque random token in an httpOnly cookie (or a Bearer
 * header), stored only as its hash, with an idle and an absolute expiry. Ending a
 * user's sessions is one delete, so a password change or a deactivation takes effect
 * on the very next request.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {}

  private get collection() {
    return this.db.collection<SessionDoc>(SESSIONS);
  }

  async create(
    userId: ObjectId,
    meta: { ip?: string | undefined; userAgent?: string | undefined; restricted?: boolean },
  ): Promise<NewSession> {
    const token = newSecret('mcs');
    const csrfToken = newSecret('csrf');
    const now = new Date();
    const doc: SessionDoc = {
      _id: hashSecret(token),
      userId,
      csrfHash: hashSecret(csrfToken),
      restricted: meta.restricted ?? false,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.limits.absoluteMs),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    };
    await this.collection.insertOne(doc);
    return { token, csrfToken, doc };
  }

  /** The live session of a token, with its user (read in the same round trip), touched; undefined when unknown, idle too long or expired. */
  async resolve(token: string): Promise<{ session: SessionDoc; user: UserDoc | undefined } | undefined> {
    const found = await withItsUser(this.collection, { _id: hashSecret(token) });
    if (!found) return undefined;
    const { doc, user } = found;
    const now = Date.now();
    if (!this.isLive(doc, now)) {
      await this.collection.deleteOne({ _id: doc._id });
      return undefined;
    }
    if (now - doc.lastSeenAt.getTime() > TOUCH_EVERY_MS)
      await this.collection.updateOne({ _id: doc._id }, { $set: { lastSeenAt: new Date(now) } });
    return { session: doc, user };
  }

  /** Whether a session has neither expired nor been idle too long. */
  isLive(doc: Pick<SessionDoc, 'expiresAt' | 'lastSeenAt'>, now = Date.now()): boolean {
    return doc.expiresAt.getTime() > now && doc.lastSeenAt.getTime() + this.limits.idleMs > now;
  }

  async end(sessionId: string): Promise<void> {
    await this.collection.deleteOne({ _id: sessionId });
  }

  /** Ends every session of a user, except `keep` (the one that changed its own password). */
  async endAll(userId: ObjectId, options: { keep?: string | undefined; session?: ClientSession | undefined } = {}): Promise<number> {
    const filter = options.keep === undefined ? { userId } : { userId, _id: { $ne: options.keep } };
    const { deletedCount } = await this.collection.deleteMany(filter, { session: options.session });
    return deletedCount;
  }

  async lift(sessionId: string): Promise<void> {
    await this.collection.updateOne({ _id: sessionId }, { $set: { restricted: false } });
  }
}
