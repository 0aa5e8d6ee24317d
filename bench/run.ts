/**
 * Benchmark dispatcher: `npm run bench -- <name> [options]`; `npm run bench` lists them.
 * Each benchmark is a module exporting `run(argv)`, loaded only when chosen.
 */

/** A benchmark module: runs with the arguments that follow its name. */
interface BenchmarkModule {
  run(argv: string[]): Promise<void>;
}

/** One entry of the list: a one-line summary and a lazy import of its module. */
interface Benchmark {
  summary: string;
  load: () => Promise<BenchmarkModule>;
}

/** The benchmarks by name. Adding one is one line here plus its module. */
const benchmarks: Record<string, Benchmark> = {
  store: { summary: 'bare mongodb driver on the store: load, get, list, insert, versioned update, transaction', load: () => import('./store.js') },
  workflows: { summary: 'three-step workflow by worker processes: trigger-to-first-step latency, runs/s with 1 and 2 workers', load: () => import('./workflows.js') },
  records: { summary: 'record engine beside the bare driver: get, list, create, patch; CPU per request; over HTTP', load: () => import('./records.js') },
};

function listBenchmarks(): void {
  console.log('Usage: npm run bench -- <name> [options]   (--help after a name for its options)\n\nBenchmarks:');
  const width = Math.max(...Object.keys(benchmarks).map((n) => n.length));
  for (const [name, b] of Object.entries(benchmarks)) console.log(`  ${name.padEnd(width)}  ${b.summary}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    listBenchmarks();
    return 0;
  }
  const benchmark = benchmarks[name];
  if (!benchmark) {
    console.error(`Unknown benchmark "${name}".\n`);
    listBenchmarks();
    return 1;
  }
  await (await benchmark.load()).run(rest);
  return 0;
}

// Exit explicitly: a benchmark must stop by itself even if a library leaves a handle open.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
