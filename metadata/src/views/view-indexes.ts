import type { Bundle, ConfigurableDefinition } from '../bundle/bundle-types.js';
import { fieldTraits, type FieldTypeDefinition } from '../fields/field-types.js';
import { isUniqueField } from '../fields/field-kinds.js';
import type { Entity, Field, View } from '../generated/types.js';
import type { Registry } from '../registry.js';
import { pointer, type Problem } from '../schema/problems.js';
import { isSystemField } from '../system-fields.js';
import { filterShape, viewQueryShape, withIdTiebreak, type SortKey, type ViewQueryShape } from './view-query.js';

/** Names of indexes derived from views start with this; nothing else is ever named so. */
export const VIEW_INDEX_PREFIX = 'view_';
/** MongoDB refuses a 65th index on a collection (`_id_` included). */
export const MAX_INDEXES_PER_COLLECTION = 64;
/** MongoDB refuses a compound index of more than 32 fields. */
const MAX_INDEX_FIELDS = 32;

/**
 * The indexes every record collection gets when its entity is created, besides `_id_`:
 * the recycle bin and "recently changed" lists, and "my records".
 */
export const SYSTEM_INDEXES: readonly { name: string; key: Readonly<Record<string, 1 | -1>> }[] = Object.freeze([
  { name: 'sys_updated', key: { _deletedAt: 1, _updatedAt: -1 } as Record<string, 1 | -1> },
  { name: 'sys_owner', key: { _ownerId: 1 } as Record<string, 1 | -1> },
]);

/** An index fields-first, as entity `indexes` metadata declares one. */
export interface IndexField {
  field: string;
  direction: 'asc' | 'desc';
}

/** An index that one or more views of an entity need. */
export interface ViewIndex {
  entity: string;
  /** `view_` and a hash of the key: the same key always gets the same name. */
  name: string;
  fields: IndexField[];
  /** Keys of the views it serves, and `workflow:<key>` for a workflow trigger's own queries. */
  views: string[];
}

/**
 * The indexes the views of a bundle need, by the ESR rule: `_deletedAt` first (every
 * list asks for live records, `_deletedAt: null`), then the fields the view matches by
 * equality, then its sort exactly as the engine sends it (`_id` tiebreak included),
 * then its range fields. A key already covered (equal to, or a prefix of, another view
 * index or an index the entity declares) is not created twice. At most one field that
 * holds a list goes into one index: MongoDB cannot index two arrays of one document
 * together, and would refuse every write of such a record.
 *
 * With `triggers`, the queries workflow triggers declare (`queries`, such as a
 * scheduler's scan of a date field) get their indexes the same way.
 *
 * Deterministic: the same bundle always gives the same names, in the same order.
 */
export function viewIndexes(
  bundle: Bundle,
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers?: Registry<ConfigurableDefinition>,
): ViewIndex[] {
  const out: ViewIndex[] = [];
  for (const entity of bundle.entities) {
    const views = bundle.views.filter((v) => v.entity === entity.key);
    const workflows = triggers ? bundle.workflows.filter((w) => w.entity === entity.key && triggers.get(w.trigger.type)?.queries) : [];
    if (views.length > 0 || workflows.length > 0) out.push(...entityViewIndexes(entity, views, workflows, fieldTypes, triggers));
  }
  return out;
}

