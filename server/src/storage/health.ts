import type { Logger } from '../observability/logger.js';

export type Dependency = 'database' | 'redis';

export interface DependencyState {
  ok: boolean;
  /** When the state last changed (ISO time). */
  since: string;
  latencyMs?: number;
  error?: string;
  /**
   * The ping went unanswered while the dependency kept answering other commands: it is
   * loaded, not gone. Counts as up, so the API does not turn everyone away with 503s
   * (the load limits shed the excess instead).
   */
  busy?: boolean;
}

/**
 * Watches the database and Redis with a ping every `intervalMs`. The API's readiness
 * gate reads the last known state, so while a dependency is down requests answer 503
 * at once instead of waiting for a driver timeout each. A dependency counts as down
 * after `failuresToDown` failed pings in a row (2: one slow ping on a loaded machine
 * must not turn every request away), and as up again after one good ping. A failed
 * ping while the dependency answered other commands since the last check (see
 * watchProgress) means busy, not down.
 */
export class DependencyMonitor {
  private readonly states = new Map<Dependency, DependencyState>();
  private readonly failures = new Map<Dependency, number>();
  private readonly progress = new Map<Dependency, { read: () => number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly checks: Record<Dependency, () => Promise<void>>,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
    private readonly failuresToDown = 2,
  ) {
    const now = new Date().toISOString();
    for (const dep of Object.keys(checks) as Dependency[]) this.states.set(dep, { ok: true, since: now });
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.checkNow().then(() => undefined);
      void this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** `read` counts the dependency's answers to the process's other commands (it only ever grows). */
  watchProgress(dep: Dependency, read: () => number): void {
    this.progress.set(dep, { read, last: read() });
  }

  state(dep: Dependency): DependencyState {
    return this.states.get(dep)!;
  }

  snapshot(): Record<Dependency, DependencyState> {
    return Object.fromEntries(this.states) as Record<Dependency, DependencyState>;
  }

  /** Runs every check now and records the results. */
  async checkNow(): Promise<Record<Dependency, DependencyState>> {
    await Promise.all(
      (Object.entries(this.checks) as [Dependency, () => Promise<void>][]).map(async ([dep, check]) => {
        const started = performance.now();
        try {
          await check();
          this.answeredSinceLastCheck(dep);
          this.record(dep, { ok: true, latencyMs: Math.round(performance.now() - started) });
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          this.record(dep, this.answeredSinceLastCheck(dep) ? { ok: true, busy: true, error } : { ok: false, error });
        }
      }),
    );
    return this.snapshot();
  }

  /** Whether the dependency answered other commands since the previous call. */
  private answeredSinceLastCheck(dep: Dependency): boolean {
    const progress = this.progress.get(dep);
    if (!progress) return false;
    const now = progress.read();
    const moved = now !== progress.last;
    progress.last = now;
    return moved;
  }

  private record(dep: Dependency, result: { ok: boolean; busy?: boolean; latencyMs?: number; error?: string }): void {
    const previous = this.states.get(dep)!;
    const failures = result.ok ? 0 : (this.failures.get(dep) ?? 0) + 1;
    this.failures.set(dep, failures);
    if (!result.ok && previous.ok && failures < this.failuresToDown) return; // one miss is not an outage yet
    const since = previous.ok === result.ok ? previous.since : new Date().toISOString();
    if (previous.ok !== result.ok) {
      if (result.ok) this.logger.info({ dependency: dep }, 'dependency is back');
      else this.logger.error({ dependency: dep, error: result.error }, 'dependency is down');
    }
    this.states.set(dep, { ...result, since });
  }
}
