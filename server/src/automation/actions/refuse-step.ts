import { truthy } from '@metacrm/metadata';
import type { WorkflowAction } from '../action-contract.js';
import { WorkflowRefused } from '../workflow.errors.js';

const KEY = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;
const LOGIC = { type: 'object', minProperties: 1, maxProperties: 1 } as const;
const MESSAGE = {
  anyOf: [
    { type: 'string', minLength: 1, maxLength: 500 },
    {
      type: 'object',
      properties: { 'zh-CN': { type: 'string', minLength: 1, maxLength: 500 }, en: { type: 'string', minLength: 1, maxLength: 500 } },
      required: ['zh-CN', 'en'],
      additionalProperties: false,
    },
  ],
} as const;

/**
 * `refuse`: a guard. When `when` (json-logic over the run) holds, the run fails here with
 * WORKFLOW_REFUSED, before any later step writes: `reason` is a stable key a UI or a
 * test can switch on (`owner_cap_reached`), `message` the words for the user, and
 * `field`, if set, the field the refusal is about (its JSON pointer). Otherwise the
 * run goes on; the output says whether the guard held.
 *
 * A refusal is final (422): the same record and the same user would be refused again,
 * so the executor does not retry it.
 */
export const refuseAction: WorkflowAction = {
  type: 'refuse',
  sideEffect: false,
  external: false,
  configSchema: {
    type: 'object',
    properties: { when: LOGIC, reason: KEY, message: MESSAGE, field: KEY },
    required: ['when', 'reason', 'message'],
    additionalProperties: false,
  },
  check(config, context) {
    if (config.field === undefined) return [];
    const entity = context.workflow.entity;
    if (entity === undefined)
      return [
        { pointer: `${context.at}/field`, code: 'REQUIRED', message: 'The workflow has no entity, so the refusal cannot name a field' },
      ];
    const field = String(config.field);
    return context.valueType(entity, field) === undefined
      ? [
          {
            pointer: `${context.at}/field`,
            code: 'UNKNOWN_FIELD',
            message: `"${field}" is not a field of ${entity}`,
            params: { entity, field },
          },
        ]
      : [];
  },
  async run(config, ctx) {
    if (!truthy(ctx.evaluate(config.when))) return { output: { refused: false } };
    const message = config.message as string | Record<string, string>;
    const text = typeof message === 'string' ? message : message.en!;
    const field = config.field as string | undefined;
    throw WorkflowRefused(text, {
      reason: config.reason,
      message,
      ...(field ? { field, pointer: `/${field}` } : {}),
      problems: [{ pointer: field ? `/${field}` : '', code: 'WORKFLOW_REFUSED', message: text, params: { reason: config.reason } }],
    });
  },
};
