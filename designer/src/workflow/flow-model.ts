import type { Workflow } from '@metacrm/metadata';
import type { I18nText } from '../common/labels';

/**
 * The canvas's view of a workflow: its step graph (`start`, each step's `next` and
 * `branches`, a parallel's lanes and join, a loop's body) read as a structured flow of
 * blocks, edited as such, and written back as steps. A graph that is not a structured
 * flow (a step reached from two places, a cycle, a step no path reaches) is reported,
 * and the designer offers its JSON instead of redrawing it wrongly.
 *
 * Two states exist only on screen, never in a save (`isHeld`): a branch whose condition
 * is not set yet (`when: null`) and a path that must hold a step but is empty (a branch
 * to the end of the flow, a loop body) whose target is `OPEN`.
 */

export type Step = Workflow['steps'][number];
/** A step without its links: the structure gives them. */
export type FlowStep = Omit<Step, 'next' | 'branches'>;
export type Seq = Block[];

/** One condition path of a branching step: taken when `when` holds (the first that holds wins). */
export interface BranchPath {
  when: unknown;
  label?: I18nText | undefined;
  seq: Seq;
}

export type Block =
  | { kind: 'step'; step: FlowStep }
  /** A step with branches: its condition paths, and the path taken when none holds. */
  | { kind: 'branch'; step: FlowStep; paths: BranchPath[]; otherwise: Seq }
  | { kind: 'parallel'; step: FlowStep; lanes: Seq[]; join: FlowStep }
  | { kind: 'loop'; step: FlowStep; body: Seq }
  /** The path stops here, though the paths around it go on (a rejected approval that ends the run). Always last in its sequence. */
  | { kind: 'end' };

/** A block that is a step (every kind but an end). */
export type StepBlock = Exclude<Block, { kind: 'end' }>;
export const isStep = (block: Block): block is StepBlock => block.kind !== 'end';

/** A target that a path will have once it holds a step; kept on screen only. */
export const OPEN = '';

export type Parsed = { ok: true; flow: Seq } | { ok: false; reason: 'missing' | 'twice' | 'unreached'; step: string };

class Unstructured extends Error {
  constructor(
    readonly reason: 'missing' | 'twice' | 'unreached',
    readonly step: string,
  ) {
    super(`${reason}: ${step}`);
  }
}

type Config = { branches?: unknown; join?: unknown; body?: unknown };
const configOf = (step: FlowStep): Config => (step.config ?? {}) as Config;
const strip = ({ next: _n, branches: _b, ...step }: Step): FlowStep => step;

/** Where a step can go: what the executor follows (step-graph.ts in the metadata package). */
function successors(step: Step): (string | null)[] {
  const config = configOf(step);
  const out: (string | null)[] = [step.next ?? null, ...(step.branches ?? []).map((b) => b.next)];
  if (step.type === 'parallel' && Array.isArray(config.branches))
    out.push(...config.branches.filter((b): b is string => typeof b === 'string'));
  if (step.type === 'parallel' && typeof config.join === 'string') out.push(config.join);
  if (step.type === 'loop' && typeof config.body === 'string') out.push(config.body);
  return out;
}

/** Reads the workflow's steps as blocks, from `start` (else the first step). */
export function parseFlow(workflow: Pick<Workflow, 'start' | 'steps'>): Parsed {
  const byId = new Map(workflow.steps.map((s) => [s.id, s]));
  const used = new Set<string>();
  const END = '\u0000end';

  /** Every node reachable from `at` in visiting order, `stop` and the end included as nodes. */
  const reach = (at: string | null, stop: string | null): string[] => {
    const order: string[] = [];
    const queue: (string | null)[] = [at];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const id = queue.shift()!;
      const node = id === null || id === OPEN ? END : id;
      if (seen.has(node)) continue;
      seen.add(node);
      order.push(node);
      if (node === END || node === stop) continue;
      const step = byId.get(node);
      if (step) queue.push(...successors(step));
    }
    return order;
  };

  /** Where the paths of a branching step meet again: the first node every one of them reaches. */
  const meet = (targets: (string | null)[], stop: string | null): string | null => {
    const [first, ...rest] = targets.map((t) => reach(t, stop));
    const sets = rest.map((r) => new Set(r));
    // The end is common to every path that ends; a step where they meet comes first.
    const common = first!.find((node) => node !== END && sets.every((s) => s.has(node)));
    return common ?? null;
  };

  /** The blocks from `start` until the path reaches `stop` (where the enclosing flow goes on) or ends. */
  const seq = (start: string | null, stop: string | null): Seq => {
    const out: Seq = [];
    let at = start;
    while (at !== OPEN && at !== stop) {
      if (at === null) {
        out.push({ kind: 'end' });
        break;
      }
      const step = byId.get(at);
      if (!step) throw new Unstructured('missing', at);
      if (used.has(at)) throw new Unstructured('twice', at);
      used.add(at);
      const config = configOf(step);
      if (step.type === 'parallel' && Array.isArray(config.branches) && typeof config.join === 'string') {
        const join = byId.get(config.join);
        if (!join) throw new Unstructured('missing', config.join);
        const lanes = config.branches.map((lane) => seq(String(lane), join.id));
        if (used.has(join.id)) throw new Unstructured('twice', join.id);
        used.add(join.id);
        out.push({ kind: 'parallel', step: strip(step), lanes, join: strip(join) });
        at = join.next ?? null;
      } else if (step.type === 'loop' && typeof config.body === 'string') {
        out.push({ kind: 'loop', step: strip(step), body: seq(config.body, null) });
        at = step.next ?? null;
      } else if (step.branches && step.branches.length > 0) {
        const fallback = step.branches.findIndex((b) => b.when === undefined);
        const conditional = fallback < 0 ? step.branches : step.branches.slice(0, fallback);
        const otherwise = fallback < 0 ? (step.next ?? null) : step.branches[fallback]!.next;
        // Paths that never meet again each go on to where the enclosing flow does (or end there).
        const merge = meet([...conditional.map((b) => b.next), otherwise], stop) ?? stop;
        const paths = conditional.map((b): BranchPath => ({
          when: b.when,
          ...(b.label ? { label: b.label as I18nText } : {}),
          seq: seq(b.next, merge),
        }));
        out.push({ kind: 'branch', step: strip(step), paths, otherwise: seq(otherwise, merge) });
        at = merge;
      } else {
        out.push({ kind: 'step', step: strip(step) });
        at = step.next ?? null;
      }
    }
    return out;
  };

  try {
    const flow = seq(workflow.start ?? workflow.steps[0]?.id ?? null, null);
    const unreached = workflow.steps.find((s) => !used.has(s.id));
    if (unreached) throw new Unstructured('unreached', unreached.id);
    return { ok: true, flow };
  } catch (err) {
    if (err instanceof Unstructured) return { ok: false, reason: err.reason, step: err.step };
    throw err;
  }
}

