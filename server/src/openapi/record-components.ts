import type { JsonSchema } from '@metacrm/metadata';
import { BULK_LIMIT } from '../records/bulk.js';
import { CSV_ENCODINGS, IMPORT_FORMATS, IMPORT_LIMITS } from '../records/import/import-sheet.js';
import { AGGREGATE_LIMITS, DATE_BUCKETS, MEASURE_FNS } from '../records/record-aggregate-request.js';
import { object, RECORD_ID_PATTERN, schemaRef } from './refs.js';

const str = (description?: string): JsonSchema => ({ type: 'string', ...(description ? { description } : {}) });
const int = (description?: string): JsonSchema => ({ type: 'integer', minimum: 0, ...(description ? { description } : {}) });
const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema.type, 'null'] });
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
/** A field value in API form. */
const anyValue: JsonSchema = { description: 'A value in API form (decimals as strings, dates as YYYY-MM-DD), or null.' };
const i18n: JsonSchema = { type: 'object', properties: { 'zh-CN': str(), en: str() }, description: 'Text in both languages.' };

/** Path parameter of a record id. */
export const RECORD_ID_SCHEMA: JsonSchema = { type: 'string', pattern: RECORD_ID_PATTERN };

/**
 * Shapes the records API answers besides the records themselves: history, lookup
 * expansions, bulk results, aggregates and import jobs. Limits come from the modules
 * that enforce them.
 */
export function recordApiSchemas(): Record<string, JsonSchema> {
  return {
    Actor: object({ kind: { type: 'string', enum: ['user', 'token', 'system'] }, id: str(), name: str() }, [], {
      description: 'Who acted.',
    }),
    HistoryEntry: object(
      {
        version: { type: 'integer', minimum: 1 },
        op: {
          type: 'string',
          enum: ['create', 'update', 'delete', 'restore', 'purge', 'migrate'],
          description: '`migrate`: a publish or rollback changed the stored value (`metadataVersion` says which).',
        },
        at: dateTime,
        actor: schemaRef('Actor'),
        field: str(),
        from: anyValue,
        to: anyValue,
        metadataVersion: {
          type: 'integer',
          minimum: 1,
          description: 'The metadata version whose publish made this change (op `migrate` only).',
        },
      },
      ['metadataVersion'],
      { description: 'One field changed by one write.' },
    ),
    RecordHistory: object({ entries: { type: 'array', items: schemaRef('HistoryEntry'), description: 'Newest first, at most 1,000.' } }),
    Expanded: object({ id: { type: 'string', pattern: RECORD_ID_PATTERN }, display: anyValue }, [], {
      description: 'A related record as `expand=` shows it: its id and display value.',
    }),
    ...shareSchemas(),
    ...bulkSchemas(),
    ...aggregateSchemas(),
    ...importSchemas(),
  };
}

/** A record shared with a user or department beyond what their roles' scope allows. */
function shareSchemas(): Record<string, JsonSchema> {
  const principal = object(
    { type: { type: 'string', enum: ['user', 'department'] }, id: { type: 'string', pattern: RECORD_ID_PATTERN } },
    [],
    { additionalProperties: false },
  );
  const access = { type: 'string', enum: ['read', 'write'] };
  return {
    Share: object({
      id: { type: 'string' },
      principal,
      access,
      until: { type: ['string', 'null'], format: 'date-time', description: 'When it ends; null: until removed.' },
      createdBy: object({ kind: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } }),
      createdAt: { type: 'string', format: 'date-time' },
    }),
    ShareInput: object(
      {
        principal,
        access: { ...access, default: 'read' },
        until: {
          type: ['string', 'null'],
          description: 'A date (shared through the end of that day, UTC) or a date-time, in the future; null or absent: until removed.',
        },
      },
      ['access', 'until'],
      { additionalProperties: false },
    ),
    ShareList: object({ shares: { type: 'array', items: schemaRef('Share') } }),
  };
}

