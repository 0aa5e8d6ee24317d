import type Koa from 'koa';
import type { Actor } from '../actor/actor.js';
import type { UserDoc } from '../auth/user-model.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { Logger } from '../observability/logger.js';

/** How the request authenticated (set by the authentication middleware). */
export interface RequestAuth {
  via: 'session' | 'token';
  /** The session's id (the hash of its token), for logout and "end my other sessions". */
  sessionId?: string | undefined;
  tokenId?: string | undefined;
  /** A cookie session: its writes carry the CSRF header. */
  cookie: boolean;
  /** The user as read for this request (active). */
  user: UserDoc;
  /** A session that may only enrol in 2FA (an admin who must use it has not yet). */
  restricted: boolean;
}

/** Per-request data, on `ctx.state`. */
export interface AppState {
  requestId: string;
  log: Logger;
  /**
   * Who is acting. Set for every `/api/*` request except sign-in itself and inbound
   * webhooks; routes of those never read it.
   */
  actor: Actor;
  auth?: RequestAuth | undefined;
  /** The current metadata snapshot (set with the actor; the admin guards read roles from it). */
  metadata: () => Promise<MetadataSnapshot>;
  /** A 503 that the outage log counted, so the request line is left out. */
  counted503?: boolean;
}

export type AppContext = Koa.ParameterizedContext<AppState>;
export type AppMiddleware = Koa.Middleware<AppState>;
