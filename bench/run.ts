/**
 * Benchmark dispatcher: `npm run bench -- <name> [options]`; `npm run bench` lists them.
 * Each benchmark is a module exporting `run(argv)`, loaded only when chosen.
 * `--servers python,rust` runs it once per embedded SecantusDB build, in one run.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_DBS, parseEmbeddedDb, type EmbeddedDb } from '../server/src/config/config.js';

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
  store: {
    summary: 'bare mongodb driver on the store: load, get, list, insert, versioned update, transaction',
    load: () => import('./store.js'),
  },
  workflows: {
    summary: 'three-step workflow by worker processes: trigger-to-first-step latency, runs/s with 1 and 2 workers',
    load: () => import('./workflows.js'),
  },
  start: {
    summary: 'production process (compiled) beside tsx: cold start of API and worker, RSS idle and under load',
    load: () => import('./start.js'),
  },
  http: {
    summary:
      'the API (compiled, with its worker) beside the bare driver: GET, LIST, POST, PATCH with 10 connections; RSS; bulk against single creates',
    load: () => import('./http.js'),
  },
  records: {
    summary: 'record engine beside the bare driver: get, list, create, patch; CPU per request; over HTTP',
    load: () => import('./records.js'),
  },
};

function listBenchmarks(): void {
  console.log('Usage: npm run bench -- <name> [--servers python,rust] [options]   (--help after a name for its options)\n\nBenchmarks:');
  const width = Math.max(...Object.keys(benchmarks).map((n) => n.length));
  for (const [name, b] of Object.entries(benchmarks)) console.log(`  ${name.padEnd(width)}  ${b.summary}`);
  console.log(
    `\n--servers python,rust  runs the benchmark once per embedded SecantusDB build, one after the\n                       other, each on a server of its own (default: the one npm start runs; EMBEDDED_DB)`,
  );
}

/** Takes `--servers a,b` (or `--servers=a,b`) out of the arguments. */
function takeServers(argv: string[]): { servers: EmbeddedDb[] | undefined; rest: string[] } {
  const rest = [...argv];
  const at = rest.findIndex((a) => a === '--servers' || a.startsWith('--servers='));
  if (at < 0) return { servers: undefined, rest };
  const [flag] = rest.splice(at, 1);
  const raw = flag!.includes('=') ? flag!.slice(flag!.indexOf('=') + 1) : rest.splice(at, 1)[0];
  const servers = (raw ?? '').split(',').map((s) => parseEmbeddedDb(s));
  if (servers.length === 0 || servers.some((s) => s === undefined))
    throw new Error(`--servers takes ${EMBEDDED_DBS.join(', ')} or both, comma-separated (got ${JSON.stringify(raw ?? '')})`);
  return { servers: servers as EmbeddedDb[], rest };
}

/** Runs this dispatcher again with EMBEDDED_DB set, once per server, in order; the worst exit code. */
async function runPerServer(servers: EmbeddedDb[], argv: string[]): Promise<number> {
  let worst = 0;
  for (const server of servers) {
    console.log(`\n######## embedded server: ${server} (EMBEDDED_DB=${server}) ########`);
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
      stdio: 'inherit',
      env: { ...process.env, EMBEDDED_DB: server },
    });
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
    worst = Math.max(worst, code);
  }
  return worst;
}

async function main(argv: string[]): Promise<number> {
  const { servers, rest: args } = takeServers(argv);
  if (servers !== undefined && process.env.MONGODB_URL)
    throw new Error('--servers chooses the embedded server; unset MONGODB_URL to use it');
  if (servers !== undefined) return await runPerServer(servers, args);
  const [name, ...rest] = args;
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
