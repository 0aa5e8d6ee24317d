import { children, type Block, type FlowStep, type Seq, type StepBlock } from './flow-model';
import type { SeqPath, Slot } from './flow-edit';

/** What a canvas node stands for. */
export type CanvasNode =
  | { kind: 'trigger' }
  | { kind: 'step'; step: FlowStep; block: StepBlock['kind']; first: boolean; last: boolean }
  | { kind: 'join'; step: FlowStep; parallel: string }
  | { kind: 'add'; slot: Slot }
  | { kind: 'merge' }
  | { kind: 'end'; slot: Slot | null };

export interface PlacedNode {
  id: string;
  /** The node's centre on x, its top on y. */
  x: number;
  y: number;
  data: CanvasNode;
}

export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  /** What takes a path: a condition, "otherwise", a lane, "for each record". */
  label?: string;
}

/** The labels of the paths leaving a branching, parallel or loop step. */
export interface PathNames {
  path(block: Extract<Block, { kind: 'branch' }>, index: number): string;
  otherwise(): string;
  lane(index: number): string;
  body(): string;
}

export const COLUMN = 280;
const HEIGHT = { trigger: 72, step: 72, join: 40, add: 28, merge: 10, end: 36 } as const;
const GAP = 22;

const widthOf = (seq: Seq): number => Math.max(1, ...seq.map(blockWidth));
function blockWidth(block: Block): number {
  const nested = children(block);
  return nested.length === 0 ? 1 : nested.reduce((sum, seq) => sum + widthOf(seq), 0);
}
const pathKey = (path: SeqPath) => path.map((p) => `${p.block}.${p.child}`).join('/') || 'main';

/**
 * Places a flow top to bottom: the trigger, then each step with a "+" before and after
 * it, the paths of a branching, parallel or loop step side by side (each as wide as
 * its widest block), meeting again below them (at a parallel's join). Pure, so the
 * canvas only draws what this decides.
 */
export function layoutFlow(flow: Seq, names: PathNames): { nodes: PlacedNode[]; edges: PlacedEdge[] } {
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const edge = (source: string, target: string, label?: string) =>
    edges.push({ id: `${source}->${target}`, source, target, ...(label ? { label } : {}) });
  const place = (id: string, x: number, y: number, data: CanvasNode, height: number) => {
    nodes.push({ id, x, y, data });
    return y + height + GAP;
  };

  /** Lays out a sequence below `from` (a node id); answers its last node (null when the path ends) and the y below it. */
  const sequence = (
    seq: Seq,
    path: SeqPath,
    x: number,
    top: number,
    from: string,
    label?: string,
  ): { exit: string | null; bottom: number } => {
    const key = pathKey(path);
    let y = place(`add:${key}:0`, x, top, { kind: 'add', slot: { path, index: 0 } }, HEIGHT.add);
    edge(from, `add:${key}:0`, label);
    let previous: string | null = `add:${key}:0`;
    for (const [index, block] of seq.entries()) {
      if (block.kind === 'end') {
        y = place(`end:${key}:${index}`, x, y, { kind: 'end', slot: { path, index } }, HEIGHT.end);
        edge(previous!, `end:${key}:${index}`);
        return { exit: null, bottom: y };
      }
      const id = block.step.id;
      y = place(
        id,
        x,
        y,
        { kind: 'step', step: block.step, block: block.kind, first: index === 0, last: index === seq.length - 1 },
        HEIGHT.step,
      );
      edge(previous!, id);
      previous = id;
      if (block.kind !== 'step') {
        const result = fanOut(block, path, index, x, y);
        if (result.exit === null) return { exit: null, bottom: result.bottom };
        previous = result.exit;
        y = result.bottom;
      }
      const add = `add:${key}:${index + 1}`;
      y = place(add, x, y, { kind: 'add', slot: { path, index: index + 1 } }, HEIGHT.add);
      edge(previous, add);
      previous = add;
    }
    return { exit: previous, bottom: y };
  };

  /** The paths of a compound block side by side, and where they meet. */
  const fanOut = (
    block: Exclude<StepBlock, { kind: 'step' }>,
    path: SeqPath,
    index: number,
    x: number,
    top: number,
  ): { exit: string | null; bottom: number } => {
    const nested = children(block);
    const widths = nested.map(widthOf);
    let left = x - (widths.reduce((a, b) => a + b, 0) * COLUMN) / 2;
    const exits: string[] = [];
    let bottom = top;
    for (const [child, seq] of nested.entries()) {
      const centre = left + (widths[child]! * COLUMN) / 2;
      left += widths[child]! * COLUMN;
      const label =
        block.kind === 'branch'
          ? child < block.paths.length
            ? names.path(block, child)
            : names.otherwise()
          : block.kind === 'parallel'
            ? names.lane(child)
            : names.body();
      const result = sequence(seq, [...path, { block: index, child }], centre, top, block.step.id, label);
      if (result.exit) exits.push(result.exit);
      bottom = Math.max(bottom, result.bottom);
    }
    if (exits.length === 0) return { exit: null, bottom };
    const meet = block.kind === 'parallel' ? block.join.id : `merge:${block.step.id}`;
    const data: CanvasNode = block.kind === 'parallel' ? { kind: 'join', step: block.join, parallel: block.step.id } : { kind: 'merge' };
    const below = place(meet, x, bottom, data, block.kind === 'parallel' ? HEIGHT.join : HEIGHT.merge);
    for (const exit of exits) edge(exit, meet);
    return { exit: meet, bottom: below };
  };

  place('trigger', 0, 0, { kind: 'trigger' }, HEIGHT.trigger);
  const main = sequence(flow, [], 0, HEIGHT.trigger + GAP, 'trigger');
  if (main.exit) {
    place('end', 0, main.bottom, { kind: 'end', slot: null }, HEIGHT.end);
    edge(main.exit, 'end');
  }
  return { nodes, edges };
}
