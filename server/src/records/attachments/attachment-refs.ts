import type { ClientSession, Db, ObjectId } from 'mongodb';
import { makeProblem, type Problem } from '@metacrm/metadata';
import type { Actor } from '../../actor/actor.js';
import type { CompiledEntity } from '../compiled-entity.js';
import type { Values } from '../record-document.js';
import { attachmentFiles, fileId, refOf, type AttachmentFile, type AttachmentRef } from './attachment-store.js';
import { RecordInvalid } from '../records.errors.js';

/** What a write does to stored files: attach newly referenced ones, let go of removed ones. */
export interface AttachmentChanges {
  attach: ObjectId[];
  detach: ObjectId[];
}

export const NO_ATTACHMENT_CHANGES: AttachmentChanges = { attach: [], detach: [] };

/** The keys of the entity's fields whose values are files (the attachment kind). */
export function fileFields(compiled: CompiledEntity): string[] {
  return [...compiled.traits].filter(([, def]) => def.value === 'files').map(([key]) => key);
}

const NOT_YOURS = { en: 'is not a file you uploaded for this field', 'zh-CN': '不是您为此字段上传的文件' };

/**
 * Checks the file refs a write gives its attachment fields, and puts the stored name,
 * size and type in place of what the client sent (a ref cannot rename or retype a
 * file). A ref the record already held stays as it was stored. A new ref must name a
 * file uploaded by the actor for this entity and field and not attached anywhere yet,
 * so nobody can attach, and so read, a file uploaded by someone else or for another
 * record. Problems point at the ref (`/{field}/{index}`).
 */
export async function checkAttachmentRefs(
  db: Db,
  compiled: CompiledEntity,
  values: Values,
  current: Values | undefined,
  actor: Actor,
): Promise<{ problems: Problem[]; changes: AttachmentChanges }> {
  const problems: Problem[] = [];
  const changes: AttachmentChanges = { attach: [], detach: [] };
  for (const field of fileFields(compiled)) {
    const before = refsIn(current?.[field]);
    const after = refsIn(values[field]);
    const kept = new Map(before.map((r) => [r.id, r]));
    const fresh = after.map((ref, index) => ({ ref, index })).filter(({ ref }) => !kept.has(ref.id));
    const ids = fresh.map(({ ref }) => fileId(ref.id)).filter((id): id is ObjectId => id !== undefined);
    const found =
      ids.length === 0
        ? []
        : await attachmentFiles(db)
            .find({ _id: { $in: ids } })
            .toArray();
    const stored = new Map(found.map((f) => [f._id.toHexString(), f]));
    const out: AttachmentRef[] = after.map((ref) => kept.get(ref.id) ?? ref);
    for (const { ref, index } of fresh) {
      const file = stored.get(ref.id);
      if (!file || !attachable(file, compiled.entity.key, field, actor)) {
        problems.push(makeProblem(`/${field}/${index}`, 'INVALID', { message: NOT_YOURS, attachment: ref.id }));
        continue;
      }
      out[index] = refOf(file);
      changes.attach.push(file._id);
    }
    const now = new Set(after.map((r) => r.id));
    for (const ref of before)
      if (!now.has(ref.id)) changes.detach.push(...[fileId(ref.id)].filter((id): id is ObjectId => id !== undefined));
    if (Array.isArray(values[field])) values[field] = out;
  }
  return { problems, changes };
}

function attachable(file: AttachmentFile, entity: string, field: string, actor: Actor): boolean {
  const m = file.metadata;
  return (
    m.entity === entity &&
    m.field === field &&
    m.recordId === null &&
    m.detachedAt === null &&
    (m.uploadedBy === actor.id || actor.kind === 'system')
  );
}

/** The refs in a field value (the validator has checked their shape; anything else counts as none). */
function refsIn(value: unknown): AttachmentRef[] {
  return Array.isArray(value)
    ? value.filter((r): r is AttachmentRef => r !== null && typeof r === 'object' && typeof (r as AttachmentRef).id === 'string')
    : [];
}

/**
 * Applies a write's attachment changes in its transaction: new files now belong to the
 * record, removed ones are let go of (the sweep deletes them). A file attached by a
 * concurrent write in the meantime refuses this one as a whole.
 */
export async function applyAttachmentChanges(
  db: Db,
  session: ClientSession,
  recordId: ObjectId,
  changes: AttachmentChanges,
): Promise<void> {
  const files = attachmentFiles(db);
  const at = new Date();
  if (changes.attach.length > 0) {
    const { modifiedCount } = await files.updateMany(
      { _id: { $in: changes.attach }, 'metadata.recordId': null, 'metadata.detachedAt': null },
      { $set: { 'metadata.recordId': recordId, 'metadata.attachedAt': at } },
      { session },
    );
    if (modifiedCount !== changes.attach.length)
      throw RecordInvalid('A file was attached elsewhere meanwhile', { problems: [makeProblem('', 'INVALID', { message: NOT_YOURS })] });
  }
  if (changes.detach.length > 0) {
    await files.updateMany(
      { _id: { $in: changes.detach }, 'metadata.recordId': recordId },
      { $set: { 'metadata.detachedAt': at } },
      { session },
    );
  }
}