function bulkSchemas(): Record<string, JsonSchema> {
  const version = { type: 'integer', minimum: 1, description: 'The version you edited: a record changed since fails this item with 409.' };
  return {
    BulkRequest: object(
      {
        operations: {
          type: 'array',
          minItems: 1,
          maxItems: BULK_LIMIT,
          items: {
            oneOf: [
              object({
                op: { const: 'create' },
                data: { type: 'object', description: "The new record, as the entity's `<Entity>Input`." },
              }),
              object(
                {
                  op: { const: 'update' },
                  id: RECORD_ID_SCHEMA,
                  data: { type: 'object', description: "The changes, as the entity's `<Entity>Patch`." },
                  _version: version,
                },
                ['_version'],
              ),
              object({ op: { const: 'delete' }, id: RECORD_ID_SCHEMA, _version: version }, ['_version']),
              object({
                op: { const: 'change_owner' },
                id: RECORD_ID_SCHEMA,
                ownerId: { type: 'string', description: "The new owner: an active user's id." },
              }),
            ],
          },
        },
        form: {
          type: ['string', 'null'],
          description:
            "The form every create and update is checked against instead of the entity's default form (404 FORM_NOT_FOUND for one it does not have).",
        },
      },
      ['form'],
    ),
    BulkResult: object({
      results: {
        type: 'array',
        items: object(
          {
            index: int("The operation's position in the request."),
            status: {
              type: 'integer',
              description: 'The HTTP status the operation alone would have had: 201, 200, 204, or an error status.',
            },
            record: { type: 'object', description: 'The record written (creates and updates).' },
            error: object({ code: schemaRef('ErrorCode'), message: str(), details: {} }, ['details'], {
              description: 'Why the operation failed; nothing of it was written.',
            }),
          },
          ['record', 'error'],
        ),
      },
      summary: object({ succeeded: int(), failed: int() }),
    }),
  };
}

function aggregateSchemas(): Record<string, JsonSchema> {
  const values: JsonSchema = {
    type: 'array',
    items: { type: ['string', 'number', 'null'] },
    description:
      'One value per measure, in order: counts and whole-number sums as numbers, decimals as exact strings, minimum and maximum dates as ISO strings.',
  };
  return {
    AggregateRequest: object(
      {
        filter: { ...schemaRef('Filter'), description: 'Only records that match.' },
        groupBy: {
          type: 'array',
          maxItems: AGGREGATE_LIMITS.groupBy,
          description: 'Up to two group keys: groupable fields (selects, lookups, users, booleans, dates); none for one total.',
          items: object(
            {
              field: str('A field or a system field.'),
              bucket: { type: 'string', enum: [...DATE_BUCKETS], default: 'day', description: 'For date and date-time fields only.' },
            },
            ['bucket'],
            { additionalProperties: false },
          ),
        },
        measures: {
          type: 'array',
          minItems: 1,
          maxItems: AGGREGATE_LIMITS.measures,
          description: 'What to compute per group; `values` answer in the same order.',
          items: object(
            {
              fn: { type: 'string', enum: [...MEASURE_FNS] },
              field: str('The field summarized: numeric for sum and avg, numeric or date for min and max; none for a count of records.'),
            },
            ['field'],
            { additionalProperties: false },
          ),
        },
        sort: object(
          {
            by: { type: 'string', enum: ['group', 'measure'] },
            index: { type: 'integer', minimum: 0, default: 0, description: 'Which group key or measure.' },
            direction: { type: 'string', enum: ['asc', 'desc'] },
          },
          ['index'],
          { additionalProperties: false, description: 'The order of the groups; by the first group key ascending by default.' },
        ),
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: AGGREGATE_LIMITS.maxLimit,
          default: AGGREGATE_LIMITS.defaultLimit,
          description: 'At most this many groups; `truncated` says when there were more.',
        },
        timeZone: {
          type: 'string',
          maxLength: AGGREGATE_LIMITS.timeZoneLength,
          default: 'UTC',
          description: 'IANA time zone for date-time buckets and relative dates, such as Asia/Shanghai.',
        },
      },
      ['filter', 'groupBy', 'sort', 'limit', 'timeZone'],
      { additionalProperties: false, description: 'A grouped aggregate over the live records that match a filter.' },
    ),
    AggregateValues: values,
    AggregateKey: object(
      {
        value: {
          type: ['string', 'boolean', 'null'],
          description: "The group's value: an option key, a record id, a bucket start, ... (null: no value).",
        },
        label: i18n,
        color: str(),
      },
      ['label', 'color'],
      { description: "One group key with what a chart shows for it: the option label and color, or the related record's display value." },
    ),
    AggregateResult: object({
      groups: {
        type: 'array',
        items: object({ keys: { type: 'array', items: schemaRef('AggregateKey') }, values: schemaRef('AggregateValues') }),
      },
      total: object({ values: schemaRef('AggregateValues') }, [], { description: 'The measures over all matching records.' }),
      truncated: { type: 'boolean', description: 'More groups matched than `limit`.' },
    }),
  };
}

