/**
 * `npm run bench -- http` (issue #19): the API as users meet it, beside the bare driver
 * doing the same work with the same concurrency in the same run. A 12-field deal
 * (the peers' benchmark data), 10,000 records (100,000 with --large), 10 connections,
 * 10 s per operation: GET by id, LIST 50 with the view's filter and sort, POST, PATCH.
 * The API and the worker run as production runs them (compiled, separate processes);
 * their RSS is sampled throughout. Then bulk against single creates through the engine.
 */
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openBenchStore } from './lib/bench-store.js';
import { measure } from './lib/measure.js';
import { winningPlan } from './lib/plan.js';
import { rssMiB, signInAdmin, startRole, stopProcess, type Started } from './lib/processes.js';
import { Prng } from './lib/prng.js';
import { fmt, machineInfo, renderTable, writeResults } from './lib/report.js';
import { measureBulk, type BulkResult } from './http/bulk.js';
import { cannon, type CannonResult } from './http/cannon.js';
import { DEAL } from './http/deal-bundle.js';
import { DealGenerator, growDeals, publishDeals, type DealWorld } from './http/deal-world.js';
import { driverOps, type HttpOp } from './http/driver.js';
import { recordCollection } from '../server/src/record-storage/record-collections.js';
import { repoRoot } from '../server/src/dev-services/paths.js';

const OPS: readonly HttpOp[] = ['get', 'list', 'create', 'patch'];
const OP_NAMES: Record<HttpOp, string> = { get: 'GET by id', list: 'LIST 50 filter+sort', create: 'POST', patch: 'PATCH' };

interface Options {
  sizes: number[];
  connections: number;
  seconds: number;
  ops: HttpOp[];
  bulk: number;
  batch: number;
  profile: boolean;
  seed: number;
}

interface Row {
  size: number;
  op: HttpOp;
  http: CannonResult;
  driver: { opsPerSec: number; p50: number; p99: number };
}

const HELP = `Usage: npm run bench -- http [options]
  --large            also 100,000 deals (seeding takes minutes)
  --connections N    connections / operations in flight (default 10)
  --seconds T        per operation and path (default 10)
  --ops a,b          among get,list,create,patch (default all)
  --bulk N           bulk against single creates through the engine, N each (default 10000; 0 skips)
  --batch N          records per bulk transaction (default 250)
  --profile          run the API with --cpu-prof; the profile goes to bench/results/
  --seed N           data seed (default 42)`;

