import type { Db } from 'mongodb';
import type { Actor } from '../actor/actor.js';
import { ApiTokenStore, type ApiTokenDoc } from './api-tokens.js';
import { SessionStore, type SessionDoc } from './sessions.js';
import type { UserDoc } from './user-model.js';

export type Authenticated =
  | { via: 'session'; actor: Actor; user: UserDoc; session: SessionDoc }
  | { via: 'token'; actor: Actor; user: UserDoc; token: ApiTokenDoc };

/** The actor a user acts as, with the roles it may use. */
export function actorOf(user: UserDoc, roles: readonly string[] = user.roles, tokenId?: string): Actor {
  return {
    kind: tokenId === undefined ? 'user' : 'token',
    id: String(user._id),
    name: user.name,
    roles: Object.freeze([...roles]),
    departmentId: user.departmentId ? String(user.departmentId) : null,
    locale: user.locale,
    ...(tokenId === undefined ? {} : { tokenId }),
  };
}

/**
 * A token's roles: those it names that its user still holds, or all of the user's
 * roles when it names none. Taking a role from the user takes it from their tokens.
 */
export function tokenRoles(token: Pick<ApiTokenDoc, 'roles'>, user: Pick<UserDoc, 'roles'>): string[] {
  return token.roles.length === 0 ? [...user.roles] : token.roles.filter((role) => user.roles.includes(role));
}

/**
 * Turns a presented secret into an actor. The user is read on every request, so a
 * deactivation or a role change holds from the next request on, whatever credential
 * the user still has.
 */
export class Authenticator {
  private readonly sessions: SessionStore;
  private readonly tokens: ApiTokenStore;

  constructor(private readonly db: Db, sessions?: SessionStore) {
    this.sessions = sessions ?? new SessionStore(db);
    this.tokens = new ApiTokenStore(db);
  }

  async fromSession(secret: string): Promise<Authenticated | undefined> {
    const found = await this.sessions.resolve(secret);
    if (!found) return undefined;
    const { session } = found;
    const user = found.user?.active ? found.user : undefined;
    if (!user) {
      await this.sessions.end(session._id);
      return undefined;
    }
    return { via: 'session', actor: actorOf(user), user, session };
  }

  async fromApiToken(secret: string): Promise<Authenticated | undefined> {
    const found = await this.tokens.resolve(secret);
    if (!found) return undefined;
    const { token } = found;
    const user = found.user?.active ? found.user : undefined;
    if (!user) return undefined;
    return { via: 'token', actor: actorOf(user, tokenRoles(token, user), String(token._id)), user, token };
  }
}
