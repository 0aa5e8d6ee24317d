import { describe, expect, it } from 'vitest';
import { filterToRowFilter, rowFilterToFilter, type FilterLike } from './row-filter';

const v = (field: string) => ({ var: field });

describe('row filter from the filter builder', () => {
  it.each<[string, FilterLike, unknown]>([
    ['eq', { field: 'region', op: 'eq', value: 'north' }, { '==': [v('region'), 'north'] }],
    ['gte', { field: 'amount', op: 'gte', value: '100' }, { '>=': [v('amount'), '100'] }],
    ['in', { field: 'stage', op: 'in', value: ['a', 'b'] }, { in: [v('stage'), ['a', 'b']] }],
    ['nin', { field: 'stage', op: 'nin', value: ['a'] }, { '!': { in: [v('stage'), ['a']] } }],
    ['contains', { field: 'title', op: 'contains', value: 'x' }, { in: ['x', v('title')] }],
    ['isNotEmpty', { field: 'phone', op: 'isNotEmpty' }, { '!!': v('phone') }],
    ['isEmpty', { field: 'phone', op: 'isEmpty' }, { '!': { '!!': v('phone') } }],
    [
      'between',
      { field: 'amount', op: 'between', value: ['1', '9'] },
      { and: [{ '>=': [v('amount'), '1'] }, { '<=': [v('amount'), '9'] }] },
    ],
    [
      'a group',
      {
        or: [
          { field: 'a', op: 'eq', value: 1 },
          { field: 'b', op: 'ne', value: 2 },
        ],
      },
      { or: [{ '==': [v('a'), 1] }, { '!=': [v('b'), 2] }] },
    ],
  ])('%s becomes json-logic a query can express', (_, filter, logic) => {
    expect(filterToRowFilter(filter)).toEqual({ logic, unsupported: [] });
  });

  it('names the conditions a row filter cannot hold instead of dropping them', () => {
    const result = filterToRowFilter({
      and: [
        { field: 'closeDate', op: 'relative', value: 'this_month' },
        { field: 'title', op: 'startsWith', value: 'A' },
      ],
    });
    expect(result.unsupported).toEqual(['closeDate relative', 'title startsWith']);
  });

  it.each<[string, FilterLike]>([
    ['eq', { field: 'region', op: 'eq', value: 'north' }],
    ['contains', { field: 'title', op: 'contains', value: 'x' }],
    ['nin', { field: 'stage', op: 'nin', value: ['a'] }],
    ['isEmpty', { field: 'phone', op: 'isEmpty' }],
    ['a group', { and: [{ field: 'a', op: 'lt', value: 3 }, { or: [{ field: 'b', op: 'in', value: ['x'] }] }] }],
  ])('%s reads back into the builder', (_, filter) => {
    expect(rowFilterToFilter(filterToRowFilter(filter).logic)).toEqual(filter);
  });

  it.each([
    ['a $user value', { '==': [v('_ownerId'), v('$user.id')] }],
    ['a field against a field', { '==': [v('a'), v('b')] }],
    ['an unknown operation', { some: [v('a'), true] }],
  ])('leaves %s to the JSON editor', (_, logic) => {
    expect(rowFilterToFilter(logic)).toBeUndefined();
  });
});
