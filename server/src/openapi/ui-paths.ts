import type { JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tags of the routes the runtime UI is built on. */
export const UI_TAGS: OpenApiObject[] = [{ name: 'me', description: "What the signed-in user's runtime UI is built from: their metadata." }];

const rights: JsonSchema = object({ create: { type: 'boolean' }, read: { type: 'boolean' }, update: { type: 'boolean' }, delete: { type: 'boolean' }, export: { type: 'boolean' } });
const fieldAccess: JsonSchema = object(
  { read: { const: true }, write: { type: 'boolean', description: 'False: show the field read-only.' }, mask: { type: 'object', description: 'Set when the user sees the value masked (and may not write, filter or sort on it).' } },
  ['mask'],
);

/** Shapes of the answers of the runtime UI's routes. */
export function uiSchemas(): Record<string, JsonSchema> {
  return {
    UserMetadata: object({
      version: { type: 'integer', description: 'The published metadata version.' },
      user: object({ id: { type: 'string' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, locale: { type: ['string', 'null'] } }),
      entities: {
        type: 'array',
        description: 'Entities the user may read or create. `fields` holds only fields they may read, each with `access`.',
        // An entity (MetaEntity) and its fields (MetaField) with `rights` and `access` added; those
        // schemas are closed (additionalProperties: false), so they cannot be extended by allOf.
        items: object(
          { key: { type: 'string' }, label: { type: 'object' }, rights, fields: { type: 'array', items: object({ key: { type: 'string' }, type: { type: 'string' }, access: fieldAccess }, [], { description: 'A MetaField with `access`.' }) } },
          [],
          { description: 'A MetaEntity with `rights`.' },
        ),
      },
      forms: { type: 'array', description: 'Forms of those entities, with the placements of unreadable fields left out.', items: schemaRef('MetaForm') },
      views: { type: 'array', description: 'Views of readable entities, without unreadable columns and card fields; a view that filters, sorts or groups on an unreadable field is left out.', items: schemaRef('MetaView') },
      actions: {
        type: 'array',
        description: 'Manual workflows the user may start (`POST /api/workflows/{key}/trigger`): switched on, over an entity they may read or none.',
        items: object({ key: { type: 'string' }, label: { type: 'object' }, entity: { type: ['string', 'null'] }, inputSchema: { type: ['object', 'null'], description: 'The JSON Schema of the input form, if any.' } }),
      },
      navigation: { anyOf: [schemaRef('MetaNavigation'), { type: 'null' }], description: 'The navigation for their roles, without entries they cannot reach and empty groups; groups and entries sorted by `order`.' },
      dashboards: { type: 'array', description: 'Dashboards for their roles, with only the widgets whose query they may run (`POST /api/records/{entity}/aggregate` with `query`).', items: schemaRef('MetaDashboard') },
    }),
  };
}

/** The routes under /api/me. */
export function uiPaths(): Record<string, OpenApiObject> {
  return {
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
