import type { Workflow } from '@metacrm/metadata';
import { crmWorkflows } from '../../../metadata/apps/crm/workflows';
import { describe, expect, it } from 'vitest';
import { addBranchPath, changeBlock, insertBlock, moveStep, newBlock, removeBranchPath, removeStep } from './flow-edit';
import { OPEN, heldProblems, isHeld, parseFlow, serializeFlow, type Seq } from './flow-model';

type Steps = Pick<Workflow, 'start' | 'steps'>;
const s = (id: string, extra: Record<string, unknown> = {}) =>
  ({ id, type: 'update_record', config: {}, ...extra }) as Workflow['steps'][number];
const parsed = (wf: Steps): Seq => {
  const result = parseFlow(wf);
  if (!result.ok) throw new Error(`${result.reason} ${result.step}`);
  return result.flow;
};

/** The quote approval of the standard CRM: two branching steps whose paths meet again. */
const approval: Steps = {
  start: 'check',
  steps: [
    s('check', { type: 'set_variables', branches: [{ when: { var: 'vars.large' }, next: 'pending' }, { next: 'approve' }] }),
    s('pending', { next: 'ask' }),
    s('ask', { type: 'approval', branches: [{ when: { '==': [1, 1] }, next: 'approve' }, { next: 'reject' }] }),
    s('approve'),
    s('reject', { next: 'tell' }),
    s('tell', { type: 'notify' }),
  ],
};

const parallel: Steps = {
  start: 'fork',
  steps: [
    s('fork', { type: 'parallel', config: { branches: ['a', 'b'], join: 'meet' } }),
    s('a', { next: 'meet' }),
    s('b', { next: 'b2' }),
    s('b2', { next: 'meet' }),
    s('meet', { type: 'join', next: 'each' }),
    s('each', { type: 'loop', config: { entity: 'task', body: 'touch' }, next: 'done' }),
    s('touch'),
    s('done'),
  ],
};

describe('parseFlow and serializeFlow', () => {
  it('reads branches as paths that meet again, a path that ends the run early, and writes the same graph back', () => {
    const flow = parsed(approval);
    expect(flow.map((b) => b.kind)).toEqual(['branch', 'step']);
    const check = flow[0]!;
    if (check.kind !== 'branch') throw new Error('branch');
    // Large: pending, then ask; otherwise straight on to approve, where both paths meet.
    expect(check.paths[0]!.seq.map((b) => (b.kind === 'end' ? 'end' : b.step.id))).toEqual(['pending', 'ask']);
    expect(check.otherwise).toEqual([]);
    const ask = check.paths[0]!.seq[1]!;
    if (ask.kind !== 'branch') throw new Error('branch');
    // Approved goes on to approve; rejected ends the run after telling.
    expect(ask.paths[0]!.seq).toEqual([]);
    expect(ask.otherwise.map((b) => (b.kind === 'end' ? 'end' : b.step.id))).toEqual(['reject', 'tell', 'end']);
    const back = serializeFlow(flow);
    expect(parseFlow(back)).toEqual({ ok: true, flow });
    const byId = new Map(back.steps.map((step) => [step.id, step]));
    expect(byId.get('check')).toMatchObject({ next: 'approve', branches: [{ when: { var: 'vars.large' }, next: 'pending' }] });
    expect(byId.get('ask')).toMatchObject({ next: 'reject', branches: [{ next: 'approve' }] });
    expect(byId.get('reject')!.next).toBe('tell');
    expect(byId.get('tell')!.next).toBeUndefined();
    expect(byId.get('approve')!.next).toBeUndefined();
  });

  it('reads a parallel with its lanes and join, and a loop with its body', () => {
    const flow = parsed(parallel);
    expect(flow.map((b) => `${b.kind}:${b.kind === 'end' ? '' : b.step.id}`)).toEqual(['parallel:fork', 'loop:each', 'step:done']);
    const back = serializeFlow(flow);
    expect(back.start).toBe('fork');
    expect(back.steps.map((step) => step.id)).toEqual(['fork', 'a', 'b', 'b2', 'meet', 'each', 'touch', 'done']);
    expect(new Map(back.steps.map((step) => [step.id, step]))).toEqual(new Map(parallel.steps.map((step) => [step.id, step])));
  });

  it.each(crmWorkflows.map((w) => [w.key, w] as const))(
    "draws the standard CRM's %s and writes it back as it was read",
    (_key, workflow) => {
      const flow = parsed(workflow);
      expect(parseFlow(serializeFlow(flow))).toEqual({ ok: true, flow });
    },
  );

  it.each([
    [
      'a step reached from two places outside a branch',
      {
        start: 'a',
        steps: [
          s('a', { type: 'parallel', config: { branches: ['b', 'c'], join: 'j' } }),
          s('b', { next: 'c' }),
          s('c', { next: 'j' }),
          s('j', { type: 'join' }),
        ],
      },
      'twice',
    ],
    ['a cycle', { start: 'a', steps: [s('a', { next: 'b' }), s('b', { next: 'a' })] }, 'twice'],
    ['a step nothing reaches', { start: 'a', steps: [s('a'), s('orphan')] }, 'unreached'],
    ['a link to no step', { start: 'a', steps: [s('a', { next: 'gone' })] }, 'missing'],
  ])('reports %s instead of drawing it', (_name, wf, reason) => {
    expect(parseFlow(wf as Steps)).toMatchObject({ ok: false, reason });
  });
});

