/**
 * The workflow engine's benchmark (issue #7): a three-step workflow on record creation
 * (set variables, update the record, HTTP request to a local receiver), run by real
 * worker processes (`npm run worker`), with one and with two workers. It prints the
 * trigger-to-first-step latency and where it goes (relay, trigger matching, queue
 * pickup), and the completed runs per second when a backlog drains; beside them the
 * floors: BullMQ alone on the same Redis, and the run's database commands replayed by
 * the bare driver. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ITEM_KINDS, type Bundle } from '@metacrm/metadata';
import type { Db } from 'mongodb';
import { SYSTEM_ACTOR } from '../server/src/actor/actor.js';
import { OUTBOX, type OutboxEvent } from '../server/src/audit/record-trail.js';
import { ensureRunIndexes, runs, type RunDoc } from '../server/src/automation/workflow-runs.js';
import { MetadataCache, type MetadataSnapshot } from '../server/src/metadata/metadata-cache.js';
import { MetadataRepository } from '../server/src/metadata/metadata.repository.js';
import { MetadataService } from '../server/src/metadata/metadata.service.js';
import { metadataToolkit } from '../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../server/src/runtime/registries.js';
import { ensureRecordIndexes } from '../server/src/records/record-indexes.js';
import { RecordService } from '../server/src/records/record.service.js';
import { openBenchStore, type BenchStore } from './lib/bench-store.js';
import { percentile } from './lib/measure.js';
import { fmt, machineInfo, renderTable, writeResults } from './lib/report.js';
import { bullmqFloor, driverFloor } from './workflows/baselines.js';
import { TICKET, TRIAGE, triageBundle } from './workflows/bundle.js';
import { startReceiver, type Receiver } from './workflows/receiver.js';
import { seedTickets } from './workflows/seed.js';
import { WorkerPool, type WorkerEnv } from './workflows/workers.js';

interface Options {
  /** Tickets stored before each phase (seeded with insertMany), one phase per size and worker count. */
  sizes: number[];
  workers: number[];
  /** Runs in the latency phase, started one at a time `gapMs` apart. */
  samples: number;
  gapMs: number;
  /** Runs in the throughput phase: a backlog drained by the workers. */
  runs: number;
  /** Seconds for the driver floor. */
  seconds: number;
}

