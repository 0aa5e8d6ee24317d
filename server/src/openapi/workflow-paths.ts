import type { JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { jsonContent, jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tags of the approval and access routes (the workflow routes share `workflows`, automation-paths.ts). */
export const WORKFLOW_TAGS: OpenApiObject[] = [
  { name: 'approvals', description: "The signed-in user's pending approvals, and their decisions." },
  { name: 'access', description: 'Why a user may or may not do something: for user administrators.' },
];

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const label: JsonSchema = object({ 'zh-CN': { type: 'string' }, en: { type: 'string' } });
const idParam = (name: string, description: string): OpenApiObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const KEY = idParam('key', 'The workflow key.');
const RUN_STATUS = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'];

/** Shapes of the workflow list, runs, approvals and the access explanation. */
export function workflowSchemas(): Record<string, JsonSchema> {
  const failure = nullable(object({ step: { type: ['string', 'null'] }, code: { type: 'string' }, message: { type: 'string' } }));
  const run = {
    id: { type: 'string' },
    workflow: { type: 'string' },
    metadataVersion: { type: 'integer', description: 'The metadata version the run started on and finishes on.' },
    status: { type: 'string', enum: RUN_STATUS },
    trigger: object(
      {
        type: { type: 'string' },
        entity: { type: ['string', 'null'] },
        recordId: { type: ['string', 'null'] },
        eventId: { type: ['string', 'null'] },
        actor: object({ id: { type: 'string' }, name: { type: 'string' } }),
        scheduleKey: { type: 'string', description: 'Scheduled runs: `cron:<occurrence>[:<record>]` or `date:<record>:<due time>`.' },
        scheduledFor: nullable(dateTime),
        missed: { type: 'integer', minimum: 0, description: 'Occurrences missed while the platform was down (cron).' },
      },
      ['scheduleKey', 'scheduledFor', 'missed'],
    ),
    failure,
    causationDepth: { type: 'integer', minimum: 0 },
    createdAt: dateTime,
    updatedAt: dateTime,
    finishedAt: nullable(dateTime),
  } satisfies Record<string, JsonSchema>;
  return {
    WorkflowList: object({
      workflows: {
        type: 'array',
        items: object({
          key: { type: 'string' },
          label,
          entity: { type: ['string', 'null'] },
          trigger: { type: 'string' },
          active: { type: 'boolean', description: 'As published.' },
          enabled: { type: 'boolean', description: 'Active and not switched off at runtime.' },
        }),
      },
    }),
    WorkflowRunSummary: object(run),
    WorkflowRunPage: object({
      runs: { type: 'array', items: schemaRef('WorkflowRunSummary') },
      next: { type: ['string', 'null'], description: 'The `before` of the next page.' },
    }),
    WorkflowRun: object({
      ...run,
      paths: {
        type: 'array',
        description: 'Its threads: the main line, parallel branches, loop bodies; where each is and what it waits for.',
        items: { type: 'object' },
      },
      scope: { type: 'object', description: 'What its expressions read: `record`, `old`, `steps.<id>`, `vars`, `input`, `user`, `now`.' },
      log: {
        type: 'array',
        description:
          'One entry per step execution (the newest 500): step, path, type, attempt, status, timings, input, output, error, worker.',
        items: { type: 'object' },
      },
    }),
    WorkflowTriggerRequest: object(
      {
        records: {
          type: 'array',
          items: { type: 'string', pattern: '^[0-9a-f]{24}$' },
          maxItems: 200,
          description: 'One run per record (each one the caller may read); none: one run without a record.',
        },
        input: { description: "The trigger's form, checked against it." },
      },
      ['records', 'input'],
      { additionalProperties: false },
    ),
    WorkflowTriggered: object({ runs: { type: 'array', items: { type: 'string' }, description: 'The ids of the runs queued.' } }),
    Approval: object({
      id: { type: 'string' },
      workflow: { type: 'string' },
      step: { type: 'string' },
      runId: { type: 'string' },
      entity: { type: ['string', 'null'] },
      recordId: { type: ['string', 'null'] },
      title: { type: 'string' },
      approvers: { type: 'array', items: { type: 'string' } },
      mode: { type: 'string', enum: ['any', 'all'] },
      status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
      reason: { type: ['string', 'null'], description: '`timeout` when it ended without a decision.' },
      dueAt: nullable(dateTime),
      decisions: {
        type: 'array',
        items: object({
          userId: { type: 'string' },
          name: { type: 'string' },
          decision: { type: 'string', enum: ['approve', 'reject'] },
          comment: { type: 'string' },
          at: dateTime,
        }),
      },
      createdAt: dateTime,
      decidedAt: nullable(dateTime),
    }),
    ApprovalList: object({ approvals: { type: 'array', items: schemaRef('Approval') } }),
    ApprovalDecision: object({ comment: { type: 'string', maxLength: 2000 } }, ['comment']),
    AccessExplanation: object(
      {
        user: object({
          id: { type: 'string' },
          name: { type: 'string' },
          roles: { type: 'array', items: { type: 'string' } },
          departmentId: { type: ['string', 'null'] },
        }),
        entity: { type: 'string' },
        unrestricted: { type: 'boolean', description: 'Holds the built-in administrator role.' },
        reason: { type: ['string', 'null'] },
        unknownRoles: { type: 'array', items: { type: 'string' }, description: 'Roles the user holds that the metadata does not define.' },
        operations: { type: 'object', description: 'Per operation (`create`, `read`, ...): `{allowed, grantedBy: [role]}`.' },
        record: {
          type: 'object',
          description:
            'With `record`: its owner, whether deleted, and per operation whether allowed, each role rule and whether it matches, and the shares that widen it.',
        },
        field: {
          type: 'object',
          description: 'With `field`: whether the user may read and write it, a mask, why it is hidden, and what each role grants.',
        },
      },
      ['record', 'field'],
    ),
  };
}

/** The workflow administration, approval and access routes. */
export function workflowPaths(): Record<string, OpenApiObject> {
  const admin = (operationId: string, summary: string, rest: OpenApiObject): OpenApiObject => ({
    tags: ['workflows'],
    operationId,
    summary,
    ...rest,
  });
  const runId = idParam('id', 'The run id.');
  const switchOp = (on: boolean): OpenApiObject =>
    admin(`workflows.${on ? 'enable' : 'disable'}`, `Switch a workflow ${on ? 'on' : 'off'} now, without a publish`, {
      description: 'Runs already started go on. Metadata administrators.',
      parameters: [KEY],
      responses: { '204': { description: on ? 'Switched on.' : 'Switched off.' }, ...errorResponses(['Forbidden', 'NotFound']) },
    });
  const decide = (decision: 'approve' | 'reject'): OpenApiObject => ({
    tags: ['approvals'],
    operationId: `approvals.${decision}`,
    summary: decision === 'approve' ? 'Approve' : 'Reject',
    description:
      'Any-of: the first decision decides; all-of: every approver must approve, one rejection decides. A decision wakes the run. 403 for someone not asked (or who decided already); 409 WORKFLOW_APPROVAL_DECIDED once decided.',
    parameters: [idParam('id', 'The approval id.')],
    requestBody: { required: false, content: jsonContent(schemaRef('ApprovalDecision')) },
    responses: {
      '200': jsonResponse('The approval after the decision.', schemaRef('Approval')),
      ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'Conflict']),
    },
  });
  return {
    '/api/workflows': {
      get: admin('workflows.list', 'The workflows of the current metadata', {
        description: 'Metadata administrators.',
        responses: { '200': jsonResponse('The workflows, with `enabled`.', schemaRef('WorkflowList')), ...errorResponses(['Forbidden']) },
      }),
    },
    '/api/workflows/runs': {
      get: admin('workflows.runs', 'Runs, newest first', {
        description: '`status=failed` is the dead-letter list. Keyset paged: `before` is the `next` of the previous page.',
        parameters: [
          { name: 'workflow', in: 'query', schema: { type: 'string' } },
          { name: 'status', in: 'query', schema: { type: 'string', enum: RUN_STATUS } },
          { name: 'record', in: 'query', description: 'Runs of this trigger record.', schema: { type: 'string' } },
          { name: 'before', in: 'query', description: 'A run id: runs older than it.', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: { '200': jsonResponse('A page of runs.', schemaRef('WorkflowRunPage')), ...errorResponses(['BadRequest', 'Forbidden']) },
      }),
    },
    '/api/workflows/runs/{id}': {
      get: admin('workflows.run', 'A run with its per-step log', {
        parameters: [runId],
        responses: { '200': jsonResponse('The run.', schemaRef('WorkflowRun')), ...errorResponses(['Forbidden', 'NotFound']) },
      }),
    },
    '/api/workflows/runs/{id}/retry': {
      post: admin('workflows.retry', 'Retry a failed run from its failed step', {
        description:
          'Earlier steps are not repeated; a call a dead worker left under way is made again. 409 WORKFLOW_RUN_NOT_RETRYABLE for a run that has not failed, or stopped as a loop.',
        parameters: [runId],
        responses: {
          '200': jsonResponse('The run, queued again.', schemaRef('WorkflowRun')),
          ...errorResponses(['Forbidden', 'NotFound', 'Conflict']),
        },
      }),
    },
    '/api/workflows/{key}/enable': { post: switchOp(true) },
    '/api/workflows/{key}/disable': { post: switchOp(false) },
    '/api/workflows/{key}/trigger': {
      post: admin('workflows.trigger', 'Start a manual workflow', {
        description:
          'For anyone who may read the records named (checked by the record engine); a trigger with `roles` only for those roles and administrators (403 FORBIDDEN otherwise). 400 WORKFLOW_TRIGGER_INVALID for a workflow not started by hand, one switched off, or an `input` that does not fit its form (a problem per mistake).',
        parameters: [KEY],
        requestBody: { required: false, content: jsonContent(schemaRef('WorkflowTriggerRequest')) },
        responses: {
          '202': jsonResponse('The runs, queued.', schemaRef('WorkflowTriggered')),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
        },
      }),
    },
    '/api/approvals': {
      get: {
        tags: ['approvals'],
        operationId: 'approvals.list',
        summary: "The signed-in user's pending approvals, oldest first",
        responses: { '200': jsonResponse('The approvals waiting for them.', schemaRef('ApprovalList')), ...errorResponses([]) },
      },
    },
    '/api/approvals/{id}/approve': { post: decide('approve') },
    '/api/approvals/{id}/reject': { post: decide('reject') },
    '/api/access/explain': {
      get: {
        tags: ['access'],
        operationId: 'access.explain',
        summary: 'Which role and rule grant or deny a user an operation, a record or a field',
        description: 'User administrators.',
        parameters: [
          { name: 'user', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'entity', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'record', in: 'query', description: 'Explain this record too: scope rules and shares.', schema: { type: 'string' } },
          { name: 'field', in: 'query', description: 'Explain this field too.', schema: { type: 'string' } },
        ],
        responses: {
          '200': jsonResponse('The explanation.', schemaRef('AccessExplanation')),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
        },
      },
    },
  };
}
