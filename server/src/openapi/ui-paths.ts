import type { JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tags of the routes the runtime UI is built on. */
export const UI_TAGS: OpenApiObject[] = [
  { name: 'me', description: "What the signed-in user's runtime UI is built from: their metadata." },
  { name: 'events', description: 'Live record events and publishes, as server-sent events.' },
  { name: 'search', description: 'Free-text search across the entities the user may read.' },
  { name: 'personal views', description: "The signed-in user's own saved views and column arrangements." },
];

const rights: JsonSchema = object({
  create: { type: 'boolean' },
  read: { type: 'boolean' },
  update: { type: 'boolean' },
  delete: { type: 'boolean' },
  export: { type: 'boolean' },
  changeOwner: {
    type: 'boolean',
    description: "May change the owner of the records they may update (administrators: of any); the owner's managers may too, per record.",
  },
  shareAny: { type: 'boolean', description: 'May share any record they read (administrators); others share the records they own.' },
});
const fieldAccess: JsonSchema = object(
  {
    read: { const: true },
    write: { type: 'boolean', description: 'False: show the field read-only.' },
    mask: { type: 'object', description: 'Set when the user sees the value masked (and may not write, filter or sort on it).' },
  },
  ['mask'],
);

/** Shapes of the answers of the runtime UI's routes. */
export function uiSchemas(): Record<string, JsonSchema> {
  return {
    PersonalView: object({
      id: { type: 'string' },
      entity: { type: 'string' },
      view: { allOf: [schemaRef('MetaView')], description: 'A view as in the metadata; its `key` is `p_<id>`.' },
      _version: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    }),
    ColumnPrefs: object({
      view: { type: 'string' },
      columns: {
        type: 'array',
        maxItems: 50,
        items: object({ field: { type: 'string' }, width: { type: 'integer', minimum: 40, maximum: 1000 } }, ['width']),
      },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
    }),
    SearchResults: object({
      results: {
        type: 'array',
        items: object({
          entity: { type: 'string' },
          label: { type: 'object' },
          records: { type: 'array', items: object({ id: { type: 'string' }, title: {}, _updatedAt: { type: 'string' } }) },
          more: { type: 'boolean' },
        }),
      },
    }),
    UserMetadata: object({
      version: { type: 'integer', description: 'The published metadata version.' },
      user: object({
        id: { type: 'string' },
        name: { type: 'string' },
        roles: { type: 'array', items: { type: 'string' } },
        locale: { type: ['string', 'null'] },
      }),
      entities: {
        type: 'array',
        description: 'Entities the user may read or create. `fields` holds only fields they may read, each with `access`.',
        // An entity (MetaEntity) and its fields (MetaField) with `rights` and `access` added; those
        // schemas are closed (additionalProperties: false), so they cannot be extended by allOf.
        items: object(
          {
            key: { type: 'string' },
            label: { type: 'object' },
            rights,
            fields: {
              type: 'array',
              items: object({ key: { type: 'string' }, type: { type: 'string' }, access: fieldAccess }, [], {
                description: 'A MetaField with `access`.',
              }),
            },
          },
          [],
          { description: 'A MetaEntity with `rights`.' },
        ),
      },
      forms: {
        type: 'array',
        description: 'Forms of those entities, with the placements of unreadable fields left out.',
        items: schemaRef('MetaForm'),
      },
      views: {
        type: 'array',
        description:
          'Views of readable entities, without unreadable columns and card fields; a view that filters, sorts or groups on an unreadable field is left out.',
        items: schemaRef('MetaView'),
      },
      actions: {
        type: 'array',
        description:
          'Manual workflows the user may start (`POST /api/workflows/{key}/trigger`): switched on, over an entity they may read or none.',
        items: object({
          key: { type: 'string' },
          label: { type: 'object' },
          entity: { type: ['string', 'null'] },
          inputSchema: { type: ['object', 'null'], description: 'The JSON Schema of the input form, if any.' },
        }),
      },
      navigation: {
        anyOf: [schemaRef('MetaNavigation'), { type: 'null' }],
        description:
          'The navigation for their roles, without entries they cannot reach and empty groups; groups and entries sorted by `order`.',
      },
      dashboards: {
        type: 'array',
        description:
          'Dashboards for their roles, with only the widgets whose query they may run (`POST /api/records/{entity}/aggregate` with `query`).',
        items: schemaRef('MetaDashboard'),
      },
    }),
  };
}

/** The routes under /api/me. */
export function uiPaths(): Record<string, OpenApiObject> {
  return {
    '/api/events': {
      get: {
        tags: ['events'],
        operationId: 'events.stream',
        summary: 'Live events (text/event-stream)',
        description:
          'Server-sent events. `record` (with `id`: the outbox event id): `{id, type: record.create|update|delete|restore|purge, entity, recordId, version, record?}`, sent only to users who may read the record, ' +
          '`record` being the record now with only the fields they may read (masked as in a list); none for a delete or purge. `metadata`: `{version}` after a publish (refetch `/api/me/metadata`). ' +
          '`ready` once subscribed; `reset` `{reason}` when events may have been missed (refetch what is shown); `closed` `{reason: TOO_MANY_STREAMS}` when the user opened more than 5 streams (the oldest closes). ' +
          'A comment every 15 s keeps it open; the server ends a stream after 5 minutes, and the browser reconnects with `Last-Event-ID` and gets what it missed (up to 200 events, else `reset`).',
        parameters: [
          { name: 'Last-Event-ID', in: 'header', description: 'Resume after this event.', schema: { type: 'string' } },
          {
            name: 'lastEventId',
            in: 'query',
            description: 'The same, for a first connection that resumes (EventSource cannot set the header).',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': { description: 'The event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errorResponses([]),
        },
      },
    },
    '/api/search': {
      get: {
        tags: ['search'],
        operationId: 'search.global',
        summary: 'Search every entity the user may read',
        description:
          "The list's free-text search (`q`) on each entity the user may read, within their record scope and over the fields they may read: a few records per entity, entities in metadata order, only those with a hit. " +
          '`more` says that the entity has further matches (open its list with `q`). `title` is the display field, null when the user may not read it unmasked.',
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } },
          { name: 'entities', in: 'query', description: 'Comma-separated entity keys to search (else all).', schema: { type: 'string' } },
          {
            name: 'limit',
            in: 'query',
            description: 'Records per entity.',
            schema: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
          },
        ],
        responses: { '200': jsonResponse('The hits, per entity.', schemaRef('SearchResults')), ...errorResponses(['BadRequest']) },
      },
    },
    '/api/me/views': {
      get: {
        tags: ['personal views'],
        operationId: 'me.views.list',
        summary: 'My saved views',
        parameters: [{ name: 'entity', in: 'query', schema: { type: 'string' } }],
        responses: {
          '200': jsonResponse('Oldest first.', object({ views: { type: 'array', items: schemaRef('PersonalView') } })),
          ...errorResponses([]),
        },
      },
      post: {
        tags: ['personal views'],
        operationId: 'me.views.create',
        summary: 'Save a view of my own',
        description:
          'A view as in the metadata (list, kanban or calendar; `key` is set by the platform), checked like a published one and against my access: a field I may not read (or filter on, when masked) is `UNKNOWN_FIELD`. At most 200 per user.',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '201': jsonResponse('Saved.', schemaRef('PersonalView')),
          ...errorResponses(['BadRequest', 'Conflict', 'Unprocessable']),
        },
      },
    },
    '/api/me/views/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        tags: ['personal views'],
        operationId: 'me.views.get',
        summary: 'One of my views',
        responses: { '200': jsonResponse('The view.', schemaRef('PersonalView')), ...errorResponses(['NotFound']) },
      },
      put: {
        tags: ['personal views'],
        operationId: 'me.views.replace',
        summary: 'Replace one of my views',
        description: '`_version` in the body or `If-Match` refuses a stale write with 409 PERSONAL_VIEW_CONFLICT.',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': jsonResponse('Replaced.', schemaRef('PersonalView')),
          ...errorResponses(['BadRequest', 'NotFound', 'Conflict', 'Unprocessable']),
        },
      },
      delete: {
        tags: ['personal views'],
        operationId: 'me.views.delete',
        summary: 'Delete one of my views',
        responses: { '204': { description: 'Deleted.' }, ...errorResponses(['NotFound']) },
      },
    },
    '/api/me/views/{view}/columns': {
      parameters: [
        {
          name: 'view',
          in: 'path',
          required: true,
          description: 'A published view key, or `p_<id>` of one of my views.',
          schema: { type: 'string' },
        },
      ],
      get: {
        tags: ['personal views'],
        operationId: 'me.columns.get',
        summary: 'How I arranged the columns of a view',
        responses: {
          '200': jsonResponse("Empty columns: the view's own apply.", schemaRef('ColumnPrefs')),
          ...errorResponses(['NotFound']),
        },
      },
      put: {
        tags: ['personal views'],
        operationId: 'me.columns.put',
        summary: 'Arrange the columns of a view',
        description: '`{columns: [{field, width?}]}` in display order; fields I may read, each once; widths 40 to 1000.',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': jsonResponse('Saved.', schemaRef('ColumnPrefs')),
          ...errorResponses(['BadRequest', 'NotFound', 'Unprocessable']),
        },
      },
      delete: {
        tags: ['personal views'],
        operationId: 'me.columns.reset',
        summary: "Back to the view's own columns",
        responses: { '204': { description: 'Reset.' }, ...errorResponses(['NotFound']) },
      },
    },
    '/api/me/metadata': {
      get: {
        tags: ['me'],
        operationId: 'me.metadata',
        summary: 'The published metadata the signed-in user may see',
        description:
          'Filtered by their roles. A strong `ETag` covers the version, their roles and the manual workflows switched on: send it back in `If-None-Match` for a 304. ' +
          'Fetch it again when the event stream sends `metadata` (a publish).',
        parameters: [{ name: 'If-None-Match', in: 'header', schema: { type: 'string' } }],
        responses: {
          '200': jsonResponse('The metadata.', schemaRef('UserMetadata'), { ETag: { schema: { type: 'string' } } }),
          '304': { description: 'Unchanged since the ETag sent.' },
          ...errorResponses([]),
        },
      },
    },
  };
}
