import { localizeProblems, type Language, type Problem, type ProblemCode } from '@metacrm/metadata';
import type { AppError } from './app-error.js';

/** The one shape of `details` that names what is wrong: `{problems, ...context}`. */
export interface ProblemDetails {
  problems: Problem[];
  [context: string]: unknown;
}

/** Error codes whose single problem has a more telling problem code than INVALID. */
const PROBLEM_CODE_OF: Partial<Record<string, ProblemCode>> = {
  FILTER_FIELD_UNKNOWN: 'UNKNOWN_FIELD',
  SORT_FIELD_UNKNOWN: 'UNKNOWN_FIELD',
  FILTER_OPERATOR_NOT_ALLOWED: 'OPERATOR_NOT_ALLOWED',
  FILTER_TOO_COMPLEX: 'OUT_OF_RANGE',
  FIELD_NOT_WRITABLE: 'IMMUTABLE',
};

/**
 * The details of an error as the API answers them, in `lang`. Whatever a domain put
 * there (a list of problems, `{problems}`, or the `{pointer, field}` of a refused
 * query) comes out as `{problems: [{pointer, code, message, params?}], ...context}`,
 * so a client reads every refusal the same way (`field` and other context stay beside
 * the problems; the pointer moves into them). Details that name no problem at all
 * (`{entity, operation}` of a 403) are context and pass unchanged.
 */
export function problemDetails(error: AppError, lang: Language): unknown {
  const details = error.details;
  if (details === undefined || details === null) return details;
  if (Array.isArray(details)) return { problems: problemsIn(details, error, lang) };
  if (typeof details !== 'object') return details;
  const { problems, pointer, ...context } = details as Record<string, unknown>;
  const field = context.field;
  if (Array.isArray(problems)) return { ...(details as object), problems: problemsIn(problems, error, lang) };
  if (typeof pointer !== 'string') return details;
  const code = PROBLEM_CODE_OF[error.code] ?? 'INVALID';
  const one: Problem = { pointer, code, message: error.message, ...(typeof field === 'string' ? { params: { field } } : {}) };
  return { ...context, problems: problemsIn([one], error, lang) };
}

function problemsIn(items: unknown[], error: AppError, lang: Language): Problem[] {
  const problems = items
    .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null)
    .map((p) => {
      // A code outside the list (an import's AMBIGUOUS_REFERENCE) stays as it is; its message too.
      const code = (typeof p.code === 'string' ? p.code : 'INVALID') as ProblemCode;
      const params = typeof p.params === 'object' && p.params !== null ? (p.params as Record<string, unknown>) : undefined;
      // A problem without its own message is explained by the error's.
      const message = typeof p.message === 'string' && p.message !== '' ? p.message : error.message;
      const out: Problem = { ...p, pointer: typeof p.pointer === 'string' ? p.pointer : '', code, message };
      if (params) out.params = params;
      return out;
    });
  return localizeProblems(problems, lang);
}
