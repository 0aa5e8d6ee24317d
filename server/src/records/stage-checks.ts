import type { Problem } from '@metacrm/metadata';
import type { AnyField, CompiledEntity } from './compiled-entity.js';
import type { Values } from './record-document.js';

/** A select field's guided stages (its `process` setting): per stage, required fields and the next stages. */
interface Process {
  stages: Record<string, { requiredFields?: string[]; next?: string[] }>;
}

const empty = (value: unknown) => value == null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * The guided-stage problems of a write (Salesforce Path, Zoho Blueprint), for every
 * field with a `process`: a record may move from one stage only to the stages its
 * `next` lists (STAGE_TRANSITION_NOT_ALLOWED on the field), and must hold the stage's
 * required fields when it enters it, or when a write clears one while it is in it
 * (STAGE_FIELD_REQUIRED on the missing field). A new record enters its first stage, so
 * the stage's required fields apply, but no transition does. Part of the record
 * pipeline, so the API, bulk, import, seed loads and workflow steps all obey it.
 */
export function stageProblems(compiled: CompiledEntity, values: Values, given: Values, current: Values | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const [key, field] of compiled.fields) {
    const process = field.process as Process | undefined;
    if (!process) continue;
    const to = values[key] as string | null | undefined;
    const from = (current?.[key] ?? null) as string | null;
    const entered = current === undefined ? to != null : key in given && (to ?? null) !== from;
    if (entered && from != null && to != null) {
      const allowed = process.stages[from]?.next;
      if (allowed && !allowed.includes(to)) {
        problems.push({
          pointer: `/${key}`,
          code: 'STAGE_TRANSITION_NOT_ALLOWED',
          message: `${field.label.en} cannot move from ${optionLabel(field, from)} to ${optionLabel(field, to)}; allowed: ${allowed.map((o) => optionLabel(field, o)).join(', ') || 'none'}`,
          params: { field: key, from, to, allowed },
        });
      }
    }
    if (to == null) continue;
    for (const required of process.stages[to]?.requiredFields ?? []) {
      if (!(entered || required in given) || !empty(values[required])) continue;
      const label = compiled.fields.get(required)?.label.en ?? required;
      problems.push({
        pointer: `/${required}`,
        code: 'STAGE_FIELD_REQUIRED',
        message: `${label} is required in the stage ${optionLabel(field, to)}`,
        params: { field: required, process: key, stage: to },
      });
    }
  }
  return problems;
}

function optionLabel(field: AnyField, key: string): string {
  const option = (field.options as { key: string; label: { en: string } }[] | undefined)?.find((o) => o.key === key);
  return option ? `"${option.label.en}"` : `"${key}"`;
}
