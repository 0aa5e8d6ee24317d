import type { Problem, Workflow } from '@metacrm/metadata';
import { heldProblems } from './flow-model';

type Translate = (key: 'held.condition' | 'held.emptyPath' | 'held.emptyBody') => string;

/**
 * Problems per canvas node: a step's (`/steps/<i>/...`, by its index in the saved
 * steps) or else the trigger's (`trigger`: the workflow's own settings). `at` is the
 * workflow's pointer in the problems (`/workflows/<key>` for the draft's validation, ''
 * for a refused save); problems elsewhere in the bundle are left out. The designer's
 * own (a condition not set, an empty path) come first.
 */
export function nodeProblems(
  workflow: Workflow,
  sources: { at: string; problems: readonly Problem[] }[],
  t: Translate,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (node: string, message: string) => out.set(node, [...(out.get(node) ?? []), message]);
  for (const [step, held] of heldProblems(workflow)) for (const kind of held) add(step, t(`held.${kind}`));
  for (const { at, problems } of sources) {
    for (const problem of problems) {
      if (problem.pointer !== at && !problem.pointer.startsWith(`${at}/`)) continue;
      const rest = problem.pointer.slice(at.length);
      const step = /^\/steps\/(\d+)(\/.*)?$/.exec(rest);
      const id = step ? workflow.steps[Number(step[1])]?.id : undefined;
      const where = step ? (step[2] ?? '') : rest;
      add(id ?? 'trigger', where ? `${where.slice(1)}: ${problem.message}` : problem.message);
    }
  }
  return out;
}

/** How many problems the draft has outside this workflow. */
export const problemsElsewhere = (problems: readonly Problem[], at: string) =>
  problems.filter((p) => p.pointer !== at && !p.pointer.startsWith(`${at}/`)).length;
