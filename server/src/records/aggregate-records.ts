import type { Db, Document, ObjectId } from 'mongodb';
import type { BundleRegistries, Entity, Field } from '@metacrm/metadata';
import type { CompiledEntity } from './compiled-entity.js';
import { fromStorage } from '../record-storage/field-codec.js';
import { recordCollection } from '../record-storage/record-collections.js';
import {
  aggregatePipeline,
  aggregateResult,
  referencedIds,
  type AggregateResult,
  type AggregateRows,
  type DisplayNames,
} from './record-aggregate.js';
import { parseAggregateRequest, type AggregatePlan } from './record-aggregate-request.js';
import { withScope, type RelatedAccess } from './related-access.js';

/** Who is asking and what else the aggregate may read. */
export interface AggregateOptions {
  /** The entities of the same metadata version, for the display fields of lookup groups. */
  entityOf: (key: string) => Entity | undefined;
  /** False for a field the actor may not read: grouping, measuring or filtering on it answers 403. */
  canRead?: (field: string) => boolean;
  /** The records the actor may read (ANDed into the match); undefined for all. */
  scope?: Document | undefined;
  /** What the actor may see of the records lookup groups name. */
  related?: RelatedAccess | undefined;
  /** The instant relative periods in the filter are computed from; now by default. */
  now?: Date;
  /** Who `"$user"` in the filter stands for (compileFilter). */
  user?: string | undefined;
}

/**
 * Groups and measures the live records of one entity that match a filter: the body of
 * `POST /api/records/{entity}/aggregate` (see parseAggregateRequest for its shape and
 * aggregateResult for the answer's). One aggregation over the records, then one query
 * per lookup target entity for the display values of the groups.
 *
 * @throws QueryError 400 for a request that is not valid, 403 FIELD_NOT_READABLE
 */
export async function aggregateRecords(
  db: Db,
  compiled: CompiledEntity,
  registries: BundleRegistries,
  body: unknown,
  options: AggregateOptions,
): Promise<AggregateResult> {
  const plan = parseAggregateRequest(body, compiled.entity, {
    fieldTypes: registries.fieldTypes,
    now: options.now ?? new Date(),
    ...(options.canRead ? { canRead: options.canRead } : {}),
    user: options.user,
  });
  // 64-bit sums come back as bigint, so a count or whole sum past 2^53 is not rounded.
  const [rows] = await recordCollection(db, compiled.entity.key)
    .aggregate<AggregateRows>(aggregatePipeline(options.scope ? { ...plan, match: withScope(plan.match, options.scope) } : plan), {
      useBigInt64: true,
    })
    .toArray();
  const found: AggregateRows = rows ?? { total: [] };
  return aggregateResult(plan, found, await displayNames(db, plan, referencedIds(plan, found), options.entityOf, options.related));
}

/**
 * The display values of the records that lookup groups refer to: one query per target
 * entity, whichever groups point at it, reading the lookup's own display field or the
 * target's. Deleted records keep their names, as records may still be grouped under them.
 */
async function displayNames(
  db: Db,
  plan: AggregatePlan,
  wanted: Map<number, ObjectId[]>,
  entityOf: AggregateOptions['entityOf'],
  related: RelatedAccess | undefined,
): Promise<DisplayNames> {
  const byTarget = new Map<string, { index: number; display: string }[]>();
  for (const index of wanted.keys()) {
    const group = plan.groups[index];
    const entity = group?.kind === 'lookup' ? entityOf(group.target) : undefined;
    if (group?.kind !== 'lookup' || !entity) continue;
    byTarget.set(group.target, [...(byTarget.get(group.target) ?? []), { index, display: group.displayField ?? entity.displayField }]);
  }
  const names: DisplayNames = new Map();
  for (const [target, groups] of byTarget) {
    const fields = entityOf(target)?.fields ?? [];
    const ids = [...new Map(groups.flatMap((g) => wanted.get(g.index) ?? []).map((id) => [id.toHexString(), id])).values()];
    const projection = Object.fromEntries(groups.map((g) => [g.display, 1]));
    // Groups of records the actor may not read keep their ids but get no names.
    const scope = related ? await related.scope(target) : undefined;
    const docs =
      scope === null
        ? []
        : await recordCollection(db, target)
            .find(withScope({ _id: { $in: ids } }, scope), { projection })
            .toArray();
    for (const { index, display } of groups) {
      if (related && !related.canShow(target, display)) continue;
      const field = fields.find((f) => f.key === display);
      names.set(index, new Map(docs.flatMap((doc) => displayText(field, doc[display], String(doc._id)))));
    }
  }
  return names;
}

function displayText(field: Field | undefined, raw: unknown, id: string): [string, string][] {
  const value = field ? fromStorage(field, raw) : null;
  if (value === null) return [];
  return [[id, typeof value === 'object' ? JSON.stringify(value) : String(value)]];
}
