import { ObjectId, type Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { RecordAccess } from '../access/record-access.js';
import { actorOf } from '../auth/authenticator.js';
import { users } from '../auth/user-model.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { ApiRecord } from '../records/record-document.js';
import { withScope } from '../records/related-access.js';
import type { RunScope } from './run-scope.js';

type Values = Record<string, unknown>;

/** What a message to platform users is rendered from, and for whom. */
export interface RecipientViewInput {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  /** The workflow's entity (the trigger record's); none: the scope has no record. */
  entity: string | null;
  /** The scope as the triggering user may see it (ActionContext.visible). */
  visible: RunScope;
  /** Users (ids or email addresses) who will read the message. */
  readers: { ids?: readonly string[]; emails?: readonly string[] };
}

/**
 * The scope as every reader of a message may see it: `record` and `old` keep only the
 * fields that the triggering user and each reader may read, masked where any of them
 * sees a mask, and are null for a reader outside the record's read scope (or not an
 * active user). So a notification or an email to a rep, written by an admin's edit,
 * never shows the rep a field the rep may not see. Addresses of no user (outside
 * recipients) are left to the triggering user's view, as the workflow's author chose.
 */
export async function recipientView(input: RecipientViewInput): Promise<RunScope> {
  const { db, entity, visible } = input;
  const ids = (input.readers.ids ?? []).filter((id) => ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id)).map((id) => new ObjectId(id));
  const emails = (input.readers.emails ?? []).map((e) => e.trim().toLowerCase());
  if (!entity || (ids.length === 0 && emails.length === 0)) return visible;
  const found = await users(db)
    .find({ $or: [{ _id: { $in: ids } }, { email: { $in: emails } }] })
    .toArray();
  // A named user id that is unknown, or any reader who is inactive, sees nothing of the record.
  const blind = ids.some((id) => !found.some((u) => u._id.equals(id))) || found.some((u) => !u.active);
  if (blind) return { ...visible, record: null, old: null };
  let record = visible.record === null ? null : { ...visible.record };
  let old = visible.old === null ? null : { ...visible.old };
  for (const user of found) {
    const access = new RecordAccess(db, input.snapshot, input.registries, actorOf(user));
    if (!(await mayRead(db, access, entity, visible.record ?? visible.old))) return { ...visible, record: null, old: null };
    record = narrowed(record, access, entity);
    old = narrowed(old, access, entity);
  }
  return { ...visible, record, old };
}

/** Whether the reader's read scope reaches the record. */
async function mayRead(db: Db, access: RecordAccess, entity: string, record: Values | null): Promise<boolean> {
  const scope = await access.readScope(entity);
  if (scope === null) return false;
  if (scope === undefined || record === null || typeof record.id !== 'string' || !ObjectId.isValid(record.id)) return true;
  return (await recordCollection(db, entity).countDocuments(withScope({ _id: new ObjectId(record.id) }, scope), { limit: 1 })) > 0;
}

/** `values` as far as the reader sees them too: their hidden fields gone, their masks applied. */
function narrowed(values: Values | null, access: RecordAccess, entity: string): Values | null {
  if (values === null) return null;
  const theirs = access.present(entity, { ...values } as ApiRecord) as Values;
  const out: Values = {};
  for (const [key, value] of Object.entries(values)) if (key in theirs) out[key] = theirs[key] === value ? value : theirs[key];
  return out;
}
