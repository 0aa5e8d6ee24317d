import type { BundleRegistries, Entity } from '@metacrm/metadata';
import { EXPORT_FORMATS } from '../records/export/export-sinks.js';
import { EXPORT_LANGUAGES } from '../records/export/export-values.js';
import type { EntityComponentNames } from './entity-schemas.js';
import { errorResponses } from './error-components.js';
import { entityQueryParameters } from './list-parameters.js';
import { jsonContent, jsonResponse, parameterRef, schemaRef, type OpenApiObject } from './refs.js';

/** The media type of an Excel workbook. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type OperationFactory = (verb: string, summary: string, rest: OpenApiObject) => OpenApiObject;

/** What the bulk and file routes of one entity are built from. */
export interface EntityIoContext {
  names: EntityComponentNames;
  registries: BundleRegistries;
  /** Keys of the views of this entity, which an export may follow. */
  views: readonly string[];
}

/** Bulk writes, aggregates, import jobs and export of one entity's records. */
export function entityIoPaths(entity: Entity, context: EntityIoContext, op: OperationFactory): Record<string, OpenApiObject> {
  const base = `/api/records/${entity.key}`;
  const plural = entity.pluralLabel?.en ?? entity.label.en;
  const query = entityQueryParameters(entity, context.registries);
  const json = (schema: string): OpenApiObject => ({ required: true, content: jsonContent(schemaRef(schema)) });
  const job = (description: string, headers?: OpenApiObject) => jsonResponse(description, schemaRef('ImportJob'), headers);
  return {
    [`${base}/bulk`]: {
      post: op('bulk', `Create, change and delete ${plural} in one call`, {
        description: `Each operation runs through the whole record pipeline in its own transaction: one that fails (its \`status\` and \`error\` say why) writes nothing and stops no other. \`data\` is a [${context.names.input}](#/components/schemas/${context.names.input}) for a create and a [${context.names.patch}](#/components/schemas/${context.names.patch}) for an update.`,
        requestBody: json('BulkRequest'),
        responses: {
          '200': jsonResponse('One result per operation, in order.', schemaRef('BulkResult')),
          ...errorResponses(['BadRequest', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      }),
    },
    [`${base}/duplicates`]: {
      post: op('duplicates', `Check a ${entity.label.en.toLowerCase()} for duplicates before saving it`, {
        description: `The duplicate check (查重) of the entity's \`duplicateRules\` for \`data\` (the fields of a new record, or with \`id\` the changes to that record, which is left out of the matches), without writing anything. Each match is a DUPLICATE_RECORD problem on the checked field whose \`params\` give the rule, its \`mode\` (\`warn\`: a save goes through and answers the matches in \`_duplicates\`; \`block\`: a save is refused with 422), the matching entity and field, the match's \`ownerId\` and \`ownerName\` (none: unowned), and \`record\` ({id, name}) only when the caller may read that record. Needs the right to create (update) ${plural}.`,
        requestBody: {
          required: true,
          content: jsonContent({
            type: 'object',
            properties: { data: schemaRef(context.names.patch), id: { type: 'string', pattern: '^[0-9a-f]{24}$' } },
            additionalProperties: false,
          }),
        },
        responses: {
          '200': jsonResponse('The matches, blocking first.', {
            type: 'object',
            properties: { duplicates: { type: 'array', items: schemaRef('Problem') } },
            required: ['duplicates'],
          }),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      }),
    },
    [`${base}/aggregate`]: {
      post: op('aggregate', `Aggregate ${plural}`, {
        description:
          'Counts, sums, averages, minimums and maximums of the live records that match, grouped by up to two fields (dates by period). A request that is not valid answers 400 AGGREGATE_INVALID with `details.problems`.',
        requestBody: json('AggregateRequest'),
        responses: {
          '200': jsonResponse('The groups and the total.', schemaRef('AggregateResult')),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      }),
    },
    [`${base}/import`]: {
      post: op('import', `Import ${plural} from a file`, {
        description:
          'Starts a background import of a CSV file or an xlsx workbook (base64 in the JSON body); every row goes through the record pipeline. Follow the job at `Location`. ' +
          'Refused with 400 IMPORT_FILE_INVALID, IMPORT_TOO_MANY_ROWS, IMPORT_TOO_MANY_COLUMNS or IMPORT_MAPPING_INVALID (`details.problems`), 413 IMPORT_FILE_TOO_LARGE.',
        requestBody: json('ImportRequest'),
        responses: {
          '202': job('The import job, queued.', { Location: { $ref: '#/components/headers/Location' } }),
          ...errorResponses(['BadRequest', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      }),
    },
    [`${base}/import/preview`]: {
      post: op('previewImport', `Read the header row of a file of ${plural}`, {
        description:
          'The body of an import (`mapping` may be empty): the file is checked as an import checks it and nothing is stored. Answers its column headers and number of rows, which an import wizard maps to fields. Refused as an import is.',
        requestBody: json('ImportRequest'),
        responses: {
          '200': jsonResponse('The headers and the row count.', {
            type: 'object',
            required: ['fileName', 'format', 'headers', 'total'],
            properties: {
              fileName: { type: 'string' },
              format: { type: 'string', enum: ['csv', 'xlsx'] },
              headers: { type: 'array', items: { type: 'string' } },
              total: { type: 'integer', minimum: 0 },
            },
          }),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      }),
    },
    [`${base}/imports/{jobId}`]: {
      parameters: [parameterRef('JobId')],
      get: op('getImport', `Follow an import of ${plural}`, {
        responses: { '200': job('The job: status, counts and refused rows.'), ...errorResponses(['NotFound']) },
      }),
    },
    [`${base}/imports/{jobId}/cancel`]: {
      parameters: [parameterRef('JobId')],
      post: op('cancelImport', `Cancel an import of ${plural}`, {
        description: 'Rows already written stay. A finished import answers 409 IMPORT_NOT_CANCELLABLE.',
        responses: { '200': job('The job, cancelled.'), ...errorResponses(['NotFound', 'Conflict']) },
      }),
    },
    [`${base}/export`]: {
      get: op('export', `Export ${plural}`, {
        description:
          'Streams the records that match as CSV or as an xlsx workbook: the columns and filter of a view (or every field), narrowed by the parameters. Cells are neutralized against formula injection.',
        parameters: [
          {
            name: 'format',
            in: 'query',
            description: 'The file format.',
            schema: { type: 'string', enum: [...EXPORT_FORMATS], default: 'csv' },
          },
          {
            name: 'lang',
            in: 'query',
            description: 'The language of headers and option labels; by default the best of `Accept-Language`, else English.',
            schema: { type: 'string', enum: [...EXPORT_LANGUAGES] },
          },
          {
            name: 'view',
            in: 'query',
            description: 'Export what this view shows (404 EXPORT_VIEW_NOT_FOUND for a view of another entity).',
            schema: context.views.length > 0 ? { type: 'string', enum: [...context.views] } : { type: 'string' },
          },
          query.filter,
          query.sort,
          parameterRef('Search'),
          query.fields,
          parameterRef('TimeZone'),
        ],
        responses: {
          '200': {
            description: 'The file, as an attachment.',
            headers: {
              'Content-Disposition': {
                description: '`attachment; filename="<entity>[-<view>]-<date>.<format>"`.',
                schema: { type: 'string' },
              },
            },
            content: { 'text/csv': { schema: { type: 'string' } }, [XLSX_MEDIA_TYPE]: {} },
          },
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
        },
      }),
    },
  };
}
