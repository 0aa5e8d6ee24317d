import type http from 'node:http';

/**
 * Tracks requests in flight, so a graceful shutdown can wait for them to finish.
 * Counted at the HTTP server (`track`), from the request's arrival until its answer
 * has been written out, not in middleware: Koa writes the body after the middleware
 * chain returns, and closing the socket in between would cut the answer off.
 */
export class InFlight {
  count = 0;
  draining = false;
  private idle: (() => void)[] = [];
  private drainHooks: (() => unknown)[] = [];

  /**
   * Runs `hook` when draining starts: for requests that never end on their own (event
   * streams), which must be closed for the server to drain.
   */
  onDrain(hook: () => unknown): void {
    this.drainHooks.push(hook);
  }

  /** Marks the server draining and runs the drain hooks. */
  startDraining(): void {
    this.draining = true;
    for (const hook of this.drainHooks.splice(0)) void hook();
  }

  /** Wraps a request listener so every request is counted until its response closes. */
  track(listener: http.RequestListener): http.RequestListener {
    return (req, res) => {
      this.count++;
      res.once('close', () => this.leave());
      listener(req, res);
    };
  }

  /** Resolves when no request is in flight, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  leave(): void {
    this.count--;
    if (this.count === 0) for (const wake of this.idle.splice(0)) wake();
  }
}

/** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then closes. */
export async function closeServer(server: http.Server, inFlight: InFlight, timeoutMs: number): Promise<void> {
  inFlight.startDraining();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await inFlight.drained(timeoutMs);
  server.closeAllConnections();
  await closed;
}
