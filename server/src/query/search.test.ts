import { describe, expect, it } from 'vitest';
import { QueryError } from './query.errors.js';
import { deal, fieldTypes } from './query.fixture.js';
import { compileSearch } from './search.js';

const search = (q: string, canRead?: (field: string) => boolean) => compileSearch(q, deal, { fieldTypes, canRead });
const TEXT_FIELDS = ['title', 'notes', 'email', 'phone', 'site', 'ref', 'summary'];
const rx = (field: string, pattern: string) => ({ [field]: { $regex: pattern, $options: 'i' } });

describe('compileSearch', () => {
  it('ORs an escaped, case-insensitive regex over the text-like fields, leaving out rich text', () => {
    expect(search('acme')).toEqual({ $or: TEXT_FIELDS.map((f) => rx(f, 'acme')) });
  });

  it('needs every word to match somewhere: an AND of per-word ORs', () => {
    expect(search('  acme   (EU)  ')).toEqual({
      $and: [{ $or: TEXT_FIELDS.map((f) => rx(f, 'acme')) }, { $or: TEXT_FIELDS.map((f) => rx(f, '\\(EU\\)')) }],
    });
  });

  it('counts a word once, whatever its case', () => {
    expect(search('Acme ACME acme')).toEqual(search('acme'));
  });

  it('finds select options by key or label in either language', () => {
    const branches = (q: string): unknown[] => (search(q) as { $or: unknown[] }).$or;
    expect(branches('赢单')).toEqual(expect.arrayContaining([...TEXT_FIELDS.map((f) => rx(f, '赢单')), { stage: { $in: ['won'] } }]));
    expect(branches('赢单')).toHaveLength(TEXT_FIELDS.length + 1);
    expect(branches('NEW')).toEqual(expect.arrayContaining([{ stage: { $in: ['new'] } }, { tags: { $in: ['new_logo'] } }]));
    expect(branches('NEW')).toHaveLength(TEXT_FIELDS.length + 2);
  });

  it('leaves out fields the actor may not read', () => {
    expect(search('x', (f) => f === 'title')).toEqual({ $or: [rx('title', 'x')] });
  });

  it('matches nothing when no field can be searched', () => {
    expect(search('x', () => false)).toEqual({ _id: { $in: [] } });
  });

  it.each(['', '   ', '\t\n'])('is no condition for a blank search %j', (q) => {
    expect(search(q)).toEqual({});
  });

  it('takes exactly 200 characters and 5 words', () => {
    expect(() => search('x'.repeat(200))).not.toThrow();
    expect(() => search('a b c d e')).not.toThrow();
  });

  it.each<[string, string]>([
    ['201 characters', 'x'.repeat(201)],
    ['six words', 'a b c d e f'],
    ['a NUL character', 'a\0b'],
  ])('refuses %s with 400 SEARCH_INVALID', (_name, q) => {
    let caught: unknown;
    try {
      search(q);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QueryError);
    expect({
      status: (caught as QueryError).status,
      code: (caught as QueryError).code,
      pointer: (caught as QueryError).details.pointer,
    }).toEqual({ status: 400, code: 'SEARCH_INVALID', pointer: '/q' });
  });
});
