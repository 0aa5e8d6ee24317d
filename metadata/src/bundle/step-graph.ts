import type { Problem } from '../schema/problems.js';
import { stronglyConnected } from '../graph/strongly-connected.js';
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
  if (step.type === 'parallel' && Array.isArray(config.branches))
    out.push(...config.branches.filter((b): b is string => typeof b === 'string'));
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
  const next = (id: string) => successors(byId.get(id)!.step).filter((n): n is string => n !== null);
  for (const found of stronglyConnected([...byId.keys()], next)) {
    const component = found.reverse();
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
