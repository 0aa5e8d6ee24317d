import type { Db } from 'mongodb';
import type { Actor } from '../actor/actor.js';
import { ApiTokenStore, type ApiTokenDoc } from './api-tokens.js';
import type { CredentialCache } from './credential-cache.js';
import { hashSecret } from './secrets.js';
import { SessionStore, type SessionDoc } from './sessions.js';
import type { UserDoc } from './user-model.js';

export type Authenticated =
  { via: 'session'; actor: Actor; user: UserDoc; session: SessionDoc } | { via: 'token'; actor: Actor; user: UserDoc; token: ApiTokenDoc };

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
 * Turns a presented secret into an actor. The credential and its user are read again
 * unless the credential cache holds them, and that cache drops a user's entries in
 * every process as soon as anything about the user changes, so a deactivation or a
 * role change holds from the next request on, whatever credential the user still has.
 */
export class Authenticator {
  private readonly sessions: SessionStore;
  private readonly tokens: ApiTokenStore;

  constructor(
    db: Db,
    sessions?: SessionStore,
    private readonly cache?: CredentialCache,
  ) {
    this.sessions = sessions ?? new SessionStore(db);
    this.tokens = new ApiTokenStore(db);
  }

  async fromSession(secret: string): Promise<Authenticated | undefined> {
    const key = hashSecret(secret);
    const hit = this.cache?.get(key);
    if (hit?.via === 'session' && this.sessions.isLive(hit.session)) return hit;
    const ticket = this.cache?.ticket() ?? 0;
    const found = await this.sessions.resolve(secret);
    if (!found) return undefined;
    const { session } = found;
    const user = found.user?.active ? found.user : undefined;
    if (!user) {
      await this.sessions.end(session._id);
      return undefined;
    }
    const result: Authenticated = { via: 'session', actor: actorOf(user), user, session };
    this.cache?.set(key, result, ticket);
    return result;
  }

  async fromApiToken(secret: string): Promise<Authenticated | undefined> {
    const key = hashSecret(secret);
    const hit = this.cache?.get(key);
    if (hit?.via === 'token' && (hit.token.expiresAt === null || hit.token.expiresAt.getTime() > Date.now())) return hit;
    const ticket = this.cache?.ticket() ?? 0;
    const found = await this.tokens.resolve(secret);
    if (!found) return undefined;
    const { token } = found;
    const user = found.user?.active ? found.user : undefined;
    if (!user) return undefined;
    const result: Authenticated = { via: 'token', actor: actorOf(user, tokenRoles(token, user), String(token._id)), user, token };
    this.cache?.set(key, result, ticket);
    return result;
  }
}
