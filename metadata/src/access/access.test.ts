import { describe, expect, it } from 'vitest';
import { maskValue } from './mask.js';
import { rowFilterToFilter, type RowFilterUser } from './row-filter.js';

const user: RowFilterUser = { id: 'u1', email: 'a@b.c', name: 'Ann', locale: 'en', departmentId: 'd1', roles: ['sales'] };

describe('rowFilterToFilter', () => {
  it('turns comparisons with $user values into filter conditions, flipping reversed operands', () => {
    expect(
      rowFilterToFilter(
        {
          and: [
            { '==': [{ var: 'region' }, 'north'] },
            { '<': [100, { var: 'amount' }] },
            { '==': [{ var: '$user.departmentId' }, { var: 'team' }] },
          ],
        },
        user,
      ),
    ).toEqual({
      filter: {
        and: [
          { field: 'region', op: 'eq', value: 'north' },
          { field: 'amount', op: 'gt', value: 100 },
          { field: 'team', op: 'eq', value: 'd1' },
        ],
      },
    });
  });

  it('handles or, not, in, contains, has-a-value and null', () => {
    const logic = {
      or: [
        { '!': { in: [{ var: 'stage' }, ['won', 'lost']] } },
        { in: ['vip', { var: 'tags' }] },
        { '!!': { var: 'email' } },
        { '==': [{ var: 'closed_at' }, null] },
      ],
    };
    expect(rowFilterToFilter(logic, user).filter).toEqual({
      or: [
        { not: { field: 'stage', op: 'in', value: ['won', 'lost'] } },
        { field: 'tags', op: 'contains', value: 'vip' },
        { field: 'email', op: 'isNotEmpty' },
        { field: 'closed_at', op: 'isEmpty' },
      ],
    });
  });

  it('refuses what a query cannot express, pointing at the part', () => {
    const result = rowFilterToFilter(
      { and: [{ '==': [{ var: 'a' }, 1] }, { '+': [1, 2] }, { '==': [{ var: 'a' }, { var: 'b' }] }, { '==': [{ var: '$now' }, 1] }] },
      user,
      '/roles/0/entities/deal/rowFilter',
    );
    expect(result.problems?.map((p) => [p.pointer, p.code])).toEqual([
      ['/roles/0/entities/deal/rowFilter/and/1', 'ROW_FILTER_UNSUPPORTED'],
      ['/roles/0/entities/deal/rowFilter/and/2', 'ROW_FILTER_UNSUPPORTED'],
      ['/roles/0/entities/deal/rowFilter/and/3', 'ROW_FILTER_UNSUPPORTED'],
    ]);
  });

  it('refuses huge filters and prototype keys', () => {
    const deep = Array.from({ length: 300 }, (_, i) => ({ '==': [{ var: 'a' }, i] }));
    expect(rowFilterToFilter({ or: deep }, user).problems?.[0]?.code).toBe('ROW_FILTER_UNSUPPORTED');
    expect(rowFilterToFilter(JSON.parse('{"__proto__": [1]}'), user).problems?.[0]?.code).toBe('ROW_FILTER_UNSUPPORTED');
    expect(rowFilterToFilter({ '==': [{ var: '$user.constructor' }, 1] }, user).problems?.[0]?.code).toBe('ROW_FILTER_UNSUPPORTED');
  });
});

describe('maskValue', () => {
  it('keeps the start and end it is told to', () => {
    expect(maskValue('13812341234', { keepStart: 3, keepEnd: 4 })).toBe('138****1234');
    expect(maskValue('ann@example.com', { keepStart: 1, char: '•' })).toBe('a••••••••••••••');
    expect(maskValue('张三丰', { keepStart: 1 })).toBe('张**');
  });

  it('hides a value too short for the mask whole, and leaves empty values alone', () => {
    expect(maskValue('12345', { keepStart: 3, keepEnd: 4 })).toBe('*****');
    expect(maskValue(null, { keepStart: 1 })).toBeNull();
    expect(maskValue(['13812341234'], { keepEnd: 2 })).toEqual(['*********34']);
  });
});
