import { ITEM_KINDS, type JsonSchema } from '@metacrm/metadata';
import { object, schemaRef } from './refs.js';

const str = (description?: string): JsonSchema => ({ type: 'string', ...(description ? { description } : {}) });
const int = (description?: string): JsonSchema => ({ type: 'integer', minimum: 0, ...(description ? { description } : {}) });
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const bool: JsonSchema = { type: 'boolean' };

/** Shapes of the probes, the system status and the metadata API. */
export function platformApiSchemas(): Record<string, JsonSchema> {
  const dependency = object(
    {
      ok: bool,
      since: dateTime,
      latencyMs: { type: 'number' },
      error: str(),
      busy: { ...bool, description: 'The ping was late while the dependency answered other commands: loaded, not down (ok stays true).' },
    },
    ['since', 'latencyMs', 'error', 'busy'],
  );
  const counts = { type: 'object', additionalProperties: { type: 'integer' } };
  return {
    DependencyState: dependency,
    Readiness: object(
      {
        status: { type: 'string', enum: ['ready', 'unavailable'] },
        checks: { type: 'object', additionalProperties: schemaRef('DependencyState') },
        load: object({
          inFlight: int('API requests doing work now.'),
          queued: int('Requests waiting for a place.'),
          shed: int('Requests refused with SERVER_BUSY since start.'),
        }),
      },
      ['load'],
    ),
    SystemStatus: object({
      version: str('The platform version.'),
      role: str('What this process runs: api, worker or all.'),
      startedAt: dateTime,
      uptimeSeconds: int(),
      database: object({ ok: bool, latencyMs: { type: 'number' } }),
      redis: schemaRef('DependencyState'),
      queues: { type: 'object', description: 'Job counts per queue and state.', additionalProperties: counts },
    }),
    MetaCurrent: object({ version: int('0 before the first publish.'), bundle: schemaRef('MetaBundle') }),
    MetaDraft: object({ origin: int('The version the draft started from.'), bundle: schemaRef('MetaBundle') }),
    MetaDraftValidation: object({ valid: bool, problems: { type: 'array', items: schemaRef('Problem') } }),
    MetaPublishRequest: object(
      {
        message: { type: 'string', maxLength: 500 },
        acceptDataLoss: {
          ...bool,
          description:
            'Publish even though stored values will not convert (they are removed) or leave a removed field (they are kept aside).',
        },
        dryRun: bool,
      },
      ['message', 'acceptDataLoss', 'dryRun'],
    ),
    MetaRollbackRequest: object(
      {
        version: { type: 'integer', minimum: 1 },
        message: { type: 'string', maxLength: 500 },
        acceptDataLoss: { ...bool, description: 'As for a publish: a rollback that would take stored values stops without it.' },
        dryRun: bool,
      },
      ['message', 'acceptDataLoss', 'dryRun'],
    ),
    MetaDiff: object({
      changes: {
        type: 'array',
        items: object(
          {
            kind: { type: 'string', enum: [...ITEM_KINDS] },
            key: str(),
            change: { type: 'string', enum: ['added', 'removed', 'changed'] },
            properties: {
              type: 'array',
              items: object(
                {
                  path: str('A JSON pointer; keyed lists are named by key: /fields/amount/scale.'),
                  change: { type: 'string', enum: ['added', 'removed', 'changed'] },
                  before: {},
                  after: {},
                },
                ['before', 'after'],
              ),
            },
          },
          ['properties'],
        ),
      },
      summary: object({ added: int(), removed: int(), changed: int() }),
    }),
    MetaFieldImpact: object({
      entity: str(),
      field: str(),
      records: int('Records holding a value for the field (a publish without it keeps them aside).'),
      references: {
        type: 'object',
        description:
          "Per kind, the draft items that name the field: what the publish check would refuse once it is gone (the draft's existing problems left out).",
        properties: Object.fromEntries(
          ITEM_KINDS.map((kind) => [
            kind,
            {
              type: 'array',
              items: object({
                kind: str(),
                key: str(),
                pointer: str('Key-named JSON pointer into the draft bundle.'),
                code: str(),
                message: str(),
              }),
            },
          ]),
        ),
        required: [...ITEM_KINDS],
      },
    }),
    MetaViewPlan: object({
      index: {
        description: "The index the view's list query uses; null when none can (a query on no indexable field).",
        anyOf: [
          object({
            name: str("`view_` and a hash of the key for an index derived from views; the declared index's key otherwise."),
            fields: { type: 'array', items: object({ field: str(), direction: { type: 'string', enum: ['asc', 'desc'] } }) },
            source: { type: 'string', enum: ['view', 'declared'] },
            views: { type: 'array', items: str(), description: 'The views this index serves, this one included.' },
          }),
          { type: 'null' },
        ],
      },
      exists: { ...bool, description: 'The published version has this index; false: publishing creates it.' },
      usable: { ...bool, description: 'The index serves every condition of the filter and the whole sort.' },
      reasons: {
        type: 'array',
        items: object(
          {
            code: {
              type: 'string',
              enum: ['FILTER_BRANCH', 'FILTER_OPERATOR', 'SECOND_LIST_FIELD', 'INDEX_TOO_WIDE', 'SORT_NOT_SERVED', 'TOO_MANY_INDEXES'],
            },
            pointer: str('Into the view: /filter/and/1, /sort/0, or empty for the view as a whole.'),
            field: str(),
            op: str(),
          },
          ['field', 'op'],
        ),
      },
    }),
    MetaMigration: {
      type: 'object',
      required: ['type', 'entity', 'preview'],
      description:
        'A data migration a publish (or rollback) implies (create_entity, create_unique_index, create_view_index, unset_field, restore_field, backfill_default, convert_field, ...) with its preview against the stored records. Each record it changes gets a history entry (op `migrate`, with `metadataVersion`).',
      properties: {
        type: str(),
        entity: str(),
        field: str(),
        index: {
          description:
            'create_index: the declared index; create_view_index: `{name, fields, views}`, the index views need; drop_index, drop_view_index: its name.',
        },
        preview: object(
          {
            records: int(),
            unconvertible: { type: 'object' },
            duplicates: { type: 'array' },
            blocking: bool,
            keptAside: {
              ...bool,
              description:
                'unset_field: the values leave the records but are kept aside; adding the field back (restore_field) brings them back.',
            },
          },
          ['unconvertible', 'duplicates', 'keptAside'],
        ),
      },
    },
    MetaPublishResult: object({
      version: int('The version published (or that would be, on a dry run).'),
      previousVersion: int(),
      applied: { ...bool, description: 'False on a dry run.' },
      diff: schemaRef('MetaDiff'),
      migrations: { type: 'array', items: schemaRef('MetaMigration') },
      warnings: {
        type: 'array',
        description:
          "What publishes but deserves a second look: REVEALS_HIDDEN_FIELD, a role granting `read: true` explicitly on a formula or roll-up computed from a field the role may not read (the grant shows that field's value anyway).",
        items: object({ pointer: str(), code: str(), message: str(), params: { type: 'object' } }, ['params']),
      },
    }),
    MetaVersion: object(
      {
        version: { type: 'integer', minimum: 1, description: 'The version number (as publish and rollback name it).' },
        checksum: str('SHA-256 of the canonical bundle.'),
        createdAt: dateTime,
        createdBy: schemaRef('Actor'),
        message: { type: ['string', 'null'] },
        summary: object({ added: int(), removed: int(), changed: int() }),
        migrations: { type: 'array', items: schemaRef('MetaMigration') },
        rollbackOf: { type: ['integer', 'null'], description: 'The version this one rolled back to.' },
      },
      [],
    ),
    MetaImportReport: object({
      dryRun: bool,
      onConflict: { type: 'string', enum: ['skip', 'overwrite'] },
      items: {
        type: 'array',
        items: object({
          kind: { type: 'string', enum: [...ITEM_KINDS] },
          key: str(),
          status: { type: 'string', enum: ['new', 'identical', 'conflict'] },
          action: { type: 'string', enum: ['added', 'unchanged', 'skipped', 'overwritten'] },
        }),
      },
      summary: object({ new: int(), identical: int(), conflict: int() }),
      seed: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Seed records in the package, per entity.' },
    }),
    MetaApplyReport: {
      allOf: [schemaRef('MetaImportReport')],
      type: 'object',
      required: ['publish', 'seedLoad'],
      description: 'The import, the publish that made the package current, and the load of its records.',
      properties: {
        publish: {
          anyOf: [schemaRef('MetaPublishResult'), { type: 'null' }],
          description: 'Null when the draft already equalled the current version (nothing to publish).',
        },
        seedLoad: { anyOf: [schemaRef('MetaSeedLoad'), { type: 'null' }], description: 'Null when the package has no records.' },
      },
    },
    MetaSeedLoad: seedLoadSchema(),
  };
}

