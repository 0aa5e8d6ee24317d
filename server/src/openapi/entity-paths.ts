import { isRecordReference, type BundleRegistries, type Entity, type JsonSchema } from '@metacrm/metadata';
import { entityIoPaths } from './entity-io-paths.js';
import type { EntityComponentNames } from './entity-schemas.js';
import { errorResponses } from './error-components.js';
import { entityQueryParameters, listParameters } from './list-parameters.js';
import { jsonContent, jsonResponse, object, parameterRef, schemaRef, type OpenApiObject } from './refs.js';

/** What the paths of one entity are built from: the snapshot's entities and their component names. */
export interface EntityPathContext {
  entities: readonly Entity[];
  names: ReadonlyMap<string, EntityComponentNames>;
  registries: BundleRegistries;
  /** The views of the snapshot: an export may follow one of its entity's. */
  views: readonly { key: string; entity: string }[];
  /** The forms of the snapshot: a write may name one of its entity's. */
  forms: readonly { key: string; entity: string }[];
}

const ETAG = { ETag: { $ref: '#/components/headers/ETag' } };
const LOCATION = { Location: { $ref: '#/components/headers/Location' } };

/** The tag that groups one entity's operations. */
export function entityTag(entity: Entity): OpenApiObject {
  return { name: `records/${entity.key}`, description: `${entity.pluralLabel?.en ?? entity.label.en} (${entity.label['zh-CN']})` };
}

/** Builds the operations of one entity: tagged, with ids `records.<key>.<verb>`. */
export function operationFactory(entity: Entity): (verb: string, summary: string, rest: OpenApiObject) => OpenApiObject {
  const tags = [String(entityTag(entity).name)];
  return (verb, summary, rest) => ({ tags, operationId: `records.${entity.key}.${verb}`, summary, ...rest });
}

/**
 * Every path of one entity's records API: list and create, one record (get, patch,
 * delete), restore, history, related lists, and the bulk, aggregate, import and export
 * routes.
 */
