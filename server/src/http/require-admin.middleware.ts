import type { Actor } from '../actor/actor.js';
import { hasAdminRight, type AdminRight } from '../auth/admin-rights.js';
import { AuthRequired, Forbidden } from '../auth/auth.errors.js';
import type { AppMiddleware } from './context.js';

/** Route guard: 403 FORBIDDEN with `details.right` unless the signed-in actor holds the right. */
export function requireAdmin(right: AdminRight): AppMiddleware {
  return async (ctx, next) => {
    const actor = ctx.state.actor as Actor | undefined;
    if (!actor) throw AuthRequired();
    if (!hasAdminRight(await ctx.state.metadata(), actor, right)) {
      throw Forbidden(right === 'metadata' ? 'Only metadata administrators may do this' : 'Only user administrators may do this', {
        right,
      });
    }
    await next();
  };
}
