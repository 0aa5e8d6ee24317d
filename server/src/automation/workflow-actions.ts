import type { ActionContext, WorkflowAction } from './action-contract.js';
import { OUTSIDE_ACTIONS } from './actions/index.js';
import { RECORD_ACTIONS, entityProblems } from './actions/record-steps.js';
import { refuseAction } from './actions/refuse-step.js';
import { evaluateIn, evaluateMap, type RunScope } from './run-scope.js';

const KEY = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;
const LOGIC_MAP = { type: 'object', propertyNames: KEY, maxProperties: 200 } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

/** The built-in step types but the approval (approvals.ts), which registries.ts adds. */
export const BUILT_IN_ACTIONS: WorkflowAction[] = [
  ...RECORD_ACTIONS,
  refuseAction,
  {
    type: 'query_records',
    sideEffect: false,
    external: false,
    configSchema: obj(
      { entity: KEY, filter: {}, sort: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200 } },
      ['entity'],
    ),
    check: entityProblems,
    async run(config, ctx) {
      const filter = config.filter === undefined ? undefined : resolveFilterValues(config.filter, ctx.scope, ctx);
      const result = await ctx.records().list(String(config.entity), {
        filter,
        sort: config.sort as string | undefined,
        limit: (config.limit as number | undefined) ?? 50,
        count: true,
      });
      return { output: { records: result.records, count: result.total ?? result.records.length } };
    },
  },
  {
    type: 'set_variables',
    sideEffect: false,
    external: false,
    configSchema: obj({ values: LOGIC_MAP }, ['values']),
    async run(config, ctx) {
      const values = evaluateMap(ctx.scope, config.values as Record<string, unknown>, ctx.registries.operations);
      Object.assign(ctx.scope.vars, values);
      return { output: values };
    },
  },
  {
    type: 'delay',
    sideEffect: false,
    external: false,
    configSchema: obj({ seconds: { type: 'integer', minimum: 1, maximum: 366 * 86400 }, until: {} }),
    async run(config, ctx) {
      const until =
        config.until !== undefined
          ? new Date(String(ctx.evaluate(config.until)))
          : new Date(Date.now() + Number(config.seconds ?? 0) * 1000);
      if (Number.isNaN(until.getTime())) throw new Error('delay: "until" is not a date');
      return { wait: { until }, output: { until: until.toISOString() } };
    },
  },
  {
    type: 'parallel',
    sideEffect: false,
    external: false,
    control: 'parallel',
    configSchema: obj({ branches: { type: 'array', items: KEY, minItems: 2, maxItems: 10 }, join: KEY }, ['branches', 'join']),
  },
  { type: 'join', sideEffect: false, external: false, control: 'join', configSchema: obj({}) },
  {
    type: 'loop',
    sideEffect: false,
    external: false,
    control: 'loop',
    configSchema: obj(
      {
        entity: KEY,
        filter: {},
        sort: { type: 'string', maxLength: 200 },
        limit: { type: 'integer', minimum: 1, maximum: 1000 },
        body: KEY,
      },
      ['entity', 'body'],
    ),
    check: entityProblems,
  },
  ...OUTSIDE_ACTIONS,
];

/** A filter from step settings with its operands evaluated: `{"value": {"var": "record.id"}}`. */
export function resolveFilterValues(filter: unknown, scope: RunScope, ctx: Pick<ActionContext, 'registries'>): unknown {
  if (Array.isArray(filter)) return filter.map((f) => resolveFilterValues(f, scope, ctx));
  if (filter === null || typeof filter !== 'object') return filter;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    out[key] =
      key === 'value' && value !== null && typeof value === 'object' && !Array.isArray(value)
        ? evaluateIn(scope, value, ctx.registries.operations)
        : resolveFilterValues(value, scope, ctx);
  }
  return out;
}