export function entityPaths(entity: Entity, context: EntityPathContext): Record<string, OpenApiObject> {
  const names = context.names.get(entity.key)!;
  const base = `/api/records/${entity.key}`;
  const label = entity.label.en;
  const plural = entity.pluralLabel?.en ?? label;
  const op = operationFactory(entity);
  const record = (description: string, headers?: OpenApiObject) => jsonResponse(description, schemaRef(names.record), headers);
  const body = (schema: JsonSchema): OpenApiObject => ({ required: true, content: jsonContent(schema) });
  const expand = entityQueryParameters(entity, context.registries).expand;
  const forms = context.forms.filter((f) => f.entity === entity.key).map((f) => f.key);
  const form = {
    name: 'form',
    in: 'query',
    description:
      "Check the write against the conditions (required, hidden, read-only fields) of this form instead of the entity's default form. 404 FORM_NOT_FOUND for a form the entity does not have.",
    schema: forms.length > 0 ? { type: 'string', enum: forms } : { type: 'string' },
  };
  return {
    [base]: {
      get: op('list', `List ${plural}`, {
        description:
          'Filter, search, sort, select fields, count, and page with a cursor (or a page number); or start from a view (`view`). An unknown query parameter answers 400 naming it.',
        parameters: [...listParameters(entity, context.registries), parameterRef('View')],
        responses: {
          '200': jsonResponse(`A page of ${plural}.`, schemaRef(names.list)),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
        },
      }),
      post: op('create', `Create a ${label}`, {
        description:
          "Checked like every write: the entity's fields and rules, then the conditions of its default form (or of `form`), then the guided stages of its process fields: 422 RECORD_INVALID with `REQUIRED`, `READ_ONLY`, `STAGE_FIELD_REQUIRED` or `STAGE_TRANSITION_NOT_ALLOWED` problems.",
        parameters: [form],
        requestBody: body(schemaRef(names.input)),
        responses: {
          '201': record('The record as stored, with defaults and computed fields.', { ...ETAG, ...LOCATION }),
          ...errorResponses(['BadRequest', 'NotFound', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
        },
      }),
    },
    [`${base}/{id}`]: {
      parameters: [parameterRef('RecordId')],
      get: op('get', `Get a ${label}`, {
        ...(expand ? { parameters: [expand] } : {}),
        responses: { '200': record('The record.', ETAG), ...errorResponses(['BadRequest', 'NotFound']) },
      }),
      patch: op('update', `Change a ${label}`, {
        description:
          'Changes the fields sent (null clears one). With `_version` or `If-Match`, a record changed since answers 409 RECORD_VERSION_CONFLICT with `details.currentVersion`. A field the form (default, or `form`) shows as read-only before the change, or hides after it, cannot change: 422 with a `READ_ONLY` problem. A process field moves only to the stages its current stage allows (`STAGE_TRANSITION_NOT_ALLOWED`) and a stage needs its required fields (`STAGE_FIELD_REQUIRED`).',
        parameters: [parameterRef('IfMatch'), form],
        requestBody: body(schemaRef(names.patch)),
        responses: {
          '200': record('The record after the change.', ETAG),
          ...errorResponses(['BadRequest', 'NotFound', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
        },
      }),
      delete: op('delete', `Delete a ${label}`, {
        description:
          'To the recycle bin (when the entity keeps one) or, with `hard=true`, for good. Records that refer to it are handled as their lookup says; `restrict` answers 409 RECORD_IN_USE.',
        parameters: [parameterRef('IfMatch'), parameterRef('Hard')],
        responses: { '204': { description: 'Deleted.' }, ...errorResponses(['BadRequest', 'NotFound', 'Conflict']) },
      }),
    },
    [`${base}/{id}/restore`]: {
      parameters: [parameterRef('RecordId')],
      post: op('restore', `Restore a deleted ${label}`, {
        description:
          'Brings the record back from the recycle bin, with the records its delete cascaded to (and only those), listed in `_restoredWith`.',
        responses: { '200': record('The restored record.'), ...errorResponses(['NotFound', 'Conflict']) },
      }),
    },
    [`${base}/{id}/owner`]: {
      parameters: [parameterRef('RecordId')],
      post: op('changeOwner', `Change the owner of a ${label}`, {
        description:
          "Gives the record to another active user (`{ownerId}`). Allowed to administrators, to roles granting `changeOwner` on the entity (for records they may update) and to the owner's managers; recorded in the record's history (`_ownerId`) and the audit log. 403 FORBIDDEN otherwise; 422 RECORD_INVALID for a user who is not an active user.",
        requestBody: body(
          object({ ownerId: { type: 'string', description: "The new owner's user id." } }, [], { additionalProperties: false }),
        ),
        responses: {
          '200': record('The record with its new owner.', ETAG),
          ...errorResponses(['Forbidden', 'NotFound', 'Conflict', 'Unprocessable']),
        },
      }),
    },
    [`${base}/{id}/history`]: {
      parameters: [parameterRef('RecordId')],
      get: op('history', `Field history of a ${label}`, {
        responses: {
          '200': jsonResponse('Who changed which field, when, from what to what.', schemaRef('RecordHistory')),
          ...errorResponses(['NotFound']),
        },
      }),
    },
    ...sharePaths(entity),
    ...relatedPaths(entity, context),
    ...entityIoPaths(
      entity,
      { names, registries: context.registries, views: context.views.filter((v) => v.entity === entity.key).map((v) => v.key) },
      op,
    ),
  };
}

/** Sharing one record with a user or a department, beyond their roles' scope. */
function sharePaths(entity: Entity): Record<string, OpenApiObject> {
  const op = operationFactory(entity);
  const base = `/api/records/${entity.key}/{id}/shares`;
  const who = 'Whoever may update the record; the shares widen read (and, with `write`, update) to the principal.';
  return {
    [base]: {
      parameters: [parameterRef('RecordId')],
      get: op('shares', `Shares of a ${entity.label.en}`, {
        description: who,
        responses: { '200': jsonResponse('The shares.', schemaRef('ShareList')), ...errorResponses(['Forbidden', 'NotFound']) },
      }),
      post: op('share', `Share a ${entity.label.en}`, {
        description: `${who} Sharing again with the same principal replaces the earlier share; audited as \`record.share\`. 400 SHARE_INVALID with a problem per mistake.`,
        requestBody: { required: true, content: jsonContent(schemaRef('ShareInput')) },
        responses: {
          '201': jsonResponse('The share.', schemaRef('Share')),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'UnsupportedMediaType']),
        },
      }),
    },
    [`${base}/{shareId}`]: {
      parameters: [parameterRef('RecordId'), { name: 'shareId', in: 'path', required: true, schema: { type: 'string' } }],
      delete: op('unshare', `Remove a share of a ${entity.label.en}`, {
        description: 'Audited as `record.unshare`. 404 SHARE_NOT_FOUND.',
        responses: { '204': { description: 'Removed.' }, ...errorResponses(['Forbidden', 'NotFound']) },
      }),
    },
  };
}

/** `/api/records/<entity>/{id}/related/<child>/<via>` for every lookup of another entity (or this one) that points here. */
function relatedPaths(entity: Entity, context: EntityPathContext): Record<string, OpenApiObject> {
  const op = operationFactory(entity);
  const out: Record<string, OpenApiObject> = {};
  for (const child of context.entities) {
    const childNames = context.names.get(child.key)!;
    for (const via of child.fields) {
      if (!isRecordReference(via) || (via as { target?: unknown }).target !== entity.key) continue;
      out[`/api/records/${entity.key}/{id}/related/${child.key}/${via.key}`] = {
        parameters: [parameterRef('RecordId')],
        get: op(
          `related.${child.key}.${via.key}`,
          `${child.pluralLabel?.en ?? child.label.en} of a ${entity.label.en} (by ${via.label.en})`,
          {
            description: `The ${child.key} records whose \`${via.key}\` points at this record, with every list parameter of ${child.key}.`,
            parameters: listParameters(child, context.registries),
            responses: {
              '200': jsonResponse('A page of the related records.', schemaRef(childNames.list)),
              ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
            },
          },
        ),
      };
    }
  }
  return out;
}