function entityViewIndexes(
  entity: Entity,
  views: readonly View[],
  workflows: Bundle['workflows'],
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers: Registry<ConfigurableDefinition> | undefined,
): ViewIndex[] {
  const { isList, known } = indexFieldTests(entity, fieldTypes);
  const byKey = new Map<string, { key: SortKey[]; views: string[] }>();
  const shapes: [string, ViewQueryShape][] = views.map((view) => [view.key, viewQueryShape(view, isList)]);
  for (const workflow of workflows) {
    for (const query of triggers?.get(workflow.trigger.type)?.queries?.(workflow.trigger as Record<string, unknown>, workflow) ?? []) {
      const sort = withIdTiebreak(query.sort.map((k): SortKey => ({ field: k.field, direction: k.direction === 'desc' ? -1 : 1 })));
      shapes.push([`workflow:${workflow.key}`, { ...filterShape(query.filter, isList), sort }]);
    }
  }
  for (const [source, shape] of shapes) {
    const key = indexKey(shape, known, isList);
    const id = keyId(key);
    const entry = byKey.get(id) ?? { key, views: [] };
    entry.views.push(source);
    byKey.set(id, entry);
  }
  const declared = (entity.indexes ?? []).map((ix) =>
    ix.fields.map((f): SortKey => ({ field: f.field, direction: f.direction === 'desc' ? -1 : 1 })),
  );
  const all = [...byKey.values()];
  const kept = all.filter(({ key }) => !declared.some((d) => isPrefix(key, d)));
  const result: ViewIndex[] = [];
  for (const entry of kept) {
    // A key that is a prefix of a longer view key is served by that index; the longest
    // such key is not itself a prefix of another, so it is one that gets created.
    const wider = kept
      .filter((other) => other.key.length > entry.key.length && isPrefix(entry.key, other.key))
      .reduce<(typeof kept)[number] | undefined>((best, other) => (best && best.key.length >= other.key.length ? best : other), undefined);
    if (wider) wider.views.push(...entry.views);
    else result.push({ entity: entity.key, name: indexName(entry.key), fields: entry.key.map(toIndexField), views: entry.views });
  }
  for (const ix of result) ix.views = [...new Set(ix.views)].sort();
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What an index key needs to know of an entity's fields: whether a field holds a list
 * (multi-select, files: at most one such field per index) and whether it exists at all.
 */
export function indexFieldTests(
  entity: Entity,
  fieldTypes: Registry<FieldTypeDefinition>,
): { isList: (field: string) => boolean; known: (field: string) => boolean } {
  const fields = new Map(entity.fields.map((f) => [f.key, f]));
  const isList = (key: string) => {
    const field = fields.get(key);
    const value = field ? fieldTraits(field as never, fieldTypes)?.value : undefined;
    return value === 'strings' || value === 'files';
  };
  return { isList, known: (key: string) => isSystemField(key) || fields.has(key) };
}

/** E, S, R after `_deletedAt`, each field once (at its first place), within MongoDB's limits. */
export function indexKey(
  shape: { equality: string[]; sort: SortKey[]; range: string[] },
  known: (field: string) => boolean,
  isList: (field: string) => boolean,
): SortKey[] {
  const key: SortKey[] = [{ field: '_deletedAt', direction: 1 }];
  let lists = 0;
  const add = (field: string, direction: 1 | -1) => {
    if (!known(field) || key.some((k) => k.field === field)) return;
    if (isList(field) && lists++ > 0) return;
    key.push({ field, direction });
  };
  // Leave room for the whole sort: an index that cannot serve the sort helps little.
  const room = Math.max(0, MAX_INDEX_FIELDS - 1 - shape.sort.length);
  shape.equality.slice(0, room).forEach((f) => add(f, 1));
  shape.sort.forEach((k) => add(k.field, k.direction));
  shape.range.forEach((f) => add(f, 1));
  return key.slice(0, MAX_INDEX_FIELDS);
}

/** Whether `short` is `long` or its beginning: an index on `long` serves a query for `short`. */
export function isPrefix(short: readonly SortKey[], long: readonly SortKey[]): boolean {
  return short.length <= long.length && short.every((k, i) => long[i]!.field === k.field && long[i]!.direction === k.direction);
}

function keyId(key: readonly SortKey[]): string {
  return key.map((k) => `${k.field}:${k.direction}`).join(',');
}

/** A key part as entity `indexes` metadata writes it. */
export function toIndexField(k: SortKey): IndexField {
  return { field: k.field, direction: k.direction === -1 ? 'desc' : 'asc' };
}

/** `view_` and 16 hex digits of the 64-bit FNV-1a hash of the key: stable, short, isomorphic. */
export function indexName(key: readonly SortKey[]): string {
  let hash = 0xcbf29ce484222325n;
  for (const char of keyId(key)) {
    hash ^= BigInt(char.codePointAt(0)!);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `${VIEW_INDEX_PREFIX}${hash.toString(16).padStart(16, '0')}`;
}

/**
 * One problem per entity whose collection would need more indexes than MongoDB allows:
 * `_id_`, the system indexes, one per unique field and auto-number, the declared
 * indexes and the view indexes together.
 */
export function indexBudgetProblems(
  bundle: Bundle,
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers?: Registry<ConfigurableDefinition>,
): Problem[] {
  const perEntity = new Map<string, number>();
  for (const ix of viewIndexes(bundle, fieldTypes, triggers)) perEntity.set(ix.entity, (perEntity.get(ix.entity) ?? 0) + 1);
  const problems: Problem[] = [];
  bundle.entities.forEach((entity, i) => {
    const uniques = entity.fields.filter((f) => isUniqueField(f as Field & { unique?: unknown }, fieldTypes)).length;
    const counts = {
      system: 1 + SYSTEM_INDEXES.length,
      unique: uniques,
      declared: entity.indexes?.length ?? 0,
      views: perEntity.get(entity.key) ?? 0,
    };
    const needed = counts.system + counts.unique + counts.declared + counts.views;
    if (needed <= MAX_INDEXES_PER_COLLECTION) return;
    problems.push({
      pointer: pointer('entities', i),
      code: 'TOO_MANY_INDEXES',
      message: `${entity.key} would need ${needed} indexes (${counts.system} system, ${counts.unique} unique, ${counts.declared} declared, ${counts.views} for its views); MongoDB allows ${MAX_INDEXES_PER_COLLECTION} on one collection. Give its views fewer distinct filters and sorts, or fewer unique fields.`,
      params: { entity: entity.key, needed, allowed: MAX_INDEXES_PER_COLLECTION, ...counts },
    });
  });
  return problems;
}
