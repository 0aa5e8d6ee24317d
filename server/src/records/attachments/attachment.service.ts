import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ObjectId, type Db } from 'mongodb';
import { makeProblem } from '@metacrm/metadata';
import { AuditLog, type AuditAction } from '../../audit/audit-log.js';
import { AppError } from '../../errors/app-error.js';
import type { RecordService } from '../record.service.js';
import { sniffContent, safeFileName } from './attachment-content.js';
import {
  attachmentBucket,
  attachmentFiles,
  fileId,
  refOf,
  type AttachmentFile,
  type AttachmentMeta,
  type AttachmentRef,
} from './attachment-store.js';
import { fileFields } from './attachment-refs.js';
import { AttachmentInvalid, AttachmentNotFound, AttachmentTooLarge, AttachmentTypeNotAllowed } from './attachments.errors.js';

/** The limits of attachments (Config.attachments; README, Configuration). */
export interface AttachmentLimits {
  /** The largest file accepted, in bytes (ATTACHMENT_MAX_BYTES). */
  maxBytes: number;
  /** How long an uploaded file may stay unattached before the sweep deletes it (ATTACHMENT_ORPHAN_TTL_MS). */
  orphanTtlMs: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 20 * 1024 * 1024, orphanTtlMs: 24 * 60 * 60 * 1000 };

/** Where an upload goes, checked before its bytes are read. */
export interface UploadTarget {
  entity: string;
  field: string;
  recordId: string | undefined;
}

export interface AttachmentServiceOptions {
  db: Db;
  /** The record engine as the actor: every access question goes through it. */
  records: RecordService;
  limits: AttachmentLimits;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * Upload, download and removal of the files of attachment fields, with the access of the
 * record and field they belong to: uploading needs the right to write the field (on the
 * record named, else on a new record), fetching the right to read the record and the field
 * whose value holds the file. A file not yet attached is its uploader's alone. Anything
 * the actor may not see answers 404 ATTACHMENT_NOT_FOUND, as a record they cannot see does.
 */
export class AttachmentService {
  constructor(private readonly options: AttachmentServiceOptions) {}

  get limits(): AttachmentLimits {
    return this.options.limits;
  }

  /** Checks that the actor may upload to `entity.field` (of record `recordId`, when given). */
  async target(entity: string, field: string, recordId: string | undefined): Promise<UploadTarget> {
    const { records } = this.options;
    const compiled = records.compiled(entity);
    if (!fileFields(compiled).includes(field)) {
      throw AttachmentInvalid(`${entity} has no attachment field "${field.slice(0, 60)}"`, {
        entity,
        field,
        problems: [makeProblem('/field', 'NOT_ALLOWED_VALUE', { allowed: fileFields(compiled) })],
      });
    }
    if (recordId !== undefined) await records.requireRecord(entity, recordId, 'update');
    else if (!records.access.policy(entity).can('update')) records.access.require(entity, 'create');
    records.access.checkWritable(entity, { [field]: [] });
    return { entity, field, recordId };
  }

  /** The error for a body larger than the limit, naming the field it was meant for. */
  tooLarge(target: UploadTarget): AppError {
    const { maxBytes } = this.options.limits;
    return AttachmentTooLarge(`The file is larger than ${maxBytes} bytes`, {
      entity: target.entity,
      field: target.field,
      maxBytes,
      problems: [makeProblem(`/${target.field}`, 'OUT_OF_RANGE', { max: maxBytes, unit: 'bytes' })],
    });
  }

  /**
   * Stores an upload's bytes: sniffed (refused unless an allowed type), named safely,
   * hashed, written to GridFS as not yet attached, and audited. Answers the ref the
   * record's field is then given.
   */
  async store(target: UploadTarget, rawName: string, bytes: Buffer): Promise<AttachmentRef> {
    const where = { entity: target.entity, field: target.field };
    if (bytes.length > this.options.limits.maxBytes) throw this.tooLarge(target);
    if (bytes.length === 0)
      throw AttachmentInvalid('The file is empty', { ...where, problems: [makeProblem(`/${target.field}`, 'REQUIRED')] });
    const sniffed = await sniffContent(bytes, rawName);
    if (!sniffed)
      throw AttachmentTypeNotAllowed('Files of this type may not be attached', {
        ...where,
        problems: [makeProblem(`/${target.field}`, 'NOT_ALLOWED_VALUE', {})],
      });
    const name = safeFileName(rawName, sniffed);
    const id = new ObjectId();
    const metadata: AttachmentMeta = {
      ...where,
      recordId: null,
      uploadedBy: this.options.records.actor.id,
      contentType: sniffed.type,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      attachedAt: null,
      detachedAt: null,
    };
    await new Promise<void>((resolve, reject) => {
      const upload = attachmentBucket(this.options.db).openUploadStreamWithId(id, name, { metadata });
      upload.once('error', reject).once('finish', () => resolve());
      upload.end(bytes);
    });
    const ref: AttachmentRef = { id: id.toHexString(), name, size: bytes.length, type: sniffed.type };
    await this.audit('attachment.upload', ref, metadata, target.recordId);
    return ref;
  }

