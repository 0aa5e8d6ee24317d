import { children, isStep, stepIds, type Block, type BranchPath, type FlowStep, type Seq, type StepBlock } from './flow-model';

/** Which nested sequence: the block at `block` of the enclosing sequence, and its `child`-th sequence (see `children`). */
export type SeqPath = readonly { block: number; child: number }[];
/** A place between blocks, where "+" inserts. */
export interface Slot {
  path: SeqPath;
  index: number;
}

/** A block with its `child`-th sequence replaced. */
function withChild(block: Block, child: number, seq: Seq): Block {
  if (block.kind === 'branch') {
    if (child < block.paths.length) return { ...block, paths: block.paths.map((p, i) => (i === child ? { ...p, seq } : p)) };
    return { ...block, otherwise: seq };
  }
  if (block.kind === 'parallel') return { ...block, lanes: block.lanes.map((l, i) => (i === child ? seq : l)) };
  if (block.kind === 'loop') return { ...block, body: seq };
  return block;
}

/** The flow with the sequence at `path` changed by `change`. */
export function updateSeq(flow: Seq, path: SeqPath, change: (seq: Seq) => Seq): Seq {
  const [head, ...rest] = path;
  if (!head) return change(flow);
  return flow.map((block, i) =>
    i === head.block ? withChild(block, head.child, updateSeq(children(block)[head.child] ?? [], rest, change)) : block,
  );
}

/** Where a step's block is (a join is found as its parallel's block). */
export function locate(flow: Seq, id: string, path: SeqPath = []): { path: SeqPath; index: number; block: StepBlock } | undefined {
  for (const [index, block] of flow.entries()) {
    if (isStep(block) && (block.step.id === id || (block.kind === 'parallel' && block.join.id === id))) return { path, index, block };
    for (const [child, seq] of children(block).entries()) {
      const found = locate(seq, id, [...path, { block: index, child }]);
      if (found) return found;
    }
  }
  return undefined;
}

export const insertBlock = (flow: Seq, slot: Slot, block: Block): Seq =>
  updateSeq(flow, slot.path, (seq) => [...seq.slice(0, slot.index), block, ...seq.slice(slot.index)]);

/** Removes a step's block, and with a branch, parallel or loop everything inside it. */
export function removeStep(flow: Seq, id: string): Seq {
  const at = locate(flow, id);
  if (!at) return flow;
  return updateSeq(flow, at.path, (seq) => seq.filter((_, i) => i !== at.index));
}

/** Removes an end, so that its path goes on with the flow around it. */
export function removeEnd(flow: Seq, slot: Slot): Seq {
  return updateSeq(flow, slot.path, (seq) => seq.filter((b, i) => !(i === slot.index && b.kind === 'end')));
}

/** Moves a step's block one place up or down in its sequence (never past an end); at either end nothing moves. */
export function moveStep(flow: Seq, id: string, delta: -1 | 1): Seq {
  const at = locate(flow, id);
  if (!at) return flow;
  return updateSeq(flow, at.path, (seq) => {
    const to = at.index + delta;
    if (to < 0 || to >= seq.length || seq[to]!.kind === 'end') return seq;
    const out = [...seq];
    [out[at.index], out[to]] = [out[to]!, out[at.index]!];
    return out;
  });
}

/** Changes a step's block in place. */
export function changeBlock(flow: Seq, id: string, change: (block: StepBlock) => Block): Seq {
  const at = locate(flow, id);
  if (!at) return flow;
  return updateSeq(flow, at.path, (seq) => seq.map((b, i) => (i === at.index ? change(at.block) : b)));
}

/** Gives a plain step condition paths (a first one to set), or adds another path to a branching step. */
export function addBranchPath(block: StepBlock): Block {
  const path: BranchPath = { when: null, seq: [] };
  if (block.kind === 'branch') return { ...block, paths: [...block.paths, path] };
  if (block.kind === 'step') return { kind: 'branch', step: block.step, paths: [path], otherwise: [] };
  return block;
}

/** Drops a condition path and its steps; the last one gone, the step is plain again and its otherwise path follows it. */
export function removeBranchPath(flow: Seq, id: string, index: number): Seq {
  const at = locate(flow, id);
  if (!at || at.block.kind !== 'branch') return flow;
  const block = at.block;
  const paths = block.paths.filter((_, i) => i !== index);
  return updateSeq(flow, at.path, (seq) => {
    if (paths.length > 0) return seq.map((b, i) => (i === at.index ? { ...block, paths } : b));
    // An otherwise path that ends the flow ends it here too: what followed the branch is not reached any more.
    const after = block.otherwise.some((b) => b.kind === 'end') ? [] : seq.slice(at.index + 1);
    return [...seq.slice(0, at.index), { kind: 'step', step: block.step }, ...block.otherwise, ...after];
  });
}

/** A key for a new step, from its type: `send_email`, then `send_email_2`... */
export function newStepId(type: string, flow: Seq): string {
  const taken = new Set(stepIds(flow));
  const base = type.slice(0, 40);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** What "+" inserts for a palette choice: a step, a condition (a step with a first path), a parallel with two lanes and its join, or a loop. */
export function newBlock(
  choice: { type: string; control?: string | null; condition?: boolean },
  flow: Seq,
  entity: string | undefined,
): Block {
  const step: FlowStep = { id: newStepId(choice.condition ? 'condition' : choice.type, flow), type: choice.type, config: {} };
  if (choice.condition)
    return { kind: 'branch', step: { ...step, config: { values: {} } }, paths: [{ when: null, seq: [] }], otherwise: [] };
  if (choice.control === 'parallel') {
    const joinId = newStepId('join', flow);
    return { kind: 'parallel', step, lanes: [[], []], join: { id: joinId, type: 'join', config: {} } };
  }
  if (choice.control === 'loop') return { kind: 'loop', step: { ...step, config: entity ? { entity } : {} }, body: [] };
  return { kind: 'step', step };
}
