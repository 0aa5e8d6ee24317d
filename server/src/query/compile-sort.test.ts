import { describe, expect, it } from 'vitest';
import { compileSort } from './compile-sort.js';
import { QueryError, type QueryErrorCode } from './query.errors.js';
import { deal, fieldTypes } from './query.fixture.js';

const sortOf = (sort: string | undefined, canRead?: (field: string) => boolean) => compileSort(sort, deal, { fieldTypes, canRead });

/** The spec as [field, direction] pairs: key order is the sort's priority order. */
const pairs = (sort: string | undefined): [string, unknown][] => Object.entries(sortOf(sort).spec);

describe('compileSort', () => {
  it.each<[string | undefined, [string, 1 | -1][]]>([
    [
      undefined,
      [
        ['_createdAt', -1],
        ['_id', -1],
      ],
    ],
    [
      '',
      [
        ['_createdAt', -1],
        ['_id', -1],
      ],
    ],
    [
      'amount',
      [
        ['amount', 1],
        ['_id', 1],
      ],
    ],
    [
      '-amount',
      [
        ['amount', -1],
        ['_id', -1],
      ],
    ],
    [
      '-amount,title',
      [
        ['amount', -1],
        ['title', 1],
        ['_id', 1],
      ],
    ],
    [
      'stage,-due',
      [
        ['stage', 1],
        ['due', -1],
        ['_id', -1],
      ],
    ],
    [
      ' qty , -seen_at ',
      [
        ['qty', 1],
        ['seen_at', -1],
        ['_id', -1],
      ],
    ],
    [
      'active',
      [
        ['active', 1],
        ['_id', 1],
      ],
    ],
    [
      'account',
      [
        ['account', 1],
        ['_id', 1],
      ],
    ],
    [
      'expected',
      [
        ['expected', 1],
        ['_id', 1],
      ],
    ],
    [
      '-_updatedAt',
      [
        ['_updatedAt', -1],
        ['_id', -1],
      ],
    ],
    ['_id', [['_id', 1]]],
    ['-_id', [['_id', -1]]],
    [
      '_version,-_id',
      [
        ['_version', 1],
        ['_id', -1],
      ],
    ],
    [
      'title,qty,price,due,-stage',
      [
        ['title', 1],
        ['qty', 1],
        ['price', 1],
        ['due', 1],
        ['stage', -1],
        ['_id', -1],
      ],
    ],
  ])('%j', (sort, expected) => {
    expect(pairs(sort)).toEqual(expected);
    expect(sortOf(sort).keys).toEqual(expected.map(([field, direction]) => ({ field, direction })));
  });

  it.each<[string, string, QueryErrorCode, string]>([
    ['an unknown field', 'colour', 'SORT_FIELD_UNKNOWN', '/sort/0'],
    ['an unknown second field', 'title,-colour', 'SORT_FIELD_UNKNOWN', '/sort/1'],
    ['an operator', '$where', 'SORT_FIELD_UNKNOWN', '/sort/0'],
    ['__proto__', '__proto__', 'SORT_FIELD_UNKNOWN', '/sort/0'],
    ['a path', 'account.name', 'SORT_FIELD_UNKNOWN', '/sort/0'],
    ['a multi select', 'tags', 'SORT_INVALID', '/sort/0'],
    ['long text', '-notes', 'SORT_INVALID', '/sort/0'],
    ['an attachment', 'files', 'SORT_INVALID', '/sort/0'],
    ['six keys', 'title,qty,price,due,stage,amount', 'SORT_INVALID', '/sort/5'],
    ['an empty key', 'title,,qty', 'SORT_INVALID', '/sort/1'],
    ['a bare minus', '-', 'SORT_INVALID', '/sort/0'],
    ['a field twice', 'title,-title', 'SORT_INVALID', '/sort/1'],
    ['a megabyte of commas', ','.repeat(1_000_000), 'SORT_INVALID', '/sort'],
  ])('refuses %s with 400', (_name, sort, code, pointer) => {
    const err = catchError(() => sortOf(sort));
    expect({ status: err.status, code: err.code, pointer: err.details.pointer }).toEqual({ status: 400, code, pointer });
  });

  it('refuses a field that canRead refuses with 403', () => {
    const err = catchError(() => sortOf('title,-amount', (f) => f !== 'amount'));
    expect({ status: err.status, code: err.code, details: err.details }).toEqual({
      status: 403,
      code: 'FIELD_NOT_READABLE',
      details: { pointer: '/sort/1', field: 'amount' },
    });
  });
});

function catchError(run: () => unknown): QueryError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error('accepted');
}
