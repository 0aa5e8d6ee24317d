import type { Logger } from './logger.js';

/** How long without a 503 of a code before its outage counts as over. */
export const OUTAGE_QUIET_MS = 10_000;

interface Outage {
  since: number;
  last: number;
  count: number;
}

/**
 * Logs 503 answers once per outage instead of once per request: the first 503 of a
 * code (DATABASE_UNAVAILABLE, REDIS_UNAVAILABLE, ...) logs a warning, later ones are
 * only counted, and once none has come for `quietMs` one line says how many requests
 * were refused over how long. A database outage under load wrote 10 MB of identical
 * lines before.
 */
export class OutageLog {
  private readonly open = new Map<string, Outage>();

  constructor(
    private readonly logger: Logger,
    private readonly quietMs = OUTAGE_QUIET_MS,
  ) {}

  /** Records one 503 answer of `code`; `cause` (the driver's message) is logged with the first. */
  refused(code: string, cause?: string): void {
    const now = Date.now();
    const outage = this.open.get(code);
    if (outage) {
      outage.count++;
      outage.last = now;
      return;
    }
    this.open.set(code, { since: now, last: now, count: 1 });
    this.logger.warn(
      { code, cause },
      `answering 503 ${code}; further ones are counted, not logged, until ${this.quietMs} ms pass without one`,
    );
    this.watch(code);
  }

  private watch(code: string): void {
    const check = () => {
      const outage = this.open.get(code);
      if (!outage) return;
      const quietFor = Date.now() - outage.last;
      if (quietFor < this.quietMs) {
        setTimeout(check, this.quietMs - quietFor).unref();
        return;
      }
      this.open.delete(code);
      this.logger.warn(
        { code, refused: outage.count, ms: outage.last - outage.since },
        `no more 503 ${code}: ${outage.count} requests refused`,
      );
    };
    setTimeout(check, this.quietMs).unref();
  }
}
