import { pickLanguage, type Language } from '@metacrm/metadata';
import type { AppContext } from './context.js';

/**
 * The language of the messages in an answer: the first of ours that the request's
 * Accept-Language names, else English. Messages a user reads (problems, exports) follow
 * it; codes, pointers and params never change with it.
 */
export function answerLanguage(ctx: Pick<AppContext, 'get'>): Language {
  return pickLanguage(ctx.get('accept-language') || undefined);
}
