import type { Problem } from '../schema/problems.js';
import type { Workflow } from './bundle-types.js';

type Step = Workflow['steps'][number];

/**
 * The steps a path can go to from `step`: its `next`, its branches', and what a control
 * step starts (a parallel's branches and join, a loop's body). Null stands for the end
 * of the path, which a step without `next` reaches when none of its branches holds.
 */
function successors(step: Step): (string | null)[] {
  const config = (step.config ?? {}) as { branches?: unknown; join?: unknown; body?: unknown };
  const out: (string | null)[] = [step.next ?? null, ...(step.branches ?? []).map((b) => b.next)];
  if (step.type === 'parallel' && Array.isArray(config.branches)) out.push(...config.branches.filter((b): b is string => typeof b === 'string'));
  if (step.type === 'parallel' && typeof config.join === 'string') out.push(config.join);
  if (step.type === 'loop' && typeof config.body === 'string') out.push(config.body);
  return out;
}

/**
 * Cycles in the step graph that a run could never leave: every step on them goes only
 * to steps on them (`a → b → a`). A cycle with a way out, a branch whose condition sends
 * the path elsewhere (polling until something holds, usually with a delay), is a loop a
 * designer means and stays allowed; the executor bounds it (MAX_STEPS_PER_RUN).
 * Problems point at the `next` of the first step of each trapped cycle.
 */
export function stepGraphTraps(workflow: Workflow, at: string): Problem[] {
  const byId = new Map(workflow.steps.map((s, i) => [s.id, { step: s, index: i }]));
  const problems: Problem[] = [];
  for (const component of stronglyConnected(workflow.steps)) {
    const members = new Set(component);
    const only = component[0]!;
    const cyclic = component.length > 1 || successors(byId.get(only)!.step).includes(only);
    if (!cyclic) continue;
    const leaves = component.some((id) => successors(byId.get(id)!.step).some((next) => next === null || !members.has(next)));
    if (leaves) continue;
    const first = component.map((id) => byId.get(id)!).sort((a, b) => a.index - b.index)[0]!;
    problems.push({
      pointer: `${at}/steps/${first.index}/next`,
      code: 'STEP_CYCLE',
      message: `the steps ${component.join(' → ')} lead only to each other, so a run that reaches them never ends; give one a branch out`,
      params: { cycle: component },
    });
  }
  return problems;
}

/** Tarjan's strongly connected components of the step graph (steps named in it that exist). */
function stronglyConnected(steps: readonly Step[]): string[][] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    for (const next of successors(byId.get(id)!)) {
      if (next === null || !byId.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id)!, index.get(next)!));
      }
    }
    if (low.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    out.push(component.reverse());
  };
  for (const step of steps) if (!index.has(step.id)) visit(step.id);
  return out;
}
