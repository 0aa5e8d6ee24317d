/** How long and how hard {@link measure} drives one operation. */
export interface MeasureOptions {
  /** Upper bound on measured iterations. */
  iterations: number;
  /** Upper bound on measured time: no new operation starts after it. */
  seconds: number;
  /** Upper bound on warm-up iterations (not recorded); 0 for none. Default 0. */
  warmup?: number;
  /** Upper bound on warm-up time. Default 2 s. */
  warmupSeconds?: number;
  /** Operations in flight at once. Default 1 (sequential, for latency). */
  concurrency?: number;
}

/** The figures of one measured operation. Latencies are in milliseconds. */
export interface Measurement {
  name: string;
  concurrency: number;
  iterations: number;
  /** Wall time of the measured phase, in seconds. */
  seconds: number;
  opsPerSec: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /**
   * CPU time this process spent per operation over the measured phase (user + system,
   * from `process.cpuUsage()`), in milliseconds. Unlike latency it leaves out the time
   * spent waiting for the server, so it is the client's own cost: the driver's, plus the
   * engine's when the engine runs the operation. A server started as a child process
   * (the embedded SecantusDB) is not counted; a server in this process (HTTP) is.
   */
  cpuPerOp: number;
  /**
   * From {@link measureInterleaved}: the CPU time per operation of each round (null for a
   * round in which it did not run), so a comparison can say how much the figure wanders.
   */
  cpuPerOpByRound?: (number | null)[];
}

/** One operation to measure; it resolves when the operation is acknowledged. */
export type Operation = () => Promise<unknown>;

interface LoopResult {
  latencies: number[];
  elapsedMs: number;
}

/**
 * Runs `fn` until `maxIterations` have started or `seconds` have passed, whichever
 * comes first, with `concurrency` operations in flight. Operations in flight at the
 * deadline finish and count.
 */
async function runLoop(fn: Operation, maxIterations: number, seconds: number, concurrency: number): Promise<LoopResult> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < maxIterations && performance.now() < deadline) {
      started += 1;
      const t0 = performance.now();
      await fn();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, elapsedMs: performance.now() - start };
}

/** The nearest-rank percentile `p` (0–100) of an ascending list; 0 for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The figures of a measured phase: its latencies, wall time and CPU time (µs, user + system). */
function summarize(name: string, concurrency: number, latencies: readonly number[], elapsedMs: number, cpuMicros: number): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    name,
    concurrency,
    iterations: sorted.length,
    seconds: round(elapsedMs / 1000),
    opsPerSec: round(elapsedMs > 0 ? (sorted.length * 1000) / elapsedMs : 0, 1),
    mean: round(sorted.length > 0 ? total / sorted.length : 0),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
    cpuPerOp: round(sorted.length > 0 ? cpuMicros / 1000 / sorted.length : 0, 4),
  };
}

/** Runs a loop and adds the CPU time this process spent in it. */
async function timedLoop(
  fn: Operation,
  maxIterations: number,
  seconds: number,
  concurrency: number,
): Promise<LoopResult & { cpuMicros: number }> {
  const before = process.cpuUsage();
  const loop = await runLoop(fn, maxIterations, seconds, concurrency);
  const cpu = process.cpuUsage(before);
  return { ...loop, cpuMicros: cpu.user + cpu.system };
}

/**
 * Measures an operation: a bounded warm-up (connections opened, code paths hot), then
 * a run bounded by both an iteration count and a time box, so a slow server yields
 * fewer samples instead of a run that does not end. Latency is per operation;
 * ops/s is completed operations over the wall time of the measured phase; CPU per
 * operation is this process's CPU time over the measured phase divided by the operations.
 */
export async function measure(name: string, fn: Operation, options: MeasureOptions): Promise<Measurement> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const warmup = options.warmup ?? 0;
  if (warmup > 0) await runLoop(fn, warmup, options.warmupSeconds ?? 2, concurrency);
  const { latencies, elapsedMs, cpuMicros } = await timedLoop(fn, options.iterations, options.seconds, concurrency);
  return summarize(name, concurrency, latencies, elapsedMs, cpuMicros);
}

/** One of the operations {@link measureInterleaved} compares. */
export interface Contender {
  name: string;
  fn: Operation;
}

/** Turns taken by default: enough that slow and fast spells of a shared machine fall on every contender. */
export const DEFAULT_ROUNDS = 10;

/**
 * Measures operations that are to be compared with each other by taking turns: a
 * warm-up of each, then `rounds` rounds in which each runs for its share of the
 * iterations and of the time box. Each gets the same bounds as {@link measure} would
 * give it alone, but the contenders meet the same conditions, where back-to-back runs on
 * a machine shared with other work can each meet a different load (and CPU time per
 * operation, which contention inflates, differs by half from one such run to the next).
 * Returns one measurement per contender, in order; a slow operation still runs at
 * least once a round.
 */
export async function measureInterleaved(
  contenders: readonly Contender[],
  options: MeasureOptions & { rounds?: number },
): Promise<Measurement[]> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const rounds = Math.max(1, Math.floor(options.rounds ?? DEFAULT_ROUNDS));
  const warmup = options.warmup ?? 0;
  if (warmup > 0) for (const c of contenders) await runLoop(c.fn, warmup, options.warmupSeconds ?? 2, concurrency);
  const totals = contenders.map(() => ({ latencies: [] as number[], elapsedMs: 0, cpuMicros: 0, byRound: [] as (number | null)[] }));
  const perRound = Math.max(1, Math.ceil(options.iterations / rounds));
  for (let turn = 0; turn < rounds; turn++) {
    for (const [i, contender] of contenders.entries()) {
      const total = totals[i]!;
      const left = options.iterations - total.latencies.length;
      if (left <= 0) {
        total.byRound.push(null);
        continue;
      }
      const loop = await timedLoop(contender.fn, Math.min(perRound, left), options.seconds / rounds, concurrency);
      total.latencies.push(...loop.latencies);
      total.elapsedMs += loop.elapsedMs;
      total.cpuMicros += loop.cpuMicros;
      total.byRound.push(loop.latencies.length > 0 ? round(loop.cpuMicros / 1000 / loop.latencies.length, 4) : null);
    }
  }
  return contenders.map((c, i) => ({
    ...summarize(c.name, concurrency, totals[i]!.latencies, totals[i]!.elapsedMs, totals[i]!.cpuMicros),
    cpuPerOpByRound: totals[i]!.byRound,
  }));
}
