import { ITEM_KINDS, ITEM_NOUNS, type ItemKind, type JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { META_ITEM_COMPONENTS } from './meta-components.js';
import { jsonContent, jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

const tags = ['metadata'];
const KEY_PARAM = { name: 'key', in: 'path', required: true, description: 'The item key.', schema: schemaRef('MetaKey') };
const DRY_RUN = {
  name: 'dryRun',
  in: 'query',
  description: 'Only say what would happen: the version, diff and migration preview.',
  schema: { type: 'boolean', default: false },
};
const REVISION_HEADERS = {
  ETag: { description: 'The draft revision, quoted (`"3"`); send it back as `If-Match`.', schema: { type: 'string' } },
};
const IF_MATCH = {
  name: 'If-Match',
  in: 'header',
  description: 'The revision you edited (`"3"`): a draft item changed since answers 409 METADATA_CONFLICT.',
  schema: { type: 'string' },
};
const versionParam = (name: string, description: string, minimum: number) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'integer', minimum },
});

const i18n: JsonSchema = object({ 'zh-CN': { type: 'string' }, en: { type: 'string' } });
const paletteEntry = {
  type: { type: 'string' },
  label: i18n,
  description: { anyOf: [i18n, { type: 'null' }] },
  group: { type: 'string', description: "`records`, `flow`, `people`, `outside`, `time`, `manual`, `other`, or a plugin's own." },
  icon: { type: 'string' },
  configSchema: { type: 'object', description: 'JSON Schema of the settings.' },
} satisfies Record<string, JsonSchema>;
const WORKFLOW_PALETTE: JsonSchema = object({
  steps: {
    type: 'array',
    items: object({
      ...paletteEntry,
      external: { type: 'boolean' },
      sideEffect: { type: 'boolean' },
      control: { enum: ['parallel', 'join', 'loop', null] },
      placeable: { type: 'boolean' },
    }),
  },
  triggers: { type: 'array', items: object(paletteEntry) },
});