/** Writes blocks back as steps, in reading order, with `start`. */
export function serializeFlow(flow: Seq): { start?: string; steps: Step[] } {
  const steps = new Map<string, Step>();
  const write = (seq: Seq, cont: string | null): string | null => {
    let next = cont;
    for (const block of [...seq].reverse()) {
      if (block.kind === 'end') {
        next = null;
        continue;
      }
      const link = (step: FlowStep, to: string | null): Step => (to === null ? { ...step } : { ...step, next: to });
      if (block.kind === 'step') steps.set(block.step.id, link(block.step, next));
      else if (block.kind === 'branch') {
        const otherwise = write(block.otherwise, next);
        const branches = block.paths.map((p) => ({
          ...(p.when === undefined ? {} : { when: p.when }),
          next: write(p.seq, next) ?? OPEN,
          ...(p.label ? { label: p.label } : {}),
        }));
        steps.set(
          block.step.id,
          branches.length === 0 ? link(block.step, otherwise) : ({ ...link(block.step, otherwise), branches } as Step),
        );
      } else if (block.kind === 'parallel') {
        steps.set(block.join.id, link(block.join, next));
        const lanes = block.lanes.map((lane) => write(lane, block.join.id)!);
        steps.set(block.step.id, { ...block.step, config: { ...block.step.config, branches: lanes, join: block.join.id } });
      } else {
        const body = write(block.body, null) ?? OPEN;
        steps.set(block.step.id, link({ ...block.step, config: { ...block.step.config, body } }, next));
      }
      next = block.step.id;
    }
    return next;
  };
  const start = write(flow, null);
  const ordered = stepIds(flow).map((id) => steps.get(id)!);
  return start === null ? { steps: ordered } : { start, steps: ordered };
}

/** The step ids of a flow in reading order (a parallel's join after its lanes). */
export function stepIds(flow: Seq): string[] {
  const out: string[] = [];
  for (const block of flow) {
    if (block.kind === 'end') continue;
    out.push(block.step.id);
    for (const child of children(block)) out.push(...stepIds(child));
    if (block.kind === 'parallel') out.push(block.join.id);
  }
  return out;
}

/** The sequences nested in a block: a branch's paths then its otherwise, a parallel's lanes, a loop's body. */
export function children(block: Block): Seq[] {
  if (block.kind === 'branch') return [...block.paths.map((p) => p.seq), block.otherwise];
  if (block.kind === 'parallel') return block.lanes;
  if (block.kind === 'loop') return [block.body];
  return [];
}

/** A state the designer keeps on screen but does not save: a condition not set, or a path that must hold a step and is empty. */
export function isHeld(workflow: Pick<Workflow, 'steps'>): boolean {
  return workflow.steps.some(
    (s) => (s.branches ?? []).some((b) => b.when === null || b.next === OPEN) || (s.type === 'loop' && configOf(s).body === OPEN),
  );
}

/** What is missing on screen, per step id, for the nodes to show. */
export function heldProblems(workflow: Pick<Workflow, 'steps'>): Map<string, ('condition' | 'emptyPath' | 'emptyBody')[]> {
  const out = new Map<string, ('condition' | 'emptyPath' | 'emptyBody')[]>();
  for (const step of workflow.steps) {
    const found: ('condition' | 'emptyPath' | 'emptyBody')[] = [];
    if ((step.branches ?? []).some((b) => b.when === null)) found.push('condition');
    if ((step.branches ?? []).some((b) => b.next === OPEN)) found.push('emptyPath');
    if (step.type === 'loop' && configOf(step).body === OPEN) found.push('emptyBody');
    if (found.length > 0) out.set(step.id, found);
  }
  return out;
}
