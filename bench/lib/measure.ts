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

/**
 * Measures an operation: a bounded warm-up (connections opened, code paths hot), then
 * a run bounded by both an iteration count and a time box, so a slow server yields
 * fewer samples instead of a run that does not end. Latency is per operation;
 * ops/s is completed operations over the wall time of the measured phase.
 */
export async function measure(name: string, fn: Operation, options: MeasureOptions): Promise<Measurement> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const warmup = options.warmup ?? 0;
  if (warmup > 0) await runLoop(fn, warmup, options.warmupSeconds ?? 2, concurrency);
  const { latencies, elapsedMs } = await runLoop(fn, options.iterations, options.seconds, concurrency);
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
  };
}
