import { createHash } from 'node:crypto';
import type { ClientSession, Db } from 'mongodb';
import { ITEM_KINDS, bundleItems, emptyBundle, mutableItems, type Bundle, type ItemKind } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';

/**
 * Storage of metadata: the draft (one document per item), immutable versions, and the
 * pointer to the current version. Items are stored as JSON text: metadata is read and
 * written whole, never queried inside, and text keeps any key an expression may hold
 * (operators such as `==`) away from MongoDB's field-name rules.
 */
export const COLLECTIONS = {
  draft: 'meta_draft',
  versions: 'meta_versions',
  state: 'meta_state',
} as const;

export interface DraftDoc {
  _id: string;
  kind: ItemKind;
  key: string;
  json: string;
  rev: number;
  updatedAt: Date;
  updatedBy: Actor;
}

export interface VersionDoc {
  _id: number;
  json: string;
  checksum: string;
  createdAt: Date;
  createdBy: Actor;
  message: string | null;
  summary: { added: number; removed: number; changed: number };
  migrations: unknown[];
  rollbackOf: number | null;
}

/** `meta_state` holds two singletons: the current version pointer and the draft's origin. */
export interface StateDoc {
  _id: 'current' | 'draft' | 'publish-lock';
  version?: number;
  switchedAt?: Date;
  owner?: string;
  expiresAt?: Date;
}

export const draftId = (kind: ItemKind, key: string) => `${kind}:${key}`;

export function checksum(bundle: Bundle): string {
  return createHash('sha256').update(canonicalJson(bundle)).digest('hex');
}

/** JSON with object keys sorted, so equal bundles serialize equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export class MetadataRepository {
  constructor(private readonly db: Db) {}

  get draft() {
    return this.db.collection<DraftDoc>(COLLECTIONS.draft);
  }

  get versions() {
    return this.db.collection<VersionDoc>(COLLECTIONS.versions);
  }

  get state() {
    return this.db.collection<StateDoc>(COLLECTIONS.state);
  }

  async currentVersion(session?: ClientSession): Promise<number> {
    const doc = await this.state.findOne({ _id: 'current' }, { session });
    return doc?.version ?? 0;
  }

  async version(n: number, session?: ClientSession): Promise<VersionDoc | null> {
    return await this.versions.findOne({ _id: n }, { session });
  }

  async bundleOf(n: number, session?: ClientSession): Promise<Bundle> {
    if (n === 0) return emptyBundle();
    const doc = await this.version(n, session);
    if (!doc) throw new Error(`metadata version ${n} is missing`);
    return JSON.parse(doc.json) as Bundle;
  }

  /** The draft as a bundle, items in key order. */
  async draftBundle(session?: ClientSession): Promise<Bundle> {
    const bundle = emptyBundle();
    const docs = await this.draft.find({}, { session }).sort({ kind: 1, key: 1 }).toArray();
    for (const doc of docs) mutableItems(bundle, doc.kind).push(JSON.parse(doc.json) as { key: string });
    return bundle;
  }

  /** Replaces the whole draft with `bundle` (after a rollback or an import with replace). */
  async replaceDraft(bundle: Bundle, actor: Actor, origin: number, session: ClientSession): Promise<void> {
    await this.draft.deleteMany({}, { session });
    const now = new Date();
    const docs: DraftDoc[] = ITEM_KINDS.flatMap((kind) =>
      bundleItems(bundle, kind).map((item) => ({
        _id: draftId(kind, item.key),
        kind,
        key: item.key,
        json: JSON.stringify(item),
        rev: 1,
        updatedAt: now,
        updatedBy: actor,
      })),
    );
    if (docs.length > 0) await this.draft.insertMany(docs, { session });
    await this.state.updateOne({ _id: 'draft' }, { $set: { version: origin } }, { upsert: true, session });
  }

  async ensureIndexes(): Promise<void> {
    await this.draft.createIndex({ kind: 1, key: 1 }, { unique: true });
  }
}