function parse(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      large: { type: 'boolean' },
      connections: { type: 'string' },
      seconds: { type: 'string' },
      ops: { type: 'string' },
      bulk: { type: 'string' },
      batch: { type: 'string' },
      profile: { type: 'boolean' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const ops = (values.ops ?? OPS.join(',')).split(',').map((o) => o.trim());
  const unknown = ops.find((o) => !OPS.includes(o as HttpOp));
  if (unknown) throw new Error(`--ops: no operation "${unknown}" (get, list, create, patch)`);
  return {
    sizes: values.large ? [10_000, 100_000] : [10_000],
    connections: Number(values.connections ?? 10),
    seconds: Number(values.seconds ?? 10),
    ops: ops as HttpOp[],
    bulk: Number(values.bulk ?? 10_000),
    batch: Number(values.batch ?? 250),
    profile: values.profile === true,
    seed: Number(values.seed ?? 42),
  };
}

function commit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: repoRoot }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: repoRoot }).toString().trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/** Samples the RSS of the API and the worker: the most seen together. */
class RssSampler {
  peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pids: number[]) {
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, this.now())), 250);
  }
  now(): number {
    return this.pids.reduce((sum, pid) => sum + rssMiB(pid), 0);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

async function measureSize(
  world: DealWorld,
  generator: DealGenerator,
  api: Started,
  token: string,
  size: number,
  options: Options,
): Promise<Row[]> {
  const rows: Row[] = [];
  const rng = new Prng(options.seed + size);
  const driver = driverOps(world, generator, rng);
  for (const op of options.ops) {
    // A short warm-up of both paths: connections open, code hot.
    await cannon(api.url, token, op, { world, generator, rng }, { connections: options.connections, seconds: 2 });
    await measure(op, driver[op], { iterations: 1e9, seconds: 1, concurrency: options.connections });
    const http = await cannon(
      api.url,
      token,
      op,
      { world, generator, rng },
      { connections: options.connections, seconds: options.seconds },
    );
    const bare = await measure(op, driver[op], { iterations: 1e9, seconds: options.seconds, concurrency: options.connections });
    rows.push({ size, op, http, driver: { opsPerSec: bare.opsPerSec, p50: bare.p50, p99: bare.p99 } });
    console.log(
      `  ${OP_NAMES[op].padEnd(20)} HTTP ${fmt(http.reqPerSec, 1)} req/s (p50 ${fmt(http.p50, 1)}, p99 ${fmt(http.p99, 1)} ms)   driver ${fmt(bare.opsPerSec, 1)} ops/s (p50 ${fmt(bare.p50, 1)}, p99 ${fmt(bare.p99, 1)} ms)   ${fmt((100 * http.reqPerSec) / bare.opsPerSec, 0)}%`,
    );
  }
  return rows;
}

function table(rows: Row[]): string {
  return renderTable(
    [
      { header: 'records' },
      { header: 'operation' },
      { header: 'HTTP req/s', numeric: true },
      { header: 'p50 ms', numeric: true },
      { header: 'p99 ms', numeric: true },
      { header: 'driver ops/s', numeric: true },
      { header: 'p50 ms', numeric: true },
      { header: 'p99 ms', numeric: true },
      { header: 'HTTP / driver', numeric: true },
    ],
    rows.map((r) => [
      fmt(r.size, 0),
      OP_NAMES[r.op],
      fmt(r.http.reqPerSec, 1),
      fmt(r.http.p50, 1),
      fmt(r.http.p99, 1),
      fmt(r.driver.opsPerSec, 1),
      fmt(r.driver.p50, 1),
      fmt(r.driver.p99, 1),
      `${fmt((100 * r.http.reqPerSec) / r.driver.opsPerSec, 0)}%`,
    ]),
  );
}

/** Runs the HTTP benchmark with command-line `argv` (after the benchmark name). */
export async function run(argv: string[]): Promise<void> {
  const options = parse(argv);
  if (!options) return console.log(HELP);
  const startedAt = new Date();
  const machine = machineInfo();
  const sha = commit();
  console.log(
    `bench http · commit ${sha} · load average ${machine.loadAverage} on ${machine.cores} cores · ${machine.cpu} · node ${machine.node}`,
  );
  console.log(
    `${options.connections} connections, ${options.seconds} s per operation and path; a 12-field deal; sizes ${options.sizes.join(', ')}`,
  );
  execSync('node scripts/build-server.mjs --if-stale', { cwd: repoRoot, stdio: 'inherit' });
  const store = await openBenchStore('bench_http', { redis: true });
  const started: Started[] = [];
  try {
    console.log(`store: ${store.server.kind} ${store.server.version}`);
    const world = await publishDeals(store.db);
    const generator = new DealGenerator(options.seed);
    const env = {
      MONGODB_URL: store.mongoUrl,
      REDIS_URL: store.redisUrl!,
      MONGODB_DATABASE: store.db.databaseName,
      QUEUE_PREFIX: store.db.databaseName,
      LOG_LEVEL: 'warn',
    };
    const profileArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${repoRoot}/bench/results`] : [];
    const api = await startRole('compiled', 'api', env, profileArgs);
    started.push(api);
    const worker = await startRole('compiled', 'worker', env);
    started.push(worker);
    const token = await signInAdmin(api.url);
    const rss = new RssSampler([api.child.pid!, worker.child.pid!]);
    const idle = rss.now();
    console.log(
      `API ready in ${fmt(api.readyMs, 0)} ms, worker in ${fmt(worker.readyMs, 0)} ms; RSS at idle API + worker ${fmt(idle, 0)} MiB`,
    );
    const rows: Row[] = [];
    for (const size of options.sizes) {
      const load = await growDeals(world, generator, size, 'bench');
      const plan = await winningPlan(
        recordCollection(world.db, DEAL).find(world.list.filter, { sort: world.list.sort, limit: world.list.limit }),
      );
      console.log(`\n== ${fmt(size, 0)} deals (loaded ${fmt(load.count, 0)} at ${fmt(load.docsPerSec, 0)} docs/s); list plan ${plan} ==`);
      rows.push(...(await measureSize(world, generator, api, token, size, options)));
    }
    rss.stop();
    const peak = rss.peak;
    console.log(`\n${table(rows)}\n\nRSS API + worker: ${fmt(idle, 0)} MiB at idle, ${fmt(peak, 0)} MiB at most under load`);
    let bulk: BulkResult | undefined;
    if (options.bulk > 0) {
      console.log(
        `\nbulk: ${fmt(options.bulk, 0)} single creates through the engine (${options.connections} in flight), then ${fmt(options.bulk, 0)} through createMany in batches of ${options.batch}...`,
      );
      bulk = await measureBulk(world, generator, options.bulk, options.batch, options.connections);
      console.log(
        `  single: ${fmt(bulk.single.perSec, 1)} records/s (${fmt(bulk.single.seconds, 1)} s); bulk: ${fmt(bulk.bulk.perSec, 1)} records/s (${fmt(bulk.bulk.seconds, 1)} s): ${fmt(bulk.ratio, 1)}×`,
      );
    }
    const file = writeResults(
      'http',
      {
        benchmark: 'http',
        startedAt,
        commit: sha,
        machine,
        options,
        readyMs: { api: api.readyMs, worker: worker.readyMs },
        rss: { idle, peak },
        rows,
        bulk,
      },
      startedAt,
    );
    console.log(`\nresults written to ${file}`);
  } finally {
    for (const s of started.reverse()) await stopProcess(s.child);
    await store.close();
  }
}
