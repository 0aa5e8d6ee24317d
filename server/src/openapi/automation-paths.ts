import type { BundleRegistries, JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { jsonContent, jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tags of the workflow routes that face outside: inbound webhooks and notifications. */
export const AUTOMATION_TAGS: OpenApiObject[] = [
  {
    name: 'workflows',
    description:
      'Workflows switched on and off without a publish, their runs (the failed list is the dead-letter list), retries, manual starts and dry runs; the settings of each step type.',
  },
  { name: 'webhooks', description: 'Inbound webhooks that start workflow runs, and their secrets.' },
  { name: 'notifications', description: "The current user's in-app notifications." },
];

const text: JsonSchema = { anyOf: [{ type: 'string' }, object({ 'zh-CN': { type: 'string' }, en: { type: 'string' } })] };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };

/** The component name of a workflow step type's settings (`config`). */
export const stepConfigName = (type: string): string => `WorkflowStepConfig_${type}`;

/**
 * Each workflow step type's settings schema (its configSchema, which publish checks a
 * step's `config` against), plugins' steps included.
 */
function stepConfigSchemas(registries: BundleRegistries): Record<string, JsonSchema> {
  return Object.fromEntries(
    registries.actions
      .entries()
      .map(([type, action]) => [
        stepConfigName(type),
        { description: `The \`config\` of a \`${type}\` step, checked at publish.`, ...action.configSchema },
      ]),
  );
}

/** Shapes of the webhook, notification and dry-run answers, and the step settings. */
export function automationSchemas(registries: BundleRegistries): Record<string, JsonSchema> {
  return {
    ...stepConfigSchemas(registries),
    WorkflowDryRunRequest: object(
      {
        record: {
          type: ['object', 'null'],
          description:
            "The sample trigger record; the API's system fields are filled in as for a record the caller just created, its own values win.",
        },
        old: { type: ['object', 'null'], description: 'Its values before the change (updates).' },
        input: { description: "A manual trigger's form, or a webhook's payload." },
        skipCondition: { type: 'boolean', default: false, description: "Run the steps even when the workflow's condition is false." },
      },
      ['record', 'old', 'input', 'skipCondition'],
    ),
    WorkflowDryRun: object({
      status: {
        type: 'string',
        enum: ['skipped', 'completed', 'waiting', 'failed'],
        description: '`skipped`: the condition is false (or could not be evaluated: `failure`), and no step ran.',
      },
      condition: {
        type: ['boolean', 'null'],
        description: "The condition's value; null when the workflow has none or the caller skipped it.",
      },
      failure: {
        anyOf: [object({ step: { type: ['string', 'null'] }, code: { type: 'string' }, message: { type: 'string' } }), { type: 'null' }],
      },
      steps: {
        type: 'array',
        items: object(
          {
            step: { type: 'string' },
            type: { type: 'string' },
            status: { type: 'string' },
            output: {
              description:
                'A step without side effects: its output. One with: `{dryRun: true, wouldRun, external, plan}` (`external`: the step reaches outside the platform), the plan the real step would act on (the record write, the request, the message, the approvers), read from its settings by the same code.',
            },
            error: { description: '`{code, message, problems?}` when the step would fail.' },
          },
          ['output', 'error'],
        ),
      },
      vars: { type: 'object' },
    }),
    WebhookSecret: object({
      workflow: { type: 'string' },
      secret: { type: 'string', description: 'Shown only in this answer; the platform keeps a hash.' },
      path: { type: 'string', description: 'The path to POST payloads to: `/api/hooks/<workflow>.<secret>`.' },
      createdAt: dateTime,
    }),
    WebhookRun: object({
      runId: { type: ['string', 'null'], description: 'The run started, or null when the workflow condition refused the payload.' },
      status: { type: 'string', enum: ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped'] },
      replayed: { type: 'boolean', description: 'True when an earlier call with this Idempotency-Key started the run.' },
    }),
    Notification: object({
      id: { type: 'string' },
      title: text,
      body: { anyOf: [text, { type: 'null' }] },
      link: { anyOf: [object({ entity: { type: 'string' }, id: { type: 'string' } }), { type: 'null' }] },
      readAt: { anyOf: [dateTime, { type: 'null' }] },
      createdAt: dateTime,
    }),
    NotificationList: object({
      notifications: { type: 'array', items: schemaRef('Notification') },
      unread: { type: 'integer', minimum: 0 },
    }),
  };
}

/** POST /api/hooks/{key}, the webhook-secret route and the notifications routes. */
export function automationPaths(): Record<string, OpenApiObject> {
  return {
    '/api/hooks/{key}': {
      post: {
        tags: ['webhooks'],
        operationId: 'webhooks.call',
        security: [],
        summary: 'Start a run of a webhook workflow',
        description:
          "Authenticated by the secret in the path alone. The JSON body must satisfy the workflow's payload schema; it becomes the run's `input`.",
        parameters: [
          { name: 'key', in: 'path', required: true, description: '`<workflow>.<secret>`.', schema: { type: 'string' } },
          {
            name: 'Idempotency-Key',
            in: 'header',
            description: 'One run per workflow and key: a repeated call answers the first run.',
            schema: { type: 'string', pattern: '^[!-~]{1,200}$' },
          },
        ],
        requestBody: { required: true, content: jsonContent({ description: "Any JSON the workflow's schema accepts." }) },
        responses: {
          '200': jsonResponse('The workflow condition refused the payload; no run.', schemaRef('WebhookRun')),
          '202': jsonResponse('The run, queued (or the one this Idempotency-Key started).', schemaRef('WebhookRun')),
          ...errorResponses(['BadRequest', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType', 'TooManyRequests']),
        },
      },
    },
    '/api/workflows/{key}/webhook-secret': {
      post: {
        tags: ['webhooks'],
        operationId: 'webhooks.issueSecret',
        summary: 'Issue or rotate the secret of a webhook workflow',
        description: 'The previous secret stops working at once. This answer is the only one that shows the secret.',
        parameters: [{ name: 'key', in: 'path', required: true, description: 'The workflow key.', schema: { type: 'string' } }],
        responses: {
          '201': jsonResponse('The new secret and the path to call.', schemaRef('WebhookSecret')),
          ...errorResponses(['Forbidden', 'NotFound']),
        },
      },
    },
    '/api/workflows/{key}/dry-run': {
      post: {
        tags: ['workflows'],
        operationId: 'workflows.dryRun',
        summary: 'Dry-run a workflow over a sample record',
        description:
          'Checks the condition as the trigger matcher does, then runs the steps: nothing is written, nothing is sent, delays do not wait. Step settings: the `WorkflowStepConfig_<type>` schemas.',
        parameters: [
          { name: 'key', in: 'path', required: true, description: 'The workflow key.', schema: { type: 'string' } },
          {
            name: 'draft',
            in: 'query',
            description:
              "Run the draft's workflow over the draft's metadata (the designer, before a publish) instead of the published one.",
            schema: { type: 'boolean', default: false },
          },
        ],
        requestBody: { required: false, content: jsonContent(schemaRef('WorkflowDryRunRequest')) },
        responses: {
          '200': jsonResponse('What would happen.', schemaRef('WorkflowDryRun')),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
        },
      },
    },
    '/api/notifications': {
      get: {
        tags: ['notifications'],
        operationId: 'notifications.list',
        summary: "The current user's notifications, newest first",
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          { name: 'unread', in: 'query', description: 'Only unread ones.', schema: { type: 'boolean', default: false } },
        ],
        responses: {
          '200': jsonResponse('The notifications and the unread count.', schemaRef('NotificationList')),
          ...errorResponses(['BadRequest']),
        },
      },
    },
    '/api/notifications/{id}/read': {
      post: {
        tags: ['notifications'],
        operationId: 'notifications.read',
        summary: 'Mark a notification read',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': jsonResponse('The notification, read.', schemaRef('Notification')), ...errorResponses(['NotFound']) },
      },
    },
  };
}
