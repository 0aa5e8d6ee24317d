import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { FORMATS } from './formats.js';
import { linearRegExp, patternProblem, schemaPatternProblems } from './linear-pattern.js';

describe('linear-time field patterns', () => {
  it('keeps each pattern apart in one ajv (ajv keys compiled patterns by their text)', () => {
    const ajv = new Ajv2020({ code: { regExp: linearRegExp } });
    const validate = ajv.compile({
      type: 'object',
      properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } },
    });
    expect(validate({ a: 'aaa', b: 'bbb' })).toBe(true);
    expect(validate({ a: 'bbb' })).toBe(false);
    expect(validate({ b: 'aaa' })).toBe(false);
  });

  it('runs a backtracking pattern over a long hostile value at once', () => {
    const re = linearRegExp('^[\\s\\S]*[\\s\\S]*[\\s\\S]*[\\s\\S]*x$', 'u');
    const started = performance.now();
    expect(re.test('a'.repeat(5_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('runs the built-in formats, which RE2 cannot take, in JavaScript', () => {
    expect(linearRegExp(FORMATS.email.source, 'u').test('ana@example.com')).toBe(true);
    expect(linearRegExp(FORMATS.url.source, 'u').test('https://example.com/a')).toBe(true);
  });

  it.each([
    ['^[A-Z]{2}-\\d{4}$', undefined],
    ['^(a+)+$', undefined],
    ['(', 'BAD_FORMAT'],
    ['(?<x>a+)\\k<x>', 'UNSAFE_PATTERN'],
    ['(?!a)b', 'UNSAFE_PATTERN'],
  ])('patternProblem(%s) is %s', (pattern, code) => {
    expect(patternProblem(pattern)?.code).toBe(code);
  });

  it('finds the patterns of an admin-written schema, with pointers, and skips data keywords', () => {
    const schema = {
      type: 'object',
      properties: { pattern: { type: 'string', pattern: '(?=x)' }, ok: { pattern: '^a$' } },
      patternProperties: { '^(?!_)': {} },
      examples: [{ pattern: '(?=y)' }],
    };
    expect(schemaPatternProblems(schema, '/workflows/0/trigger/schema').map((p) => [p.pointer, p.code])).toEqual([
      ['/workflows/0/trigger/schema/properties/pattern/pattern', 'UNSAFE_PATTERN'],
      ['/workflows/0/trigger/schema/patternProperties/^(?!_)', 'UNSAFE_PATTERN'],
    ]);
  });
});