describe('editing the flow', () => {
  const base = (): Seq => parsed({ start: 'one', steps: [s('one', { next: 'two' }), s('two')] });

  it('inserts a condition whose path is open until it holds a step, and holds it back from saving till then', () => {
    let flow = insertBlock(base(), { path: [], index: 2 }, newBlock({ type: 'set_variables', condition: true }, base(), 'deal'));
    let wf = serializeFlow(flow);
    expect(wf.steps.map((step) => step.id)).toEqual(['one', 'two', 'condition']);
    expect(wf.steps[2]).toMatchObject({ branches: [{ when: null, next: OPEN }] });
    expect(isHeld(wf)).toBe(true);
    expect(heldProblems(wf).get('condition')).toEqual(['condition', 'emptyPath']);
    // A step in the yes path, and the condition set: nothing held any more.
    flow = insertBlock(flow, { path: [{ block: 2, child: 0 }], index: 0 }, newBlock({ type: 'send_email' }, flow, 'deal'));
    flow = changeBlock(flow, 'condition', (b) =>
      b.kind === 'branch' ? { ...b, paths: [{ ...b.paths[0]!, when: { '>': [{ var: 'record.budget' }, 100000] } }] } : b,
    );
    wf = serializeFlow(flow);
    expect(isHeld(wf)).toBe(false);
    expect(wf.steps.find((step) => step.id === 'condition')).toMatchObject({
      branches: [{ when: { '>': [{ var: 'record.budget' }, 100000] }, next: 'send_email' }],
    });
    expect(wf.steps.find((step) => step.id === 'condition')!.next).toBeUndefined();
    expect(parseFlow(wf)).toEqual({ ok: true, flow });
  });

  it('inserts a parallel with two lanes and its join, and a loop whose body must hold a step', () => {
    let flow = insertBlock(base(), { path: [], index: 1 }, newBlock({ type: 'parallel', control: 'parallel' }, base(), undefined));
    const wf = serializeFlow(flow);
    expect(wf.steps.map((step) => step.id)).toEqual(['one', 'parallel', 'join', 'two']);
    expect(wf.steps[1]!.config).toEqual({ branches: ['join', 'join'], join: 'join' });
    flow = insertBlock(flow, { path: [], index: 0 }, newBlock({ type: 'loop', control: 'loop' }, flow, 'deal'));
    expect(heldProblems(serializeFlow(flow)).get('loop')).toEqual(['emptyBody']);
  });

  it('moves a step within its path, and removes a step or a whole branch', () => {
    expect(serializeFlow(moveStep(base(), 'two', -1)).steps.map((step) => step.id)).toEqual(['two', 'one']);
    expect(serializeFlow(moveStep(base(), 'one', -1)).steps.map((step) => step.id)).toEqual(['one', 'two']);
    expect(serializeFlow(removeStep(base(), 'one'))).toEqual({ start: 'two', steps: [s('two')] });
    const branching = parsed(approval);
    expect(serializeFlow(removeStep(branching, 'check'))).toEqual({ start: 'approve', steps: [approval.steps[3]] });
  });

  it('adds condition paths to a step, and a step whose last path goes is plain again with its otherwise path after it', () => {
    let flow = changeBlock(base(), 'one', addBranchPath);
    expect(flow[0]!.kind).toBe('branch');
    flow = changeBlock(flow, 'one', addBranchPath);
    const first = flow[0]!;
    expect(first.kind === 'branch' && first.paths.length).toBe(2);
    flow = removeBranchPath(removeBranchPath(flow, 'one', 0), 'one', 0);
    expect(serializeFlow(flow)).toEqual(serializeFlow(base()));
  });
});
