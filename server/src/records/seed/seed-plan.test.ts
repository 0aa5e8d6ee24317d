import { describe, expect, it } from 'vitest';
import { recordHash, seedPlan, type SeedLookup } from './seed-plan.js';

const graph = (edges: Record<string, SeedLookup[]>) => (entity: string) => edges[entity] ?? [];
const cyclic = (plan: ReturnType<typeof seedPlan>) => Object.fromEntries([...plan.cyclic].map(([e, fields]) => [e, [...fields].sort()]));

describe('seedPlan', () => {
  it.each<[string, string[], Record<string, SeedLookup[]>, string[], Record<string, string[]>]>([
    [
      'targets before the records that point at them',
      ['opportunity', 'account'],
      { opportunity: [{ field: 'account', target: 'account' }] },
      ['account', 'opportunity'],
      {},
    ],
    [
      'a chain of three, whatever the package order',
      ['line', 'order', 'customer'],
      { line: [{ field: 'order', target: 'order' }], order: [{ field: 'customer', target: 'customer' }] },
      ['customer', 'order', 'line'],
      {},
    ],
    ['a self-lookup as cyclic', ['account'], { account: [{ field: 'parent', target: 'account' }] }, ['account'], { account: ['parent'] }],
    [
      'a cycle of two together, in package order, before what points into it',
      ['contact', 'company', 'deal'],
      {
        contact: [{ field: 'employer', target: 'company' }],
        company: [{ field: 'main_contact', target: 'contact' }],
        deal: [{ field: 'company', target: 'company' }],
      },
      ['contact', 'company', 'deal'],
      { company: ['main_contact'], contact: ['employer'] },
    ],
    [
      'lookups to entities outside the seed ignored',
      ['opportunity'],
      { opportunity: [{ field: 'owner_team', target: 'team' }] },
      ['opportunity'],
      {},
    ],
  ])('orders %s', (_what, entities, edges, order, cycles) => {
    const plan = seedPlan(entities, graph(edges));
    expect(plan.order).toEqual(order);
    expect(cyclic(plan)).toEqual(cycles);
  });

  it('keeps a lookup out of a cycle cyclic only where it closes one', () => {
    const plan = seedPlan(
      ['a', 'b', 'c'],
      graph({
        a: [
          { field: 'b', target: 'b' },
          { field: 'c', target: 'c' },
        ],
        b: [{ field: 'a', target: 'a' }],
      }),
    );
    expect(plan.order).toEqual(['c', 'a', 'b']);
    expect(cyclic(plan)).toEqual({ a: ['b'], b: ['a'] });
  });
});

describe('recordHash', () => {
  it('is the same for the same record whatever its key order, and differs when a value does', () => {
    expect(recordHash({ id: '1', name: 'Acme', tags: ['a'] })).toBe(recordHash({ tags: ['a'], name: 'Acme', id: '1' }));
    expect(recordHash({ id: '1', name: 'Acme' })).not.toBe(recordHash({ id: '1', name: 'Acme Ltd' }));
  });
});
