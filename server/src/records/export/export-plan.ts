import { sortText, viewFields, viewSortKeys } from '@metacrm/metadata';
import { BadRequest } from '../../errors/platform.errors.js';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { CompiledEntity } from '../compiled-entity.js';
import type { ListOptions } from '../record-list.js';
import { ExportViewNotFound } from './export.errors.js';

/** What the client asked to narrow the export to, on top of the view. */
export interface ExportQuery {
  view?: string | undefined;
  /** The filter language, parsed; ANDed with the view's filter. */
  filter?: unknown;
  /** Replaces the view's sort: `-amount,title`. */
  sort?: string | undefined;
  q?: string | undefined;
  /** A subset of the view's columns (all fields without a view), in the order wanted. */
  fields?: string[] | undefined;
  timeZone?: string | undefined;
}

/** The columns to write and the list query that pages through the records. */
export interface ExportPlan {
  columns: string[];
  list: Omit<ListOptions, 'limit' | 'cursor' | 'page'>;
}

/**
 * Works out the columns, filter and sort of an export. A view (from the current
 * metadata) supplies them; the query may narrow the columns and the records, and
 * replace the sort. Without a view: every field of the entity. Of those, only the
 * columns the actor may read; naming another is left to the list, which answers 403.
 */
export function planExport(
  snapshot: MetadataSnapshot,
  compiled: CompiledEntity,
  query: ExportQuery,
  readable: (field: string) => boolean = () => true,
): ExportPlan {
  const entity = compiled.entity.key;
  const view = query.view === undefined ? undefined : snapshot.bundle.views.find((v) => v.key === query.view && v.entity === entity);
  if (query.view !== undefined && !view) throw ExportViewNotFound(`${entity} has no view "${query.view}"`, { entity, view: query.view });
  const available = (view ? viewFields(view) : [...compiled.fields.keys()]).filter((key) => compiled.fields.has(key));
  const columns = query.fields && query.fields.length > 0 ? query.fields : available.filter(readable);
  columns.forEach((key, i) => {
    if (!available.includes(key))
      throw BadRequest(`"${key.slice(0, 60)}" is not a column of this export`, [
        { pointer: `/query/fields/${i}`, code: 'NOT_ALLOWED_VALUE' },
      ]);
  });
  const filters = [view?.filter, query.filter].filter((f) => f !== undefined);
  return {
    columns,
    list: {
      filter: filters.length > 1 ? { and: filters } : filters[0],
      sort: query.sort ?? (view ? sortText(viewSortKeys(view)) : undefined),
      q: query.q,
      fields: columns,
      expand: columns.filter((key) => compiled.traits.get(key)?.reference === 'record'),
      timeZone: query.timeZone,
    },
  };
}
