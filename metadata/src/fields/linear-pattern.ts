import { RE2JS } from 're2js';
import { pointerSegment, type Problem } from '../schema/problems.js';
import { FORMATS } from './formats.js';

/** What a validator needs of a compiled pattern (ajv's `RegExpLike`). */
export interface PatternMatcher {
  test(value: string): boolean;
}

/**
 * The platform's own format patterns, written and reviewed here and bounded by the
 * value's maxLength. They keep JavaScript's engine because they use what RE2 lacks
 * (the e-mail pattern's length look-ahead, the url's {0,2000}); nothing an admin
 * writes is ever in this set.
 */
const BUILT_IN = new Set<string>(Object.values(FORMATS).map((re) => re.source));

/**
 * Compiles a metadata pattern (a field's `pattern`) for RE2, whose matching time is
 * linear in the value's length whatever the pattern: backtracking patterns such as
 * `^[\s\S]*[\s\S]*x$` or `^(([a-z])+.)+$` cannot stall the process. Throws the engine's
 * error for what RE2 does not accept (look-around, back-references, repeat counts
 * above 1000).
 */
export function compileLinearPattern(pattern: string): PatternMatcher {
  const re = RE2JS.compile(pattern);
  // A pattern is unanchored in JSON Schema: it must match somewhere in the value.
  return { test: (value: string) => re.test(value) };
}

/**
 * Why `pattern` cannot be used as a field pattern, or undefined when it can. It must
 * be valid for RE2 (which runs it) and for JavaScript with the `u` flag (JSON Schema's
 * dialect, which the OpenAPI document hands to clients).
 */
export function patternProblem(pattern: string): { code: 'BAD_FORMAT' | 'UNSAFE_PATTERN'; message: string } | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return { code: 'BAD_FORMAT', message: 'not a valid regular expression' };
  }
  try {
    RE2JS.compile(pattern);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : 'unsupported';
    return {
      code: 'UNSAFE_PATTERN',
      message: `not accepted by the linear-time engine (RE2: no look-around, back-references or repeat counts above 1000): ${reason}`,
    };
  }
  return undefined;
}

/**
 * ajv's `code.regExp` engine for record schemas: field patterns run in RE2; only the
 * built-in format patterns run in JavaScript's engine. ajv keys compiled patterns by
 * `toString()`, so each matcher says its own source.
 */
export const linearRegExp = Object.assign(
  (pattern: string, flags: string): PatternMatcher => {
    const matcher = BUILT_IN.has(pattern) ? new RegExp(pattern, flags) : compileLinearPattern(pattern);
    return { test: (value: string) => matcher.test(value), toString: () => `/${pattern}/${flags}` } as PatternMatcher;
  },
  { code: 'linearRegExp' },
);

/** Keywords whose values are data, not schemas: a `pattern` key inside them is no pattern. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/**
 * Problems of every regular expression inside an admin-written JSON Schema (a webhook's
 * payload schema, a manual trigger's input form): `pattern` values and the keys of
 * `patternProperties`, each with its pointer under `at`. They run in the same engine.
 */
export function schemaPatternProblems(schema: unknown, at: string): Problem[] {
  const problems: Problem[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (DATA_KEYWORDS.has(key)) continue;
      const here = `${path}/${pointerSegment(key)}`;
      if (key === 'pattern' && typeof value === 'string') {
        const problem = patternProblem(value);
        if (problem) problems.push({ pointer: here, ...problem });
      }
      if (key === 'patternProperties' && value !== null && typeof value === 'object') {
        for (const re of Object.keys(value)) {
          const problem = patternProblem(re);
          if (problem) problems.push({ pointer: `${here}/${pointerSegment(re)}`, ...problem });
        }
      }
      walk(value, here);
    }
  };
  walk(schema, at);
  return problems;
}
