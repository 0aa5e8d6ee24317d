import { describe, expect, it } from 'vitest';
import { countConditions, fromFilter, toFilter, type FilterGroup } from '../../runtime-ui/kit/src/filters/filter-model.js';

// The runtime UI's filter builder edits a tree; the URL and the records API carry the
// filter language. These are the two conversions between them.

describe('filter builder model', () => {
  it.each<{ name: string; group: FilterGroup; filter: unknown }>([
    { name: 'an empty group is no filter', group: { kind: 'group', combinator: 'and', children: [] }, filter: undefined },
    {
      name: 'conditions under and',
      group: {
        kind: 'group',
        combinator: 'and',
        children: [
          { kind: 'condition', field: 'stage', op: 'eq', value: 'won' },
          { kind: 'condition', field: 'amount', op: 'between', value: ['1', '9'] },
        ],
      },
      filter: {
        and: [
          { field: 'stage', op: 'eq', value: 'won' },
          { field: 'amount', op: 'between', value: ['1', '9'] },
        ],
      },
    },
    {
      name: 'a nested or group, and an operator without operand',
      group: {
        kind: 'group',
        combinator: 'and',
        children: [
          { kind: 'condition', field: 'close_date', op: 'isEmpty' },
          {
            kind: 'group',
            combinator: 'or',
            children: [
              { kind: 'condition', field: 'close_date', op: 'relative', value: 'this_quarter' },
              { kind: 'condition', field: 'title', op: 'contains', value: 'Acme' },
            ],
          },
        ],
      },
      filter: {
        and: [
          { field: 'close_date', op: 'isEmpty' },
          {
            or: [
              { field: 'close_date', op: 'relative', value: 'this_quarter' },
              { field: 'title', op: 'contains', value: 'Acme' },
            ],
          },
        ],
      },
    },
  ])('$name', ({ group, filter }) => {
    expect(toFilter(group)).toEqual(filter);
    if (filter !== undefined) expect(fromFilter(filter)).toEqual(group);
  });

  it('leaves out conditions the user has not finished', () => {
    const group: FilterGroup = {
      kind: 'group',
      combinator: 'or',
      children: [
        { kind: 'condition', field: '', op: '' },
        { kind: 'condition', field: 'title', op: 'eq', value: '' },
        { kind: 'condition', field: 'amount', op: 'between', value: ['1', ''] },
        { kind: 'condition', field: 'stage', op: 'in', value: [] },
        { kind: 'condition', field: 'stage', op: 'ne', value: 'lost' },
      ],
    };
    expect(toFilter(group)).toEqual({ or: [{ field: 'stage', op: 'ne', value: 'lost' }] });
    expect(countConditions(group)).toBe(5);
  });

  it('reads a single condition, and ignores what is not a filter', () => {
    expect(fromFilter({ field: 'stage', op: 'eq', value: 'new' })).toEqual({
      kind: 'group',
      combinator: 'and',
      children: [{ kind: 'condition', field: 'stage', op: 'eq', value: 'new' }],
    });
    expect(fromFilter('nonsense')).toEqual({ kind: 'group', combinator: 'and', children: [] });
    expect(fromFilter(null)).toEqual({ kind: 'group', combinator: 'and', children: [] });
  });
});