const DEFAULTS: Options = { sizes: [10_000, 100_000], workers: [1, 2], samples: 200, gapMs: 150, runs: 1000, seconds: 10 };
const TERMINAL: RunDoc['status'][] = ['completed', 'failed'];

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      workers: { type: 'string' },
      samples: { type: 'string' },
      gap: { type: 'string' },
      runs: { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const num = (name: string, raw: string | undefined, fallback: number, min = 1) => {
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a ${min === 0 ? 'non-negative' : 'positive'} whole number, got "${raw}"`);
    return n;
  };
  return {
    sizes: values.sizes === undefined ? DEFAULTS.sizes : values.sizes.split(',').map((v) => num('sizes', v.trim(), 0, 0)),
    workers: values.workers === undefined ? DEFAULTS.workers : values.workers.split(',').map((w) => num('workers', w, 1)),
    samples: num('samples', values.samples, DEFAULTS.samples),
    gapMs: num('gap', values.gap, DEFAULTS.gapMs),
    runs: num('runs', values.runs, DEFAULTS.runs),
    seconds: num('seconds', values.seconds, DEFAULTS.seconds),
  };
}

async function publish(db: Db, bundle: Bundle): Promise<MetadataSnapshot> {
  await new MetadataRepository(db).ensureIndexes();
  await ensureRecordIndexes(db);
  await ensureRunIndexes(db);
  const toolkit = metadataToolkit(createRegistries());
  const cache = new MetadataCache(db);
  const meta = new MetadataService({ db, actor: SYSTEM_ACTOR, toolkit, cache });
  for (const kind of ITEM_KINDS) for (const item of bundle[kind] ?? []) await meta.putDraftItem(kind, item.key, item);
  await meta.publish({ message: 'workflows benchmark' });
  return await cache.current();
}

/** Creates tickets through the record engine, `inFlight` at a time; answers their ids. */
async function createTickets(db: Db, snapshot: MetadataSnapshot, count: number, inFlight: number, gapMs = 0): Promise<string[]> {
  const { registries } = metadataToolkit(createRegistries());
  const ids: string[] = [];
  let next = 0;
  const one = async () => {
    while (next < count) {
      const n = (next += 1);
      const service = new RecordService({ db, snapshot, registries, actor: SYSTEM_ACTOR });
      const record = await service.create(TICKET, { subject: `Ticket ${n}`, priority: ['low', 'normal', 'high'][n % 3], status: 'new' });
      ids.push(record.id);
      if (gapMs > 0) await sleep(gapMs);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, one));
  return ids;
}

/**
 * Waits until `expected` triage runs of this database have ended, `calls` being the
 * receiver's count before them. It watches the receiver (the
 * last step's calls) rather than polling the database, since on the embedded server a
 * count over the runs costs what a run costs; then it checks the runs once or twice.
 */
async function settle(db: Db, receiver: Receiver, calls: number, expected: number, label: string): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  const check = (ended: number) => {
    if (process.stdout.isTTY) process.stdout.write(`\r  ${label}: ${ended} / ${expected}`);
    if (Date.now() > deadline) throw new Error(`${label}: only ${ended} of ${expected} runs ended in 30 minutes`);
  };
  while (receiver.stats().requests - calls < expected) {
    check(receiver.stats().requests - calls);
    await sleep(250);
  }
  for (;;) {
    const ended = await runs(db).countDocuments({ workflow: TRIAGE, status: { $in: TERMINAL } });
    check(ended);
    if (ended >= expected) break;
    await sleep(500);
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
}

/** The runs of these records, each with its triggering event. */
async function runsOf(db: Db, recordIds: string[]): Promise<{ run: RunDoc; event: OutboxEvent }[]> {
  const found = await runs(db)
    .find({ workflow: TRIAGE, 'trigger.recordId': { $in: recordIds } })
    .toArray();
  const events = await db
    .collection<OutboxEvent>(OUTBOX)
    .find({ _id: { $in: found.map((r) => r.trigger.eventId!) } })
    .toArray();
  const byId = new Map(events.map((e) => [e._id.toHexString(), e]));
  return found.map((run) => ({ run, event: byId.get(run.trigger.eventId!.toHexString())! }));
}

const ms = (a: Date | null | undefined, b: Date | null | undefined) => (a && b ? b.getTime() - a.getTime() : NaN);
function spread(values: number[]): { p50: number; p95: number } {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

interface Phase {
  /** Tickets stored before the phase. */
  size: number;
  workers: number;
  latency: Record<'relay' | 'match' | 'pickup' | 'firstStep' | 'endToEnd', { p50: number; p95: number }>;
  throughput: {
    runs: number;
    completed: number;
    failed: number;
    seconds: number;
    runsPerSec: number;
    creates: { seconds: number; perSec: number };
  };
}

async function runPhase(
  db: Db,
  snapshot: MetadataSnapshot,
  receiver: Receiver,
  env: WorkerEnv,
  size: number,
  workers: number,
  options: Options,
): Promise<Phase> {
  console.log(`\n== ${fmt(size, 0)} tickets stored, ${workers} worker${workers > 1 ? 's' : ''} ==`);
  if (size > 0) {
    const loaded = await seedTickets(db, size);
    console.log(
      `load: ${fmt(loaded.count, 0)} tickets with insertMany in ${fmt(loaded.seconds, 1)} s (${fmt(loaded.docsPerSec, 0)} docs/s)`,
    );
  }
  const calls = receiver.stats().requests;
  let pool = await WorkerPool.start(workers, env);
  let latencyIds: string[];
  try {
    latencyIds = await createTickets(db, snapshot, options.samples, 1, options.gapMs);
    await settle(db, receiver, calls, options.samples, 'latency');
  } finally {
    await pool.stop();
  }
  const sampled = await runsOf(db, latencyIds);
  const latency = {
    relay: spread(sampled.map(({ event }) => ms(event.createdAt, event.sentAt))),
    match: spread(sampled.map(({ run, event }) => ms(event.sentAt, run.createdAt))),
    pickup: spread(sampled.map(({ run }) => ms(run.createdAt, run.log[0]?.startedAt))),
    firstStep: spread(sampled.map(({ run, event }) => ms(event.createdAt, run.log[0]?.startedAt))),
    endToEnd: spread(sampled.map(({ run, event }) => ms(event.createdAt, run.finishedAt))),
  };
  console.log(
    `latency (${sampled.length} runs, one ticket every ${options.gapMs} ms): first step p50 ${fmt(latency.firstStep.p50, 0)} ms, p95 ${fmt(latency.firstStep.p95, 0)} ms`,
  );

  // The backlog: tickets created with no worker running, so their events wait in the outbox.
  const createdAt = performance.now();
  const backlog = await createTickets(db, snapshot, options.runs, 8);
  const createSeconds = (performance.now() - createdAt) / 1000;
  console.log(
    `backlog: ${backlog.length} tickets created in ${fmt(createSeconds, 1)} s (${fmt(backlog.length / createSeconds, 1)}/s, 8 in flight), no worker running`,
  );
  pool = await WorkerPool.start(workers, env);
  try {
    await settle(db, receiver, calls, options.samples + options.runs, 'backlog');
  } finally {
    await pool.stop();
  }
  const drained = await runsOf(db, backlog);
  const start = Math.min(...drained.map(({ event }) => event.sentAt?.getTime() ?? Infinity));
  const end = Math.max(...drained.map(({ run }) => run.finishedAt?.getTime() ?? 0));
  const seconds = (end - start) / 1000;
  const completed = drained.filter(({ run }) => run.status === 'completed').length;
  const throughput = {
    runs: drained.length,
    completed,
    failed: drained.length - completed,
    seconds,
    runsPerSec: drained.length / seconds,
    creates: { seconds: createSeconds, perSec: backlog.length / createSeconds },
  };
  console.log(
    `throughput: ${drained.length} runs (${completed} completed) in ${fmt(seconds, 1)} s from the first event relayed to the last run finished: ${fmt(throughput.runsPerSec, 1)} runs/s`,
  );
  return { size, workers, latency, throughput };
}

function report(
  phases: Phase[],
  floors: { bullmq: Awaited<ReturnType<typeof bullmqFloor>>; driver1: { opsPerSec: number; p50: number }; driver8: { opsPerSec: number } },
): void {
  const stages = [
    ['event written → relayed', 'relay'],
    ['relayed → run created', 'match'],
    ['run created → first step', 'pickup'],
    ['trigger → first step', 'firstStep'],
    ['trigger → run finished', 'endToEnd'],
  ] as const;
  const rows = phases.flatMap((p) =>
    stages.map(([label, key]) => [fmt(p.size, 0), `${p.workers}`, label, fmt(p.latency[key].p50, 0), fmt(p.latency[key].p95, 0)]),
  );
  console.log(
    `\nlatency, ms (one run at a time):\n${renderTable([{ header: 'tickets', numeric: true }, { header: 'workers' }, { header: 'stage' }, { header: 'p50', numeric: true }, { header: 'p95', numeric: true }], rows)}`,
  );
  const tput = phases.map((p) => [
    fmt(p.size, 0),
    `${p.workers}`,
    fmt(p.throughput.runs, 0),
    fmt(p.throughput.completed, 0),
    fmt(p.throughput.seconds, 1),
    fmt(p.throughput.runsPerSec, 1),
    fmt(p.throughput.creates.perSec, 1),
  ]);
  const tputColumns = [
    { header: 'tickets', numeric: true },
    { header: 'workers' },
    { header: 'runs', numeric: true },
    { header: 'completed', numeric: true },
    { header: 'seconds', numeric: true },
    { header: 'runs/s', numeric: true },
    { header: 'creates/s', numeric: true },
  ];
  console.log(
    `\ncompleted runs per second, a backlog drained (creates/s: the backlog's engine creates, 8 in flight):\n${renderTable(tputColumns, tput)}`,
  );
  console.log(
    `\nfloors (a server of their own, the same kind):\n` +
      `  BullMQ alone (worker in this process, concurrency 4, empty jobs): add → processing p50 ${fmt(floors.bullmq.p50, 1)} ms, p95 ${fmt(floors.bullmq.p95, 1)} ms; ${fmt(floors.bullmq.perSec, 0)} jobs/s drained\n` +
      `  bare driver replaying one run's database commands: ${fmt(floors.driver1.opsPerSec, 1)} runs/s one at a time (p50 ${fmt(floors.driver1.p50, 1)} ms), ${fmt(floors.driver8.opsPerSec, 1)} runs/s 8 in flight`,
  );
}

/** Runs the workflows benchmark with command-line `argv` (after the benchmark name). */
export async function run(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (!options) {
    console.log(
      `Usage: npm run bench -- workflows [options]\n\nOptions:\n  --sizes 10000,100000  tickets stored before each phase, seeded with insertMany (default ${DEFAULTS.sizes.join(',')}; 0: none)\n  --workers 1,2   worker process counts to measure (default 1,2)\n  --samples N     runs in the latency phase (default ${DEFAULTS.samples})\n  --gap MS        pause between latency-phase tickets (default ${DEFAULTS.gapMs})\n  --runs N        runs in the throughput backlog (default ${DEFAULTS.runs})\n  --seconds T     time box of the driver floor (default ${DEFAULTS.seconds})\n\nSet MONGODB_URL and REDIS_URL to measure real servers instead of the embedded ones.`,
    );
    return;
  }
  const startedAt = new Date();
  const machine = machineInfo();
  const receiver = await startReceiver();
  const bundle = triageBundle(receiver.url);
  try {
    console.log('workflows benchmark: a three-step workflow on record creation, run by worker processes');
    console.log(
      `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load avg ${machine.loadAverage}`,
    );
    console.log(
      `config:  tickets stored ${options.sizes.join(',')}; workers ${options.workers.join(',')}; latency ${options.samples} runs ${options.gapMs} ms apart; backlog ${options.runs} runs`,
    );
    // The floors and each worker count on a store of their own (a new embedded server, or
    // a new database on MONGODB_URL): on the embedded server a phase that follows another
    // is slower whatever its worker count (2,1 gave the 1-worker phase 9.1 runs/s, 1,2 gave
    // it 11–12.5), so phases on one server would not compare.
    const { server, floors } = await withStore('bench_workflows', async (store, redisUrl) => {
      console.log(
        `server:  ${store.server.kind} ${store.server.version} at ${store.server.url}, a new ${store.server.kind === 'MONGODB_URL' ? 'database' : 'server'} for the floors and for each worker count`,
      );
      await publish(store.db, bundle);
      return {
        server: store.server,
        floors: {
          bullmq: await bullmqFloor(redisUrl, `${store.db.databaseName}_floor`, options.samples, options.runs * 4),
          driver1: await driverFloor(store.db, { seconds: options.seconds, concurrency: 1 }),
          driver8: await driverFloor(store.db, { seconds: options.seconds, concurrency: 8 }),
        },
      };
    });
    const phases: Phase[] = [];
    for (const size of options.sizes) {
      for (const workers of options.workers) {
        phases.push(
          await withStore(`bench_workflows_${size}_w${workers}`, async (store, redisUrl) => {
            const snapshot = await publish(store.db, bundle);
            const env: WorkerEnv = {
              mongoUrl: store.mongoUrl,
              redisUrl,
              database: store.db.databaseName,
              queuePrefix: store.db.databaseName,
              allow: new URL(receiver.url).host,
            };
            return runPhase(store.db, snapshot, receiver, env, size, workers, options);
          }),
        );
      }
    }
    report(phases, floors);
    const { requests, repeatedKeys } = receiver.stats();
    console.log(`\nreceiver: ${requests} requests, ${repeatedKeys} idempotency keys seen twice`);
    const finishedAt = new Date();
    const file = writeResults(
      'workflows',
      { benchmark: 'workflows', startedAt, finishedAt, options, machine, server, floors, phases, receiver: receiver.stats() },
      startedAt,
    );
    console.log(`total wall time ${fmt((finishedAt.getTime() - startedAt.getTime()) / 1000, 1)} s; results written to ${file}`);
  } finally {
    await receiver.close();
  }
}

/** Opens a bench store with Redis, runs `fn` on it, and closes it. */
async function withStore<T>(prefix: string, fn: (store: BenchStore, redisUrl: string) => Promise<T>): Promise<T> {
  const store = await openBenchStore(prefix, { redis: true });
  try {
    if (!store.redisUrl) throw new Error('no Redis for the workers');
    return await fn(store, store.redisUrl);
  } finally {
    await store.close();
  }
}
