import type { Problem } from '@metacrm/metadata';
import { RecordInvalid } from '../../records/records.errors.js';
import { evaluateMap } from '../run-scope.js';
import type { WorkflowAction } from '../action-contract.js';

const KEY = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;
const LOGIC_MAP = { type: 'object', propertyNames: KEY, maxProperties: 200 } as const;

/**
 * `check_duplicates`: the duplicate check (查重) of `entity`'s duplicate rules for the
 * record `values` would make, before a later step writes it (lead conversion checks
 * the customer it is about to create). Its output is `{count, blocking, matches}`,
 * each match with the checked field, its mode, the matching entity, record and owner,
 * for branches and later steps. `refuse` says what fails the run before anything is
 * written: `block` (default) a blocking match, `any` any match, `none` nothing. A
 * refusal is the RECORD_INVALID a write would answer, with the DUPLICATE_RECORD
 * problems, so the run log says who owns the match.
 */
export const checkDuplicatesAction: WorkflowAction = {
  type: 'check_duplicates',
  sideEffect: false,
  external: false,
  configSchema: {
    type: 'object',
    properties: { entity: KEY, values: LOGIC_MAP, refuse: { enum: ['block', 'any', 'none'] } },
    required: ['entity', 'values'],
    additionalProperties: false,
  },
  check: (config, context) => {
    const entity = String(config.entity);
    const missing = context.entityProblems(entity, `${context.at}/entity`);
    if (missing.length > 0) return missing;
    return Object.keys((config.values ?? {}) as Record<string, unknown>).flatMap((field) =>
      context.writableFieldProblems(entity, field, `${context.at}/values/${field}`),
    );
  },
  async run(config, ctx) {
    const values = evaluateMap(ctx.scope, config.values as Record<string, unknown>, ctx.registries.operations);
    const found = await ctx.records().duplicatesOf(String(config.entity), values);
    const refuse = (config.refuse as string | undefined) ?? 'block';
    const refused = found.filter((p) => refuse === 'any' || (refuse === 'block' && p.params?.mode === 'block'));
    if (refused.length > 0) throw RecordInvalid(refused[0]!.message, { problems: refused });
    return { output: { count: found.length, blocking: found.filter((p) => p.params?.mode === 'block').length, matches: found.map(match) } };
  },
};

function match(problem: Problem): Record<string, unknown> {
  const { field, mode, entity, matchField, ownerId, ownerName, record } = problem.params ?? {};
  return { field, mode, entity, matchField, ownerId, ownerName: ownerName ?? null, record: record ?? null, message: problem.message };
}