function importSchemas(): Record<string, JsonSchema> {
  const mb = IMPORT_LIMITS.fileBytes / 1024 / 1024;
  return {
    ImportRequest: object(
      {
        file: object({
          name: { type: 'string', minLength: 1, maxLength: 255 },
          contentBase64: {
            type: 'string',
            contentEncoding: 'base64',
            description: `The file, base64-encoded: at most ${mb} MB, ${IMPORT_LIMITS.rows} rows, ${IMPORT_LIMITS.columns} columns.`,
          },
        }),
        format: { type: 'string', enum: [...IMPORT_FORMATS], description: "By default from the file name's extension." },
        encoding: { type: 'string', enum: [...CSV_ENCODINGS], description: 'Of a CSV file.' },
        sheet: { type: 'string', maxLength: 31, description: 'The worksheet of an xlsx file; the first by default.' },
        mapping: {
          type: 'object',
          additionalProperties: { type: ['string', 'null'] },
          description: 'Column header → field key; null (or leaving a column out) ignores it.',
        },
        dryRun: { type: 'boolean', default: false, description: 'Check every row, write nothing.' },
        upsertOn: {
          type: ['string', 'null'],
          description:
            'A unique field: rows whose value matches a record (as its unique index compares: text without case and surrounding spaces) update it instead of creating one.',
        },
        form: { type: ['string', 'null'], description: "The form every row is checked against instead of the entity's default form." },
      },
      ['format', 'encoding', 'sheet', 'dryRun', 'upsertOn', 'form'],
      { description: 'An import: the file, and which column fills which field.' },
    ),
    ImportRowError: object(
      {
        row: { type: 'integer', minimum: 1, description: 'The sheet row (the header is row 1).' },
        column: str(),
        field: str(),
        code: str(),
        message: str(),
      },
      ['column', 'field'],
    ),
    ImportJob: object(
      {
        id: str('The job id.'),
        entity: str(),
        status: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
        dryRun: { type: 'boolean' },
        format: { type: 'string', enum: [...IMPORT_FORMATS] },
        fileName: str(),
        form: { type: ['string', 'null'], description: "The form rows are checked against; null: the entity's default form." },
        total: int('Data rows in the file.'),
        processed: int(),
        created: int(),
        updated: int(),
        failed: int('Rows refused.'),
        errorCount: int('Every refused row; `errors` keeps the first 1,000.'),
        errors: { type: 'array', items: schemaRef('ImportRowError') },
        progress: { type: 'number', minimum: 0, maximum: 1 },
        createdBy: schemaRef('Actor'),
        createdAt: dateTime,
        startedAt: nullable(dateTime),
        finishedAt: nullable(dateTime),
        failure: { anyOf: [object({ code: str(), message: str() }), { type: 'null' }], description: 'Why a failed import failed.' },
      },
      [
        'entity',
        'dryRun',
        'format',
        'fileName',
        'form',
        'errorCount',
        'progress',
        'createdBy',
        'createdAt',
        'startedAt',
        'finishedAt',
        'failure',
      ],
      { description: 'An import running in the background: its status, counts and refused rows.' },
    ),
  };
}
