import { ObjectId, type Db } from 'mongodb';
import type { BundleRegistries, MetaValidator, View } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import { BadRequest } from '../errors/index.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { PersonalViewConflict, PersonalViewInvalid, PersonalViewLimit, PersonalViewNotFound } from './personal.errors.js';
import { personalViewProblems } from './view-checks.js';

export const PERSONAL_VIEWS = 'personal_views';
/** Saved views one user may hold. */
export const PERSONAL_VIEW_LIMIT = 200;

interface PersonalViewDoc {
  _id: ObjectId;
  userId: string;
  entity: string;
  view: View;
  _version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A saved view as the API shows it: `view.key` is `p_<id>`, which column preferences name. */
export interface PersonalView {
  id: string;
  entity: string;
  view: View;
  _version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PersonalViewsOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  validator: MetaValidator;
  actor: Actor;
}

/**
 * A user's own saved views (filter, sort, columns; list, kanban or calendar), kept
 * apart from the published metadata and checked like a view of it, plus the user's
 * access (view-checks.ts). Each user sees and changes only their own.
 */
export class PersonalViews {
  constructor(private readonly options: PersonalViewsOptions) {}

  private get collection() {
    return this.options.db.collection<PersonalViewDoc>(PERSONAL_VIEWS);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ userId: 1, entity: 1, createdAt: 1 }, { name: 'by_user' });
  }

  /** The user's views, of one entity or all, oldest first. A view their access no longer fits is still listed: they may fix or delete it. */
  async list(entity?: string): Promise<PersonalView[]> {
    const docs = await this.collection
      .find({ userId: this.options.actor.id, ...(entity ? { entity } : {}) })
      .sort({ createdAt: 1, _id: 1 })
      .limit(PERSONAL_VIEW_LIMIT)
      .toArray();
    return docs.map(present);
  }

  async get(id: string): Promise<PersonalView> {
    return present(await this.load(id));
  }

  async create(input: unknown): Promise<PersonalView> {
    if ((await this.collection.countDocuments({ userId: this.options.actor.id })) >= PERSONAL_VIEW_LIMIT)
      throw PersonalViewLimit(undefined, { limit: PERSONAL_VIEW_LIMIT });
    const _id = new ObjectId();
    const view = this.checked(input, _id);
    const now = new Date();
    const doc: PersonalViewDoc = {
      _id,
      userId: this.options.actor.id,
      entity: view.entity,
      view,
      _version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.collection.insertOne(doc);
    return present(doc);
  }

  /** Replaces a view; with `expectedVersion`, only if nobody changed it since (409 otherwise). */
  async replace(id: string, input: unknown, expectedVersion?: number): Promise<PersonalView> {
    const current = await this.load(id);
    const view = this.checked(input, current._id);
    const version = expectedVersion ?? current._version;
    const updated = await this.collection.findOneAndUpdate(
      { _id: current._id, userId: this.options.actor.id, _version: version },
      { $set: { view, entity: view.entity, updatedAt: new Date() }, $inc: { _version: 1 } },
      { returnDocument: 'after' },
    );
    if (!updated) throw PersonalViewConflict(undefined, { id });
    return present(updated);
  }

  async delete(id: string): Promise<void> {
    const { deletedCount } = await this.collection.deleteOne({ _id: objectId(id), userId: this.options.actor.id });
    if (deletedCount === 0) throw PersonalViewNotFound(undefined, { id });
  }

  private async load(id: string): Promise<PersonalViewDoc> {
    const doc = await this.collection.findOne({ _id: objectId(id), userId: this.options.actor.id });
    if (!doc) throw PersonalViewNotFound(undefined, { id });
    return doc;
  }

  /** The view with its key set from its id, or 422 with every problem. */
  private checked(input: unknown, id: ObjectId): View {
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      throw PersonalViewInvalid('The view must be a JSON object', {
        problems: [{ pointer: '', code: 'WRONG_TYPE', message: 'expected an object' }],
      });
    // The version travels beside the view (or in If-Match); the key is the platform's.
    const { _version: _ignored, ...rest } = input as Record<string, unknown>;
    const view = { ...rest, key: personalViewKey(id) };
    const { snapshot, registries, validator, actor } = this.options;
    const problems = personalViewProblems(view, snapshot, registries, validator, actor);
    if (problems.length > 0) throw PersonalViewInvalid(undefined, { problems });
    return view as View;
  }
}

/** The key a saved view goes by (in column preferences): `p_` and its id. */
export function personalViewKey(id: ObjectId | string): string {
  return `p_${String(id)}`;
}

function objectId(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw PersonalViewNotFound(undefined, { id });
  return new ObjectId(id);
}

function present(doc: PersonalViewDoc): PersonalView {
  return {
    id: doc._id.toHexString(),
    entity: doc.entity,
    view: doc.view,
    _version: doc._version,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** `_version` from a body or an `If-Match` header value, when given. */
export function versionOf(body: unknown, ifMatch: string): number | undefined {
  const raw = ifMatch ? ifMatch.replace(/^W\//, '').replace(/"/g, '') : (body as { _version?: unknown } | null)?._version;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw BadRequest('_version must be a whole number', [{ pointer: '/_version', code: 'WRONG_TYPE' }]);
  return n;
}