  /** A file the actor may fetch, with its bytes as a stream; 404 ATTACHMENT_NOT_FOUND otherwise. */
  async open(id: string): Promise<{ ref: AttachmentRef; sha256: string; body: Readable }> {
    const file = await this.visible(id, 'read');
    const ref = refOf(file);
    await this.audit('attachment.download', ref, file.metadata, file.metadata.recordId?.toHexString());
    return { ref, sha256: file.metadata.sha256, body: attachmentBucket(this.options.db).openDownloadStream(file._id) };
  }

  /**
   * Removes a file. Not yet attached: deleted now (its uploader only). Attached: the ref
   * leaves the record's field through the record pipeline (needs the right to change the
   * record and the field; a revision and an audit entry record it), and the sweep deletes
   * the file.
   */
  async remove(id: string): Promise<void> {
    const file = await this.visible(id, 'update');
    const ref = refOf(file);
    const { entity, field, recordId } = file.metadata;
    if (recordId === null) {
      await attachmentBucket(this.options.db).delete(file._id);
      await this.audit('attachment.delete', ref, file.metadata, undefined);
      return;
    }
    const { records } = this.options;
    const record = await records.get(entity, recordId.toHexString());
    const refs = Array.isArray(record[field]) ? (record[field] as AttachmentRef[]) : [];
    await records.update(entity, recordId.toHexString(), { [field]: refs.filter((r) => r.id !== ref.id) });
    await this.audit('attachment.delete', ref, file.metadata, recordId.toHexString());
  }

  /**
   * The file `id` when the actor may `op` it: their own upload not yet attached, or one
   * that a record they may read (and, to remove it, change) holds in a field they may
   * read (write). Everything else is the same 404, so no one learns that a file exists.
   */
  private async visible(id: string, op: 'read' | 'update'): Promise<AttachmentFile> {
    const { records } = this.options;
    const _id = fileId(id);
    const file = _id && (await attachmentFiles(this.options.db).findOne({ _id }));
    const missing = () => AttachmentNotFound(`No attachment ${id.slice(0, 40)}`, { id: id.slice(0, 40) });
    if (!file || file.metadata.detachedAt !== null) throw missing();
    const { entity, field, recordId } = file.metadata;
    if (recordId === null) {
      if (file.metadata.uploadedBy !== records.actor.id) throw missing();
      return file;
    }
    try {
      const record = await records.get(entity, recordId.toHexString());
      const held = Array.isArray(record[field]) && (record[field] as AttachmentRef[]).some((r) => r?.id === id);
      if (!held) throw missing();
      if (op === 'update') {
        await records.requireRecord(entity, recordId.toHexString(), 'update');
        records.access.checkWritable(entity, { [field]: [] });
      }
    } catch (err) {
      // Not found in any form (no entity, record out of scope, field unreadable) is the file's 404.
      if (err instanceof AppError && err.status === 404) throw missing();
      throw err;
    }
    return file;
  }

  private async audit(
    action: AuditAction,
    ref: AttachmentRef,
    meta: Pick<AttachmentMeta, 'entity' | 'field' | 'sha256'>,
    recordId: string | undefined,
  ): Promise<void> {
    await new AuditLog(this.options.db).append({
      action,
      actor: this.options.records.actor,
      target: { kind: 'attachment', id: ref.id, entity: meta.entity, field: meta.field, recordId: recordId ?? null },
      data: { name: ref.name, size: ref.size, type: ref.type, sha256: meta.sha256 },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
  }
}
