import { ObjectId, type Db } from 'mongodb';
import { isSystemField, type LogicOperation, type Problem, type Registry } from '@metacrm/metadata';
import { entityPolicy } from '../access/entity-policy.js';
import type { Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { PersonalViewInvalid, PersonalViewNotFound } from './personal.errors.js';
import { PERSONAL_VIEWS } from './personal-views.js';

export const COLUMN_PREFS = 'personal_column_prefs';
const MAX_COLUMNS = 50;

/** One column as the user arranged it: in the order listed, with its width in pixels. */
export interface ColumnPref {
  field: string;
  width?: number;
}

export interface ColumnPrefs {
  view: string;
  /** Empty until the user arranges the view: the view's own columns apply. */
  columns: ColumnPref[];
  updatedAt: string | null;
}

interface ColumnPrefsDoc {
  _id: string;
  userId: string;
  view: string;
  columns: ColumnPref[];
  updatedAt: Date;
}

/**
 * How one user arranged the columns of a view (order, widths): a published view or a
 * saved view of their own (`p_<id>`). Kept per user, server-side, so it follows them
 * to another browser.
 */
export class ColumnPreferences {
  constructor(
    private readonly db: Db,
    private readonly snapshot: MetadataSnapshot,
    private readonly actor: Actor,
    private readonly operations: Registry<LogicOperation>,
  ) {}

  private get collection() {
    return this.db.collection<ColumnPrefsDoc>(COLUMN_PREFS);
  }

  async get(viewKey: string): Promise<ColumnPrefs> {
    await this.entityOf(viewKey);
    const doc = await this.collection.findOne({ _id: this.id(viewKey) });
    return { view: viewKey, columns: doc?.columns ?? [], updatedAt: doc?.updatedAt.toISOString() ?? null };
  }

  async put(viewKey: string, body: unknown): Promise<ColumnPrefs> {
    const entity = await this.entityOf(viewKey);
    const columns = this.checked(body, entity);
    const updatedAt = new Date();
    await this.collection.updateOne(
      { _id: this.id(viewKey) },
      { $set: { userId: this.actor.id, view: viewKey, columns, updatedAt } },
      { upsert: true },
    );
    return { view: viewKey, columns, updatedAt: updatedAt.toISOString() };
  }

  async reset(viewKey: string): Promise<void> {
    await this.entityOf(viewKey);
    await this.collection.deleteOne({ _id: this.id(viewKey) });
  }

  private id(viewKey: string): string {
    return `${this.actor.id}|${viewKey}`;
  }

  /** The entity of a view the user may use; 404 for any other key. */
  private async entityOf(viewKey: string): Promise<string> {
    const published = this.snapshot.bundle.views.find((v) => v.key === viewKey);
    let entity = published?.entity;
    const own = /^p_([0-9a-f]{24})$/.exec(viewKey);
    if (!published && own) {
      const doc = await this.db
        .collection<{ _id: ObjectId; userId: string; entity: string }>(PERSONAL_VIEWS)
        .findOne({ _id: new ObjectId(own[1]!), userId: this.actor.id }, { projection: { entity: 1 } });
      entity = doc?.entity;
    }
    if (!entity || !entityPolicy(this.snapshot, this.actor, entity, this.operations).can('read'))
      throw PersonalViewNotFound(`No view "${viewKey.slice(0, 60)}" you may use`, { view: viewKey });
    return entity;
  }

  private checked(body: unknown, entity: string): ColumnPref[] {
    const fail = (problems: Problem[]) => PersonalViewInvalid('The column preferences are not valid', { problems });
    const columns = (body as { columns?: unknown } | null)?.columns;
    if (!Array.isArray(columns) || columns.length > MAX_COLUMNS)
      throw fail([{ pointer: '/columns', code: 'WRONG_TYPE', message: `a list of at most ${MAX_COLUMNS} columns` }]);
    const policy = entityPolicy(this.snapshot, this.actor, entity, this.operations);
    const fields = new Set(this.snapshot.entity(entity)?.fields.map((f) => f.key));
    const seen = new Set<string>();
    const problems: Problem[] = [];
    const out = columns.map((c: unknown, i): ColumnPref => {
      const { field, width, ...extra } = (c ?? {}) as { field?: unknown; width?: unknown };
      const at = `/columns/${i}`;
      if (Object.keys(extra).length > 0)
        problems.push({ pointer: `${at}/${Object.keys(extra)[0]}`, code: 'UNKNOWN_PROPERTY', message: 'a column has field and width' });
      if (typeof field !== 'string' || !(isSystemField(field) || (fields.has(field) && policy.field(field).read))) {
        problems.push({ pointer: `${at}/field`, code: 'UNKNOWN_FIELD', message: `not a field of ${entity}`, params: { entity } });
      } else if (seen.has(field)) problems.push({ pointer: `${at}/field`, code: 'DUPLICATE_KEY', message: `"${field}" is listed twice` });
      else seen.add(field);
      if (width !== undefined && (typeof width !== 'number' || !Number.isInteger(width) || width < 40 || width > 1000)) {
        problems.push({ pointer: `${at}/width`, code: 'OUT_OF_RANGE', message: 'a width from 40 to 1000 pixels' });
      }
      return { field: String(field), ...(width === undefined ? {} : { width: width as number }) };
    });
    if (problems.length > 0) throw fail(problems);
    return out;
  }
}
