import type { Db, Document } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import type { CompiledEntity } from './compiled-entity.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { toApiRecord, type ApiRecord } from './record-document.js';
import {
  QueryError,
  combineQueries,
  compileFilter,
  compileSearch,
  compileSort,
  decodeCursor,
  encodeCursor,
  keysetFilter,
} from '../query/index.js';

export interface ListOptions {
  /** The filter language, already parsed from JSON. */
  filter?: unknown;
  /** `-amount,name`. */
  sort?: string | undefined;
  limit?: number | undefined;
  /** Keyset paging: the `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** Offset paging (1-based), for UIs that jump to a page; keyset paging scales better. */
  page?: number | undefined;
  q?: string | undefined;
  /** Only these fields (system fields always come). */
  fields?: string[] | undefined;
  /** Lookup fields whose related records' display values to include (`_expanded`). */
  expand?: string[] | undefined;
  /** Also answer the total number of matching records. */
  count?: boolean;
  /** The recycle bin: deleted records only. */
  deleted?: boolean;
  timeZone?: string | undefined;
  /**
   * A view of the entity whose filter (ANDed with `filter`), sort (unless `sort` is
   * given) and columns (unless `fields` is given) the list applies. Resolved by
   * RecordService.list.
   */
  view?: string | undefined;
}

export interface ListResult {
  records: ApiRecord[];
  nextCursor: string | null;
  total?: number;
}

/** Who is asking, as the list sees it: the records they may reach and the fields they may name. */
export interface ListAccess {
  /** A query clause the records must also match; undefined for every record. */
  scope?: Document | undefined;
  /** False for a field the actor may not filter, sort, search or select: 403 when named. */
  canRead?: ((field: string) => boolean) | undefined;
  /** Who `"$user"` in the filter stands for (compileFilter). */
  user?: string | undefined;
}

export const LIST_LIMITS = { default: 50, max: 200, maxPage: 10_000 } as const;

/** Lists records of one entity: filter, search, sort, keyset or page paging, field selection, count. */
export async function listRecords(
  db: Db,
  compiled: CompiledEntity,
  registries: BundleRegistries,
  options: ListOptions,
  access: ListAccess = {},
): Promise<ListResult> {
  const { entity } = compiled;
  const fieldOptions = { fieldTypes: registries.fieldTypes, ...(access.canRead ? { canRead: access.canRead } : {}) };
  const limit = options.limit ?? LIST_LIMITS.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMITS.max)
    throw new QueryError('FILTER_INVALID', `limit must be a whole number from 1 to ${LIST_LIMITS.max}`, '/limit');
  if (options.page !== undefined && (!Number.isInteger(options.page) || options.page < 1 || options.page > LIST_LIMITS.maxPage)) {
    throw new QueryError('FILTER_INVALID', `page must be a whole number from 1 to ${LIST_LIMITS.maxPage}`, '/page');
  }
  if (options.page !== undefined && options.cursor !== undefined)
    throw new QueryError('CURSOR_INVALID', 'use either cursor or page, not both', '/cursor');
  const fields = selectFields(compiled, options.fields, access.canRead);

  const base = combineQueries(
    compileFilter(options.filter ?? { and: [] }, entity, {
      ...fieldOptions,
      now: new Date(),
      user: access.user,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      ...(options.deleted ? { deletedOnly: true } : {}),
    }),
    options.q ? compileSearch(options.q, entity, fieldOptions) : {},
    access.scope ?? {},
  );
  const sort = compileSort(options.sort, entity, fieldOptions);
  const query = options.cursor ? combineQueries(base, keysetFilter(sort.keys, decodeCursor(options.cursor, sort.keys))) : base;
  const records = recordCollection(db, entity.key);
  const docs = await records
    .find(query, { sort: sort.spec, limit: limit + 1, ...(options.page ? { skip: (options.page - 1) * limit } : {}) })
    .toArray();
  const more = docs.length > limit;
  const page = docs.slice(0, limit);
  const result: ListResult = {
    records: page.map((doc) => toApiRecord(compiled, doc, fields)),
    nextCursor: more && options.page === undefined ? encodeCursor(sort.keys, page[page.length - 1] as Document) : null,
  };
  if (options.count) result.total = await records.countDocuments(base);
  return result;
}

function selectFields(compiled: CompiledEntity, fields: string[] | undefined, canRead: ListAccess['canRead']): Set<string> | undefined {
  if (!fields || fields.length === 0) return undefined;
  fields.forEach((field, i) => {
    if (!compiled.fields.has(field))
      throw new QueryError(
        'FILTER_FIELD_UNKNOWN',
        `"${field.slice(0, 60)}" is not a field of ${compiled.entity.key}`,
        `/fields/${i}`,
        field,
      );
    if (canRead && !canRead(field))
      throw new QueryError('FIELD_NOT_READABLE', `You may not read the field "${field}"`, `/fields/${i}`, field);
  });
  return new Set(fields);
}
