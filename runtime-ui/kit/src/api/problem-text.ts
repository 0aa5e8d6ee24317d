import { localizeProblems, problemMessage, type Problem } from '@metacrm/metadata';
import type { Locale } from '../i18n/locale';

// Server problems carry a code and params; their words come from the metadata package's
// catalogue (problemMessage), the one the server answers with, so the browser says the
// same thing as the API, in the language the user chose in the app (the server's answer
// follows the browser's Accept-Language, which may differ).

/** The problems of an error answer (`details.problems`), empty when it has none. */
export function problemsOf(error: { details?: unknown }): Problem[] {
  const problems = (error.details as { problems?: unknown } | null | undefined)?.problems;
  return Array.isArray(problems) ? (problems as Problem[]) : [];
}

/** The problems in `locale`, from the shared catalogue. */
export function localizedProblems(error: { details?: unknown }, locale: Locale): Problem[] {
  return localizeProblems(problemsOf(error), locale);
}

/**
 * One line for an error: its problems' messages in `locale` (joined), else the error's
 * own message. `first` keeps only the first problem (a toast).
 */
export function problemText(error: { details?: unknown; message: string }, locale: Locale, options: { first?: boolean } = {}): string {
  const problems = problemsOf(error);
  if (problems.length === 0) return error.message;
  const shown = options.first ? problems.slice(0, 1) : problems;
  return shown.map((p) => problemMessage(p, locale)).join('; ');
}
