import {
  CONTEXT_VARS,
  evaluateLogic,
  fieldTraits,
  type Entity,
  type FieldTypeDefinition,
  type LogicOperation,
  type Registry,
} from '@metacrm/metadata';

// What the expression builder computes: the allowed functions with their signatures, a
// sample record to try an expression on, and the outcome of trying it.

/** One allowed function as the builder lists it. */
export interface FunctionEntry {
  name: string;
  /** `round(a1, [a2])`, `cat(a1, …)`: its arguments as the registry allows them. */
  signature: string;
  /** The JSON an insert starts from: the operation with its required arguments as nulls. */
  template: string;
}

/** The operations of the registry (built-in, platform and plugin ones), `var` left to the field picker. */
export function functionEntries(operations: Registry<LogicOperation>): FunctionEntry[] {
  return operations
    .keys()
    .filter((name) => name !== 'var')
    .sort()
    .map((name) => {
      const op = operations.get(name)!;
      const required = Array.from({ length: op.minArgs }, (_, i) => `a${i + 1}`);
      const optional =
        op.maxArgs === Number.MAX_SAFE_INTEGER
          ? ['…']
          : Array.from({ length: op.maxArgs - op.minArgs }, (_, i) => `[a${op.minArgs + i + 1}]`);
      const args = Array.from({ length: Math.max(op.minArgs, 1) }, () => null);
      return { name, signature: `${name}(${[...required, ...optional].join(', ')})`, template: JSON.stringify({ [name]: args }) };
    });
}

const SAMPLE_BY_KIND: Record<string, unknown> = { string: 'Sample', integer: 3, decimal: '1200.50', boolean: true, strings: [], files: [] };

/**
 * A sample record of the entity to try expressions on: a plausible value per field by
 * its value kind (API form: decimals as strings, dates as YYYY-MM-DD), the first
 * option of a choice; references and computed fields empty.
 */
export function sampleRecord(entity: Entity, fieldTypes: Registry<FieldTypeDefinition>, now = new Date()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of entity.fields) {
    const traits = fieldTraits(field as never, fieldTypes);
    if (!traits || traits.computed) continue;
    const options = (field as { options?: { key: string }[] }).options;
    if (options?.length) out[field.key] = traits.value === 'strings' ? [options[0]!.key] : options[0]!.key;
    else if (traits.value === 'date') out[field.key] = now.toISOString().slice(0, 10);
    else if (traits.value === 'datetime') out[field.key] = now.toISOString();
    else if (traits.value in SAMPLE_BY_KIND) out[field.key] = SAMPLE_BY_KIND[traits.value];
  }
  return out;
}

/** The outcome of an expression on a sample: its value, or why it could not be computed. */
export type Trial = { ok: true; value: unknown } | { ok: false; error: string };

/** Evaluates with the hardened evaluator and the context variables a record expression sees. */
export function tryExpression(
  expr: unknown,
  sample: Record<string, unknown>,
  operations: Registry<LogicOperation>,
  now = new Date(),
): Trial {
  const context = {
    $now: now.toISOString(),
    $today: now.toISOString().slice(0, 10),
    $user: { id: 'sample-user', name: 'Sample user', roles: [] },
  };
  try {
    return { ok: true, value: evaluateLogic(expr, { ...sample, ...context }, operations) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The variables a record expression may name besides the fields. */
export const EXPRESSION_CONTEXT_VARS = CONTEXT_VARS;
