import { parseArgs } from 'node:util';

/** Command-line settings shared by the benchmarks. */
export interface BenchConfig {
  /** Collection sizes to measure, in records. */
  sizes: number[];
  /** Upper bound on measured iterations per operation. */
  iterations: number;
  /** Time box per operation, in seconds. */
  seconds: number;
  /** Upper bound on warm-up iterations per operation. */
  warmup: number;
  /** Time box for the warm-up of each operation, in seconds. */
  warmupSeconds: number;
  /** Operations in flight for the concurrent throughput figures. */
  concurrency: number;
  /** Records per insertMany when loading. */
  batch: number;
  /** Seed of the data generator and of the id picks. */
  seed: number;
}

/** The defaults: both sizes in about 10 minutes on a 2-core machine against the embedded server. */
export const DEFAULT_CONFIG: BenchConfig = {
  sizes: [10_000, 100_000],
  iterations: 2000,
  seconds: 10,
  warmup: 20,
  warmupSeconds: 2,
  concurrency: 8,
  batch: 1000,
  seed: 42,
};

/** Usage text for the shared options, showing `defaults` (a benchmark may have its own). */
export function optionsHelp(defaults: BenchConfig = DEFAULT_CONFIG): string {
  const d = defaults;
  return `Options:
  --sizes 10000,100000   collection sizes in records (default ${d.sizes.join(',')})
  --iterations N         max measured iterations per operation (default ${d.iterations})
  --seconds T            time box per operation in seconds (default ${d.seconds})
  --warmup N             max warm-up iterations per operation (default ${d.warmup})
  --warmup-seconds T     time box per warm-up in seconds (default ${d.warmupSeconds})
  --concurrency N        in-flight operations for the throughput figures (default ${d.concurrency})
  --batch N              records per insertMany when loading (default ${d.batch})
  --seed N               data and pick seed (default ${d.seed})`;
}

/** Usage text for the shared options with the shared defaults. */
export const OPTIONS_HELP = optionsHelp();

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
  }
  return value;
}

/**
 * Parses the shared options over `defaults`; throws with a readable message on a bad
 * value. Returns null for --help.
 */
export function parseBenchArgs(argv: string[], defaults: BenchConfig = DEFAULT_CONFIG): BenchConfig | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      iterations: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      'warmup-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      batch: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const d = defaults;
  const sizes = values.sizes === undefined ? d.sizes : values.sizes.split(',').map((s) => Math.floor(positive('sizes', s.trim(), 0)));
  return {
    sizes,
    iterations: Math.floor(positive('iterations', values.iterations, d.iterations)),
    seconds: positive('seconds', values.seconds, d.seconds),
    warmup: Math.floor(positive('warmup', values.warmup, d.warmup, true)),
    warmupSeconds: positive('warmup-seconds', values['warmup-seconds'], d.warmupSeconds, true),
    concurrency: Math.floor(positive('concurrency', values.concurrency, d.concurrency)),
    batch: Math.floor(positive('batch', values.batch, d.batch)),
    seed: Math.floor(positive('seed', values.seed, d.seed, true)),
  };
}
