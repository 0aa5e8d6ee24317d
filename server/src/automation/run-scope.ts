import { compileLogic, truthy, type LogicOperation, type Registry, type Workflow } from '@metacrm/metadata';

/**
 * What a workflow run knows, and the one reference syntax every step setting uses:
 * json-logic `{"var": "record.amount"}` in expressions and `{{record.amount}}` in text.
 *
 * - `record`: the trigger record as the triggering change left it (with `id`);
 * - `old`: its values before that change (updates and deletes);
 * - `steps.<stepId>`: each step's output, once it ran;
 * - `vars`: what set_variables steps set;
 * - `item`: the current record of the innermost loop;
 * - `user`: the acting user (`id`, `name`, `roles`: a guard may ask `{"in": ["sales_manager", {"var": "user.roles"}]}`); `now`: the run step's start, ISO 8601 (for a
 *   scheduled run, its occurrence: schedule-runs.ts);
 * - `input`: a manual trigger's form or an inbound webhook's body.
 */
export interface RunScope {
  record: Record<string, unknown> | null;
  old: Record<string, unknown> | null;
  steps: Record<string, unknown>;
  vars: Record<string, unknown>;
  user: { id: string; name: string; roles?: readonly string[] };
  input: unknown;
  item?: unknown;
  now?: string;
}

/** Evaluates a json-logic setting against the run scope (hardened evaluator, frozen copy). */
export function evaluateIn(scope: RunScope, expr: unknown, operations: Registry<LogicOperation>): unknown {
  if (expr === null || typeof expr !== 'object') return expr;
  return compileLogic(expr, operations)({ ...scope, now: scope.now ?? new Date().toISOString() } as unknown as Record<string, unknown>);
}

/**
 * Whether a workflow's `condition` holds for a run scope (true when it has none): the
 * one reading the trigger matcher and a dry run share. Throws when it cannot be evaluated.
 */
export function conditionHolds(workflow: Pick<Workflow, 'condition'>, scope: RunScope, operations: Registry<LogicOperation>): boolean {
  return workflow.condition === undefined || truthy(evaluateIn(scope, workflow.condition, operations));
}

/** Evaluates each value of a settings map: `{field: expr}` → `{field: value}`. */
export function evaluateMap(
  scope: RunScope,
  map: Record<string, unknown> | undefined,
  operations: Registry<LogicOperation>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, expr] of Object.entries(map ?? {})) out[key] = evaluateIn(scope, expr, operations);
  return out;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*\}\}/g;
const BLOCKED = new Set(['__proto__', 'constructor', 'prototype']);

/** The value at a dotted path of the scope, own properties only; undefined when absent. */
export function lookupPath(scope: RunScope, path: string): unknown {
  let node: unknown = scope;
  for (const part of path.split('.')) {
    if (BLOCKED.has(part) || node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Fills `{{path}}` placeholders from the scope. With `html`, values are escaped, so a
 * record's text can never inject markup into an email; with `url`, they are
 * percent-encoded as one URL component, so a value cannot add a path segment or a
 * query parameter; a missing value renders empty.
 */
export function renderTemplate(text: string, scope: RunScope, escape: 'html' | 'url' | 'none'): string {
  return text.replace(PLACEHOLDER, (_, path: string) => {
    const value = lookupPath(scope, path);
    const str = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return escape === 'html' ? escapeHtml(str) : escape === 'url' ? encodeURIComponent(str) : str;
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