/** A seed load: the records of an applied app package, loaded in the worker. */
function seedLoadSchema(): JsonSchema {
  const counts = object({
    total: int(),
    loaded: int('Created.'),
    updated: int('Loaded before and changed in the package since.'),
    skipped: int('Loaded before and unchanged, or deleted since.'),
    failed: int('Not written; see errors.'),
    dropped: { type: 'array', items: str(), description: 'Keys of its records that are computed or system fields, left out.' },
  });
  const error = object({
    entity: str(),
    sourceId: str('The record id in the package.'),
    pointer: str('A JSON pointer into the package record.'),
    code: str(),
    message: str(),
  });
  return object(
    {
      id: str(),
      package: object({ name: str(), version: str() }),
      status: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] },
      dryRun: bool,
      metadataVersion: int('The metadata version the records are checked against.'),
      order: { type: 'array', items: str(), description: 'Entities in load order: lookup targets first.' },
      entities: { type: 'object', additionalProperties: counts, description: 'Counts per entity (in a dry run, what would happen).' },
      total: int(),
      processed: int('Records handled by the first pass.'),
      linked: int('Records whose lookups inside a cycle of entities the second pass has set.'),
      progress: { type: 'number', minimum: 0, maximum: 1 },
      errorCount: int('Every error; `errors` keeps the first 1,000.'),
      errors: { type: 'array', items: error },
      createdBy: schemaRef('Actor'),
      createdAt: dateTime,
      startedAt: { anyOf: [dateTime, { type: 'null' }] },
      finishedAt: { anyOf: [dateTime, { type: 'null' }] },
      failure: { anyOf: [object({ code: str(), message: str() }), { type: 'null' }], description: 'Why a failed load failed.' },
      attempts: int(),
    },
    [],
    { description: "The load of an app package's records: status, counts per entity, and errors naming the package record and field." },
  );
}
