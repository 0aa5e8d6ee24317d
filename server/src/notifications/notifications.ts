import { MongoServerError, ObjectId, type Db } from 'mongodb';
import { NotificationNotFound } from './notifications.errors.js';

export const NOTIFICATIONS = 'notifications';

/** Text in one language, or in both of the platform's. */
export type NotificationText = string | { 'zh-CN': string; en: string };

export interface NotificationDoc {
  _id: ObjectId;
  userId: string;
  title: NotificationText;
  body: NotificationText | null;
  /** The record the notification is about, if any. */
  link: { entity: string; id: string } | null;
  readAt: Date | null;
  createdAt: Date;
  /** Unique: the step execution that created it, plus the user, so a replay creates nothing twice. */
  key: string;
}

/** A notification as the API shows it. */
export interface Notification {
  id: string;
  title: NotificationText;
  body: NotificationText | null;
  link: { entity: string; id: string } | null;
  readAt: string | null;
  createdAt: string;
}

export type NewNotification = Omit<NotificationDoc, '_id' | 'readAt' | 'createdAt'>;

const notifications = (db: Db) => db.collection<NotificationDoc>(NOTIFICATIONS);

/** A notification read this long ago is dropped; an unread one stays until it is read. */
export const READ_NOTIFICATION_TTL_SECONDS = 90 * 24 * 3600;

export async function ensureNotificationIndexes(db: Db): Promise<void> {
  await Promise.all([
    // TTL indexes skip documents whose field is not a date: unread ones (readAt null) stay.
    notifications(db).createIndex({ readAt: 1 }, { name: 'read_ttl', expireAfterSeconds: READ_NOTIFICATION_TTL_SECONDS }),
    notifications(db).createIndex({ key: 1 }, { name: 'one_per_key', unique: true }),
    notifications(db).createIndex({ userId: 1, createdAt: -1 }, { name: 'by_user' }),
    notifications(db).createIndex({ userId: 1, readAt: 1 }, { name: 'unread_by_user' }),
  ]);
}

/**
 * Creates a notification, or answers the one its key already created (a replayed
 * workflow step), so each user gets it once.
 */
export async function createNotification(db: Db, input: NewNotification): Promise<{ id: string; created: boolean }> {
  const doc: NotificationDoc = { _id: new ObjectId(), ...input, readAt: null, createdAt: new Date() };
  try {
    await notifications(db).insertOne(doc);
    return { id: doc._id.toHexString(), created: true };
  } catch (err) {
    if (!(err instanceof MongoServerError) || err.code !== 11000) throw err;
    const existing = await notifications(db).findOne({ key: input.key }, { projection: { _id: 1 } });
    if (!existing) throw err;
    return { id: existing._id.toHexString(), created: false };
  }
}

/** A user's notifications, newest first, and how many are unread. */
export async function listNotifications(
  db: Db,
  userId: string,
  options: { limit: number; unreadOnly: boolean },
): Promise<{ notifications: Notification[]; unread: number }> {
  const filter = { userId, ...(options.unreadOnly ? { readAt: null } : {}) };
  const [docs, unread] = await Promise.all([
    notifications(db).find(filter).sort({ createdAt: -1, _id: -1 }).limit(options.limit).toArray(),
    notifications(db).countDocuments({ userId, readAt: null }),
  ]);
  return { notifications: docs.map(toApi), unread };
}

/** Marks one of the user's notifications read (the first time only); 404 for anyone else's. */
export async function markNotificationRead(db: Db, userId: string, id: string): Promise<Notification> {
  if (!/^[0-9a-f]{24}$/.test(id)) throw NotificationNotFound(`No notification ${id}`);
  const _id = new ObjectId(id);
  await notifications(db).updateOne({ _id, userId, readAt: null }, { $set: { readAt: new Date() } });
  const doc = await notifications(db).findOne({ _id, userId });
  if (!doc) throw NotificationNotFound(`No notification ${id}`);
  return toApi(doc);
}

function toApi(doc: NotificationDoc): Notification {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    body: doc.body,
    link: doc.link,
    readAt: doc.readAt?.toISOString() ?? null,
    createdAt: doc.createdAt.toISOString(),
  };
}
