import { fieldTraits, type Bundle, type Field, type Workflow } from '@metacrm/metadata';
import type { Locale } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { locate } from './flow-edit';
import { children, stepIds, type Seq } from './flow-model';

/** A value of the run scope that a condition or a template may read. */
export interface Variable {
  /** The json-logic `var` path: `record.budget`, `steps.lookup.count`, `user.name`. */
  path: string;
  label: string;
  group: 'record' | 'old' | 'steps' | 'vars' | 'user' | 'input' | 'now';
  /** A record field holding numbers: a typed value compares as a number. */
  numeric?: boolean;
  /** A record field holding true or false. */
  boolean?: boolean;
}

/** What the comparison needs of a field's type, asked of the field-type registry (never by type name). */
function traits(field: Field): Pick<Variable, 'numeric' | 'boolean'> {
  const def = fieldTraits(field);
  return { numeric: def?.numeric === true, boolean: def?.value === 'boolean' };
}

const UPDATE_TRIGGERS = new Set(['record_updated']);

/**
 * What a run's expressions may read at a step (run-scope.ts on the server): the trigger
 * record's fields (and their values before an update), the outputs of the steps before
 * it, the variables set so far, who triggered the run, a manual trigger's input form,
 * and now. With no step, what the trigger's condition may read.
 */
export function scopeVariables(
  workflow: Workflow,
  flow: Seq | undefined,
  bundle: Bundle | undefined,
  locale: Locale,
  at?: string,
): Variable[] {
  const out: Variable[] = [];
  const entity = bundle?.entities.find((e) => e.key === workflow.entity);
  for (const field of entity?.fields ?? []) {
    out.push({ path: `record.${field.key}`, label: labelOf(field.label, locale, field.key), group: 'record', ...traits(field) });
  }
  out.push({ path: 'record.id', label: 'id', group: 'record' });
  if (UPDATE_TRIGGERS.has(workflow.trigger.type)) {
    for (const field of entity?.fields ?? [])
      out.push({ path: `old.${field.key}`, label: labelOf(field.label, locale, field.key), group: 'old', ...traits(field) });
  }
  if (flow && at !== undefined) {
    for (const id of stepsBefore(flow, at)) {
      const step = workflow.steps.find((s) => s.id === id);
      out.push({ path: `steps.${id}`, label: labelOf(step?.label, locale, id), group: 'steps' });
      const values = (step?.config as { values?: Record<string, unknown> } | undefined)?.values;
      if (step?.type === 'set_variables' && values)
        for (const name of Object.keys(values)) out.push({ path: `vars.${name}`, label: name, group: 'vars' });
    }
  }
  out.push({ path: 'user.id', label: 'id', group: 'user' }, { path: 'user.name', label: locale === 'en' ? 'name' : '姓名', group: 'user' });
  const input = (workflow.trigger as { inputSchema?: { properties?: Record<string, { title?: string }> } }).inputSchema;
  for (const [name, schema] of Object.entries(input?.properties ?? {}))
    out.push({ path: `input.${name}`, label: schema.title ?? name, group: 'input' });
  out.push({ path: 'now', label: locale === 'en' ? 'now' : '现在', group: 'now' });
  return out;
}

/**
 * The steps a run has passed when it reaches `at`: those before it on its path and on
 * the paths around it, the step itself included (a branch after a step reads its output).
 */
function stepsBefore(flow: Seq, at: string): string[] {
  const where = locate(flow, at);
  if (!where) return [];
  const out: string[] = [];
  let seq = flow;
  for (const level of where.path) {
    const block = seq[level.block]!;
    out.push(...stepIds(seq.slice(0, level.block)));
    if (block.kind !== 'end') out.push(block.step.id);
    seq = children(block)[level.child] ?? [];
  }
  out.push(...stepIds(seq.slice(0, where.index)), at);
  return out;
}