/** The whole /api/meta family: current version, draft items of every kind, publish, versions, diff, rollback, packages. */
export function metaPaths(): Record<string, OpenApiObject> {
  const op = (operationId: string, summary: string, rest: OpenApiObject): OpenApiObject => ({
    tags,
    operationId: `meta.${operationId}`,
    summary,
    ...rest,
  });
  const paths: Record<string, OpenApiObject> = {
    '/api/meta': {
      get: op('current', 'The current version and its bundle', {
        responses: {
          '200': jsonResponse('The published metadata.', schemaRef('MetaCurrent'), {
            ETag: { description: '`"v<version>"`.', schema: { type: 'string' } },
          }),
          ...errorResponses([]),
        },
      }),
    },
    '/api/meta/draft': {
      get: op('draft', 'The draft bundle', {
        responses: { '200': jsonResponse('The draft and the version it started from.', schemaRef('MetaDraft')), ...errorResponses([]) },
      }),
    },
    '/api/meta/draft/validate': {
      post: op('validateDraft', 'Every problem that would stop a publish', {
        responses: {
          '200': jsonResponse('Valid, or the problems, each with a JSON pointer into the bundle.', schemaRef('MetaDraftValidation')),
          ...errorResponses([]),
        },
      }),
    },
    '/api/meta/impact': {
      get: op('fieldImpact', 'What deleting a field would touch', {
        description:
          'The records holding a value for the field, and the draft items (forms, views, rules, roles, workflows, other fields, navigation, dashboards) that name it: exactly what a publish without the field would refuse.',
        parameters: [
          { name: 'entity', in: 'query', required: true, description: 'The draft entity.', schema: schemaRef('MetaKey') },
          { name: 'field', in: 'query', required: true, description: 'One of its fields.', schema: schemaRef('MetaKey') },
        ],
        responses: { '200': jsonResponse('The impact.', schemaRef('MetaFieldImpact')), ...errorResponses(['BadRequest', 'NotFound']) },
      }),
    },
    '/api/meta/views/plan': {
      post: op('viewPlan', 'The index a view would get', {
        description:
          'For a view being designed (not saved yet), checked against the draft: the index its list query will use (one publish creates from the views, or one the entity declares), whether the published version has it already, and every part of the filter or sort that index cannot serve (an `or` / `not`, an operator that selects too much, a second list field, a sort key left out), or that the entity would need more indexes than MongoDB allows. Computed by the code publish creates view indexes with.',
        requestBody: { required: true, content: jsonContent(object({ view: schemaRef('MetaView') })) },
        responses: {
          '200': jsonResponse('The plan.', schemaRef('MetaViewPlan')),
          ...errorResponses(['BadRequest', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
        },
      }),
    },
    '/api/meta/spreadsheet/preview': {
      post: op('spreadsheetPreview', 'Propose an entity from a spreadsheet', {
        description:
          'The body of an import (`mapping` may be left out): a CSV or XLSX file read as an import reads it, nothing stored. Answers its headers, its first rows as text, and a proposed field type per column (from at most 1,000 rows): integer, decimal (with `scale`), date, datetime, email, url, phone, boolean, single_select (with `options`, from repeated values), lookup (with `target`, when every value is the display value of a record of that published entity), long_text or text.',
        requestBody: { required: true, content: jsonContent(schemaRef('ImportRequest')) },
        responses: {
          '200': jsonResponse(
            'The headers, sample rows and proposed types.',
            object({
              fileName: { type: 'string' },
              format: { type: 'string', enum: ['csv', 'xlsx'] },
              headers: { type: 'array', items: { type: 'string' } },
              sampled: { type: 'integer', minimum: 0 },
              truncated: { type: 'boolean' },
              columns: {
                type: 'array',
                items: object(
                  {
                    index: { type: 'integer' },
                    header: { type: 'string' },
                    type: { type: 'string' },
                    samples: { type: 'array', items: { type: 'string' } },
                    empty: { type: 'integer' },
                    scale: { type: 'integer' },
                    options: { type: 'array', items: { type: 'string' } },
                    target: { type: 'string' },
                  },
                  ['scale', 'options', 'target'],
                ),
              },
              rows: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
            }),
          ),
          ...errorResponses(['BadRequest', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      }),
    },
    '/api/meta/workflow-palette': {
      get: op('workflowPalette', 'The step and trigger types the workflow designer offers', {
        description:
          "Every registered workflow step type and trigger, plugins' included: its settings schema (the one publish checks `config` against; also `WorkflowStepConfig_<type>`), names in both languages, palette group and icon; for steps, whether they reach outside the platform (`external`), change something (`sideEffect`), are run by the executor (`control`), and are offered on their own (`placeable`: a `join` comes with its `parallel`).",
        responses: { '200': jsonResponse('The palette.', WORKFLOW_PALETTE), ...errorResponses([]) },
      }),
    },
    '/api/meta/publish': {
      post: op('publish', 'Publish the draft', {
        description:
          'Validates the whole draft, computes the diff and the data migrations it implies, previews them against the stored records, applies them and switches to version N+1 atomically.',
        parameters: [DRY_RUN],
        requestBody: { required: false, content: jsonContent(schemaRef('MetaPublishRequest')) },
        responses: {
          '200': jsonResponse('The version published (or, on a dry run, what would be).', schemaRef('MetaPublishResult')),
          ...errorResponses(['BadRequest', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
        },
      }),
    },
    '/api/meta/rollback': {
      post: op('rollback', 'Publish an earlier version again', {
        description: 'Publishes that version as a new one (with the same migration preview) and resets the draft to it.',
        parameters: [DRY_RUN],
        requestBody: { required: true, content: jsonContent(schemaRef('MetaRollbackRequest')) },
        responses: {
          '200': jsonResponse('The new version.', schemaRef('MetaPublishResult')),
          ...errorResponses(['BadRequest', 'NotFound', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
        },
      }),
    },
    '/api/meta/versions': {
      get: op('versions', 'Version history', {
        responses: {
          '200': jsonResponse('Newest first.', object({ versions: { type: 'array', items: schemaRef('MetaVersion') } })),
          ...errorResponses([]),
        },
      }),
    },
    '/api/meta/versions/{version}': {
      parameters: [versionParam('version', 'A published version.', 1)],
      get: op('version', 'One version', {
        responses: {
          '200': jsonResponse('The version with its bundle, diff summary and migrations.', {
            allOf: [schemaRef('MetaVersion')],
            properties: { bundle: schemaRef('MetaBundle') },
            required: ['bundle'],
          }),
          ...errorResponses(['BadRequest', 'NotFound']),
        },
      }),
    },
    '/api/meta/versions/{a}/diff/{b}': {
      parameters: [
        versionParam('a', 'From this version (0: the empty bundle).', 0),
        versionParam('b', 'To this version (0: the empty bundle).', 0),
      ],
      get: op('diff', 'Diff two versions', {
        responses: {
          '200': jsonResponse('What b adds, removes and changes.', schemaRef('MetaDiff')),
          ...errorResponses(['BadRequest', 'NotFound']),
        },
      }),
    },
    '/api/meta/export': {
      get: op('export', 'Export as an app package', {
        parameters: [
          { name: 'records', in: 'query', description: 'Include the records as seed data.', schema: { type: 'boolean', default: false } },
          {
            name: 'name',
            in: 'query',
            description: 'The package name (default `workspace`); one that is not a key answers 400 naming `/query/name`.',
            schema: schemaRef('MetaKey'),
          },
        ],
        responses: {
          '200': jsonResponse('The package, as an attachment.', schemaRef('MetaAppPackage'), {
            'Content-Disposition': { description: '`attachment; filename="<name>-<version>.json"`.', schema: { type: 'string' } },
          }),
          ...errorResponses(['BadRequest']),
        },
      }),
    },
    '/api/meta/import': {
      post: op('import', 'Import an app package into the draft (and apply it)', {
        description:
          'Imports the metadata into the draft. With `apply=true` it then publishes the draft (validated, with the migration preview; a failed publish loads nothing) and loads the seed records in the worker through the record pipeline: 202 with the seed load to follow. With `dryRun=true` nothing changes: the answer says what would be imported and published, and a dry-run seed load checks every record.',
        parameters: [
          { ...DRY_RUN, description: 'Only report what would be added, skipped or overwritten (with apply: published and loaded).' },
          {
            name: 'onConflict',
            in: 'query',
            description: 'What to do with draft items that differ from the package.',
            schema: { type: 'string', enum: ['skip', 'overwrite'], default: 'skip' },
          },
          {
            name: 'apply',
            in: 'query',
            description: 'Also publish, then load the seed records.',
            schema: { type: 'boolean', default: false },
          },
        ],
        requestBody: { required: true, content: jsonContent(schemaRef('MetaAppPackage')) },
        responses: {
          '200': jsonResponse('What was (or would be) done with each item; with apply and no records, also the publish.', {
            anyOf: [schemaRef('MetaImportReport'), schemaRef('MetaApplyReport')],
          }),
          '202': jsonResponse('Applied: the report, the publish, and the seed load now queued.', schemaRef('MetaApplyReport'), {
            Location: { description: 'The seed load: `/api/meta/seed-loads/{id}`.', schema: { type: 'string' } },
          }),
          ...errorResponses(['BadRequest', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
        },
      }),
    },
    '/api/meta/seed-loads/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, description: 'The seed load id.', schema: { type: 'string' } }],
      get: op('seedLoad', "Follow the load of a package's records", {
        responses: {
          '200': jsonResponse('Status, progress, counts per entity and errors.', schemaRef('MetaSeedLoad')),
          ...errorResponses(['NotFound']),
        },
      }),
    },
  };
  for (const kind of ITEM_KINDS) paths[`/api/meta/draft/${kind}/{key}`] = draftItemPath(kind, op);
  return paths;
}

/** One kind's draft items: `/api/meta/draft/entities/{key}` and so on, with the kind's own schema. */
function draftItemPath(kind: ItemKind, op: (id: string, summary: string, rest: OpenApiObject) => OpenApiObject): OpenApiObject {
  const item = schemaRef(META_ITEM_COMPONENTS[kind]);
  const one = ITEM_NOUNS[kind];
  const answer: JsonSchema = object({
    kind: { const: kind },
    key: { type: 'string' },
    rev: { type: 'integer', minimum: 1 },
    item,
    updatedAt: { type: 'string', format: 'date-time' },
    updatedBy: schemaRef('Actor'),
  });
  return {
    parameters: [KEY_PARAM],
    get: op(`${kind}.getDraft`, `A draft ${one}`, {
      responses: {
        '200': jsonResponse(`The draft ${one} with its revision.`, answer, REVISION_HEADERS),
        ...errorResponses(['BadRequest', 'NotFound']),
      },
    }),
    put: op(`${kind}.putDraft`, `Create or replace a draft ${one}`, {
      description:
        'Checked against the meta-schema on every save. `key` may be left out of the body: the URL gives it (and a different one is refused).',
      parameters: [IF_MATCH],
      requestBody: { required: true, content: jsonContent(item) },
      responses: {
        '200': jsonResponse(`The saved ${one}.`, answer, REVISION_HEADERS),
        ...errorResponses(['BadRequest', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable']),
      },
    }),
    delete: op(`${kind}.deleteDraft`, `Remove a draft ${one}`, {
      parameters: [IF_MATCH],
      responses: { '204': { description: 'Removed from the draft.' }, ...errorResponses(['BadRequest', 'NotFound', 'Conflict']) },
    }),
  };
}
