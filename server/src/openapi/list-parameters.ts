import { SYSTEM_FIELDS, isRecordReference, type BundleRegistries, type Entity } from '@metacrm/metadata';
import { DEFAULT_SORT, FILTER_LIMITS, MAX_SORT_KEYS } from '../query/index.js';
import { resolveField } from '../query/query-fields.js';
import { jsonContent, parameterRef, schemaRef, type OpenApiObject } from './refs.js';

/** The query parameters that depend on the entity: its fields, what can filter and sort them, its lookups. */
export interface EntityQueryParameters {
  /** The filter language, JSON-encoded, with each field's operators in `x-filter-fields`. */
  filter: OpenApiObject;
  /** `-amount,name`, with the sortable fields in `x-sortable-fields`. */
  sort: OpenApiObject;
  /** Comma-separated field keys. */
  fields: OpenApiObject;
  /** Comma-separated lookup keys to expand; undefined for an entity without lookups. */
  expand: OpenApiObject | undefined;
}

/** The parameters of a list (and of a related list) of `entity`. */
export function listParameters(entity: Entity, registries: BundleRegistries): OpenApiObject[] {
  const query = entityQueryParameters(entity, registries);
  return [
    query.filter,
    query.sort,
    parameterRef('Limit'),
    parameterRef('Cursor'),
    parameterRef('Page'),
    parameterRef('Search'),
    query.fields,
    ...(query.expand ? [query.expand] : []),
    parameterRef('Count'),
    parameterRef('Deleted'),
    parameterRef('TimeZone'),
  ];
}

/** The filter, sort, fields and expand parameters of `entity`, from the same field resolution the query compiler uses. */
export function entityQueryParameters(entity: Entity, registries: BundleRegistries): EntityQueryParameters {
  const names = [...Object.keys(SYSTEM_FIELDS), ...entity.fields.map((f) => f.key)];
  const operators: Record<string, readonly string[]> = {};
  const sortable: string[] = [];
  for (const name of names) {
    const ref = resolveField(name, entity, registries.fieldTypes);
    if (!ref) continue;
    operators[name] = ref.traits.operators;
    if (ref.system || ref.traits.ordered || ref.traits.groupable) sortable.push(name);
  }
  const fieldKeys = entity.fields.map((f) => f.key);
  const lookups = entity.fields.filter((f) => isRecordReference(f, registries.fieldTypes)).map((f) => f.key);
  return {
    filter: {
      name: 'filter',
      in: 'query',
      description:
        'The filter language, JSON-encoded: `{"and": [...]}`, `{"or": [...]}`, `{"not": ...}` or a condition `{"field", "op", "value"}` (schema: [Filter](#/components/schemas/Filter)). ' +
        `The fields and the operators each allows are in \`x-filter-fields\`; at most ${FILTER_LIMITS.conditions} conditions, ${FILTER_LIMITS.depth} levels deep.`,
      content: jsonContent(schemaRef('Filter')),
      'x-filter-fields': operators,
    },
    sort: {
      name: 'sort',
      in: 'query',
      description: `Comma-separated fields, \`-\` for descending: \`-amount,name\`. At most ${MAX_SORT_KEYS}; \`${DEFAULT_SORT}\` by default. Sortable: ${sortable.join(', ')}.`,
      schema: { type: 'string', maxLength: MAX_SORT_KEYS * 100 },
      'x-sortable-fields': sortable,
    },
    fields: commaList('fields', 'Only these fields (comma-separated); the system fields always come.', fieldKeys),
    expand:
      lookups.length > 0
        ? commaList('expand', 'Lookups whose related record to include, with its display value, under `_expanded`.', lookups)
        : undefined,
  };
}

function commaList(name: string, description: string, keys: string[]): OpenApiObject {
  return {
    name,
    in: 'query',
    description,
    style: 'form',
    explode: false,
    schema: { type: 'array', uniqueItems: true, items: keys.length > 0 ? { type: 'string', enum: keys } : { type: 'string' } },
  };
}
