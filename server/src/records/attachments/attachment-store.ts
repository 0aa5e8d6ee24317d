import { GridFSBucket, ObjectId, type ClientSession, type Collection, type Db } from 'mongodb';

/**
 * Attachments are stored in GridFS (bucket `attachments`: `attachments.files` and
 * `attachments.chunks`), with what the platform needs to know of each file in its
 * `metadata`. A record's attachment field holds refs ({id, name, size, type}) to them.
 */
export const ATTACHMENT_BUCKET = 'attachments';

/** What the platform keeps with each stored file (`metadata` of its GridFS file document). */
export interface AttachmentMeta {
  entity: string;
  field: string;
  /** The record it is attached to; null while uploaded and not yet attached (swept after a TTL). */
  recordId: ObjectId | null;
  /** The user who uploaded it: the only one who may attach or fetch it before it is attached. */
  uploadedBy: string;
  /** The sniffed media type it is served as. */
  contentType: string;
  sha256: string;
  attachedAt: Date | null;
  /** Set when the record let go of it (the ref removed, the record purged): the sweep deletes it. */
  detachedAt: Date | null;
}

/** A GridFS file document of the bucket. */
export interface AttachmentFile {
  _id: ObjectId;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  filename: string;
  metadata: AttachmentMeta;
}

/** A ref as a record's attachment field holds it, and as the API answers an upload. */
export interface AttachmentRef {
  id: string;
  name: string;
  size: number;
  type: string;
}

export function attachmentBucket(db: Db): GridFSBucket {
  return new GridFSBucket(db, { bucketName: ATTACHMENT_BUCKET });
}

export function attachmentFiles(db: Db): Collection<AttachmentFile> {
  return db.collection<AttachmentFile>(`${ATTACHMENT_BUCKET}.files`);
}

/** The ref a stored file stands for in a record. */
export function refOf(file: AttachmentFile): AttachmentRef {
  return { id: file._id.toHexString(), name: file.filename, size: file.length, type: file.metadata.contentType };
}

/** A ref's id as an ObjectId, or undefined when it cannot name a stored file. */
export function fileId(id: unknown): ObjectId | undefined {
  return typeof id === 'string' && /^[0-9a-f]{24}$/.test(id) ? new ObjectId(id) : undefined;
}

/**
 * The indexes the attachment paths query by: a record's files (purge), and the sweep's
 * two questions (never attached and old; let go of).
 */
export async function ensureAttachmentIndexes(db: Db): Promise<void> {
  const files = attachmentFiles(db);
  await files.createIndex({ 'metadata.recordId': 1, uploadDate: 1 }, { name: 'by_record' });
  await files.createIndex({ 'metadata.detachedAt': 1 }, { name: 'by_detached', sparse: true });
}

/**
 * Marks every file of a record as let go of, in the caller's transaction: the record
 * is being purged, so nothing can attach or fetch its files again; the sweep deletes them.
 */
export async function detachFilesOf(db: Db, entity: string, recordId: ObjectId, session?: ClientSession): Promise<void> {
  await attachmentFiles(db).updateMany(
    { 'metadata.recordId': recordId, 'metadata.entity': entity, 'metadata.detachedAt': null },
    { $set: { 'metadata.detachedAt': new Date() } },
    { session },
  );
}
