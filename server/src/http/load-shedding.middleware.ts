import { hashSecret, secretKind } from '../auth/secrets.js';
import { currentDbWork, runDbWork } from '../storage/guarded-db.js';
import { SESSION_COOKIE } from './auth-cookies.js';
import type { ConnectionGuard } from './connection-guard.js';
import type { AppContext, AppMiddleware } from './context.js';
import type { InFlightCounters, WorkGate } from './work-gate.js';

export interface InFlightLimits {
  /** Requests in flight per user (over all their sessions and tokens) and per session. */
  perUser: number;
  /** Requests in flight per API token. */
  perToken: number;
  /** Once a route reads the body, it must arrive within this, else the connection is closed. */
  bodyTimeoutMs?: number | undefined;
}

export interface LoadSheddingDeps {
  gate: WorkGate;
  counters: InFlightCounters;
  limits: InFlightLimits;
  connections?: ConnectionGuard | undefined;
}

/**
 * In front of authentication, for every `/api/*` request:
 * 1. the credential it carries (a session or API token, before any database lookup)
 *    may have only so many requests in flight, else 429 TOO_MANY_IN_FLIGHT: one
 *    caller's burst is turned away without costing a database round trip;
 * 2. then it takes a place in the process's work gate (short queue, else 503 SERVER_BUSY);
 * 3. and runs with a scope that notices the client going away, so the database handle
 *    sends none of its further reads (and a request still queued leaves the queue).
 * While it reads its body (readFromClient) it gives its place back: a client that
 * trickles its body must not hold a place that database work needs.
 */
export function loadShedding(deps: LoadSheddingDeps): AppMiddleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) return await next();
    const controller = new AbortController();
    const gone = () => {
      if (!ctx.res.writableFinished) controller.abort();
    };
    ctx.res.once('close', gone);
    let leaveCredential: (() => void) | undefined;
    let leaveGate: (() => void) | undefined;
    try {
      const credential = credentialOf(ctx);
      if (credential !== undefined) {
        const token = secretKind(credential) === 'mct';
        leaveCredential = deps.counters.enter(
          `credential:${hashSecret(credential)}`,
          token ? deps.limits.perToken : deps.limits.perUser,
          token ? 'API token' : 'session',
        );
      }
      leaveGate = await deps.gate.enter(controller.signal);
      const waitForClient = async <T>(wait: () => Promise<T>): Promise<T> => {
        leaveGate?.();
        leaveGate = undefined;
        // A body that has not arrived in time: the connection is closed (nobody reads an answer),
        // which fails the read; the request ends there.
        const deadline =
          deps.limits.bodyTimeoutMs === undefined ? undefined : setTimeout(() => ctx.req.socket.destroy(), deps.limits.bodyTimeoutMs);
        const result = await wait().finally(() => clearTimeout(deadline));
        leaveGate = await deps.gate.enter(controller.signal);
        return result;
      };
      await runDbWork({ signal: controller.signal, wrote: false, waitForClient }, next);
    } finally {
      leaveGate?.();
      leaveCredential?.();
      ctx.res.off('close', gone);
    }
  };
}

/**
 * After authentication: a user's requests in flight over all their sessions and
 * tokens, and the connection counted as signed in (see ConnectionGuard).
 */
export function userInFlight(deps: LoadSheddingDeps): AppMiddleware {
  return async (ctx, next) => {
    const auth = ctx.state.auth;
    if (auth === undefined) return await next();
    deps.connections?.signedIn(ctx.req.socket);
    const leave = deps.counters.enter(`user:${String(auth.user._id)}`, deps.limits.perUser, 'user');
    try {
      await next();
    } finally {
      leave();
    }
  };
}

/** The bearer secret or session cookie the request carries, unchecked. */
function credentialOf(ctx: AppContext): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'))?.[1];
  return bearer ?? ctx.cookies.get(SESSION_COOKIE) ?? undefined;
}

/**
 * Runs `read` (reading the request body) outside the work gate: the place is given back
 * while the client sends, and taken again (perhaps after a wait, or 503) once it has.
 */
export async function readFromClient<T>(read: () => Promise<T>): Promise<T> {
  const scope = currentDbWork();
  return scope?.waitForClient ? await scope.waitForClient(read) : await read();
}
