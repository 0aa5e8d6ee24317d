import {
  EntityIndex,
  checkView,
  isSystemField,
  type BundleRegistries,
  type MetaValidator,
  type Problem,
  type View,
} from '@metacrm/metadata';
import { entityPolicy } from '../access/entity-policy.js';
import { filterFields } from '../access/filter-fields.js';
import type { Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';

/**
 * The problems of a view one user saves for themselves: the view meta-schema and the
 * publish checks of a view (checkView), then their access: they must read the entity,
 * and every field it shows, filters, sorts or groups on must be one they may read (and,
 * to query on, unmasked). A field they may not read is reported as unknown, as the
 * metadata they are given (/api/me/metadata) does not have it either.
 */
export function personalViewProblems(
  view: unknown,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  validator: MetaValidator,
  actor: Actor,
): Problem[] {
  const shape = validator.validateItem('views', view);
  if (shape.length > 0) return shape;
  const v = view as View;
  const policy = entityPolicy(snapshot, actor, v.entity, registries.operations);
  if (!snapshot.entity(v.entity) || !policy.can('read'))
    return [{ pointer: '/entity', code: 'UNKNOWN_ENTITY', message: `no entity "${v.entity}"`, params: { entity: v.entity } }];
  const problems = checkView(v, '', new EntityIndex(snapshot.bundle, registries.fieldTypes));
  if (problems.length > 0) return problems;
  const readable = (field: string) => isSystemField(field) || policy.field(field).read;
  const queryable = (field: string) => isSystemField(field) || (policy.field(field).read && !policy.field(field).mask);
  const unknown = (field: string, pointer: string): Problem => ({
    pointer,
    code: 'UNKNOWN_FIELD',
    message: `"${field}" is not a field of ${v.entity}`,
    params: { entity: v.entity, field },
  });
  const out: Problem[] = [];
  filterFields(v.filter).forEach((f) => !queryable(f) && out.push(unknown(f, '/filter')));
  v.sort?.forEach((s, i) => !queryable(s.field) && out.push(unknown(s.field, `/sort/${i}/field`)));
  switch (v.type) {
    case 'list':
      v.columns.forEach((c, i) => !readable(c.field) && out.push(unknown(c.field, `/columns/${i}/field`)));
      break;
    case 'kanban':
      if (!queryable(v.groupBy)) out.push(unknown(v.groupBy, '/groupBy'));
      v.cardFields?.forEach((f, i) => !readable(f) && out.push(unknown(f, `/cardFields/${i}`)));
      break;
    case 'calendar':
      if (!queryable(v.dateField)) out.push(unknown(v.dateField, '/dateField'));
      if (v.endDateField !== undefined && !queryable(v.endDateField)) out.push(unknown(v.endDateField, '/endDateField'));
      if (v.titleField !== undefined && !readable(v.titleField)) out.push(unknown(v.titleField, '/titleField'));
      break;
  }
  return out;
}
