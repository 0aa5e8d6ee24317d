import { ClientClosedRequest, ServerBusy, TooManyInFlight } from '../errors/index.js';

export interface WorkGateOptions {
  /** Requests doing work at once. */
  maxInFlight: number;
  /** Requests waiting for a place beyond those; one more is refused at once. */
  maxQueued: number;
  /** How long a request waits for a place before it is refused. */
  queueTimeoutMs: number;
}

/** What the gate is doing now, and how many it turned away since it started. */
export interface WorkGateStats {
  inFlight: number;
  queued: number;
  shed: number;
}

interface Waiter {
  grant: () => void;
  refuse: (err: Error) => void;
}

/**
 * A global cap on the API work (and so the database commands) a process runs at once,
 * with a short first-come queue. Beyond the queue, or after waiting too long in it, a
 * request is refused with 503 SERVER_BUSY at once: a fast "not now" keeps a burst from
 * piling up behind itself until every request times out, the ping included.
 */
export class WorkGate {
  private inFlight = 0;
  private shed = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: WorkGateOptions) {}

  stats(): WorkGateStats {
    return { inFlight: this.inFlight, queued: this.waiting.length, shed: this.shed };
  }

  /** Takes a place, waiting for one if need be; resolves with the function that gives it back. */
  async enter(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw ClientClosedRequest();
    if (this.inFlight < this.options.maxInFlight && this.waiting.length === 0) {
      this.inFlight++;
      return this.leaver();
    }
    if (this.waiting.length >= this.options.maxQueued) {
      this.shed++;
      throw ServerBusy(
        `The server is busy (${this.options.maxInFlight} requests in flight, ${this.waiting.length} waiting); try again shortly`,
      );
    }
    return await new Promise<() => void>((resolve, reject) => {
      const leaveQueue = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          leaveQueue();
          resolve(this.leaver());
        },
        refuse: (err) => {
          leaveQueue();
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.shed++;
        waiter.refuse(
          ServerBusy(`The server is busy: no place for this request within ${this.options.queueTimeoutMs} ms; try again shortly`),
        );
      }, this.options.queueTimeoutMs);
      const onAbort = () => waiter.refuse(ClientClosedRequest());
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Gives the place back once: to the first waiter, or to the pool. */
  private leaver(): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting[0];
      if (next) next.grant();
      else this.inFlight--;
    };
  }
}

/**
 * Requests in flight per key (a user, a credential), in this process. Entering past
 * the key's limit throws 429 TOO_MANY_IN_FLIGHT with a Retry-After of a second: one
 * caller's burst is turned away before it takes any of the gate's places.
 */
export class InFlightCounters {
  private readonly counts = new Map<string, number>();

  /** Counts one request under `key`; resolves the function that uncounts it (once). */
  enter(key: string, limit: number, who: string): () => void {
    const count = this.counts.get(key) ?? 0;
    if (count >= limit)
      throw TooManyInFlight(`This ${who} already has ${count} requests in flight (at most ${limit}); wait for them to finish`, {
        limit,
        retryAfterSeconds: 1,
      });
    this.counts.set(key, count + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const remaining = (this.counts.get(key) ?? 1) - 1;
      if (remaining <= 0) this.counts.delete(key);
      else this.counts.set(key, remaining);
    };
  }
}
