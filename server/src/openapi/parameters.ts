import { SEARCH_LIMITS } from '../query/index.js';
import { LIST_LIMITS } from '../records/record-list.js';
import { RECORD_ID_SCHEMA } from './record-components.js';
import type { OpenApiObject } from './refs.js';

const query = (name: string, description: string, schema: OpenApiObject): OpenApiObject => ({ name, in: 'query', description, schema });
const flag = (name: string, description: string): OpenApiObject => query(name, description, { type: 'boolean', default: false });

/** `components.parameters`: the parameters that are the same for every entity. */
export function sharedParameters(): Record<string, OpenApiObject> {
  return {
    RecordId: { name: 'id', in: 'path', required: true, description: 'The record id.', schema: RECORD_ID_SCHEMA },
    JobId: { name: 'jobId', in: 'path', required: true, description: 'The import job id.', schema: { type: 'string' } },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      description: 'The version you edited, as the `ETag` gave it (`"7"`): a record changed since answers 409 RECORD_VERSION_CONFLICT.',
      schema: { type: 'string', pattern: '^(W/)?"?\\d+"?$' },
    },
    Hard: flag('hard', 'Delete for good instead of moving to the recycle bin.'),
    Limit: query('limit', 'Records per page.', { type: 'integer', minimum: 1, maximum: LIST_LIMITS.max, default: LIST_LIMITS.default }),
    Cursor: query('cursor', 'The `nextCursor` of the previous page (keyset paging; not with `page`).', { type: 'string' }),
    Page: query('page', 'A page number from 1 (offset paging, for UIs that jump to a page; not with `cursor`).', {
      type: 'integer',
      minimum: 1,
      maximum: LIST_LIMITS.maxPage,
    }),
    Search: query('q', `Free text: every word must match a text field or an option label. At most ${SEARCH_LIMITS.words} words.`, {
      type: 'string',
      maxLength: SEARCH_LIMITS.length,
    }),
    Count: flag('count', 'Also answer `total`, the number of matching records.'),
    Deleted: flag('deleted', 'The recycle bin: deleted records only (they carry `_deletedAt`).'),
    View: query(
      'view',
      'The key of a view of the entity: its filter (ANDed with `filter`), its sort (unless `sort` is given) and its columns (those you may read, unless `fields` is given). An unknown view answers 404 VIEW_NOT_FOUND. Any query parameter a list does not take answers 400 BAD_REQUEST naming it.',
      { type: 'string' },
    ),
    TimeZone: query('timeZone', 'IANA time zone for relative dates (`this_quarter`...), such as Asia/Shanghai; UTC by default.', {
      type: 'string',
    }),
  };
}

/** `components.headers`. */
export function sharedHeaders(): Record<string, OpenApiObject> {
  return {
    ETag: { description: 'The record version, quoted (`"3"`); send it back as `If-Match`.', schema: { type: 'string' } },
    Location: { description: 'Where the new resource is.', schema: { type: 'string' } },
  };
}
