/**
 * Storage baseline: what the bare `mongodb` driver gets from the store, with no engine
 * in between. Later benchmarks (records, workflows) print their figures beside these,
 * so the engine's own cost stays visible. See bench/README.md.
 */
import { ObjectId, type ClientSession, type Collection, type Db, type Document, type IndexSpecification, type MongoClient } from 'mongodb';
import { CrmRecordGenerator, STATUSES, type CrmRecord } from './lib/crm-record.js';
import { loadRecords, type LoadResult } from './lib/load.js';
import { measure, type Measurement, type Operation } from './lib/measure.js';
import { OPTIONS_HELP, parseBenchArgs, type BenchConfig } from './lib/options.js';
import { winningPlan } from './lib/plan.js';
import { Prng } from './lib/prng.js';
import { openBenchStore, type ServerInfo } from './lib/bench-store.js';
import { fmt, machineInfo, measurementTable, writeResults, type MachineInfo } from './lib/report.js';

/** The indexes a list view over the entity would declare (status filter, score sort; owner scope). */
const RECORD_INDEXES: IndexSpecification[] = [{ status: 1, score: -1, _id: 1 }, { ownerId: 1 }];
const LIST_SORT = { score: -1, _id: 1 } as const;
const ENTITY = 'lead';

/** The collections of one size, and the state the operations share. */
interface SizeContext {
  client: MongoClient;
  records: Collection<CrmRecord>;
  revisions: Collection;
  audit: Collection;
  outbox: Collection;
  generator: CrmRecordGenerator;
  rng: Prng;
  ids: ObjectId[];
  /** Current `_version` of `ids[i]`; only sequential operations update records. */
  versions: number[];
}

/** What one size produced, as written to the JSON file. */
interface SizeResult {
  size: number;
  load: Omit<LoadResult, 'ids'>;
  listPlan: string;
  results: Measurement[];
}

async function createCollections(db: Db, size: number): Promise<Omit<SizeContext, 'client' | 'generator' | 'rng' | 'ids' | 'versions'>> {
  const records = db.collection<CrmRecord>(`records_${size}`);
  const revisions = db.collection(`revisions_${size}`);
  const audit = db.collection(`audit_${size}`);
  const outbox = db.collection(`outbox_${size}`);
  for (const index of RECORD_INDEXES) await records.createIndex(index);
  await revisions.createIndex({ recordId: 1, version: -1 });
  await audit.createIndex({ recordId: 1, at: -1 });
  await outbox.createIndex({ sentAt: 1, createdAt: 1 });
  return { records, revisions, audit, outbox };
}

function pick(ctx: SizeContext): number {
  return ctx.rng.int(0, ctx.ids.length - 1);
}

function idAt(ctx: SizeContext, i: number): ObjectId {
  const id = ctx.ids[i];
  if (!id) throw new Error(`no loaded id at ${i}`);
  return id;
}

function listQuery(ctx: SizeContext) {
  return ctx.records
    .find({ status: ctx.rng.pick(STATUSES), deletedAt: null })
    .sort(LIST_SORT)
    .limit(50);
}

/** The engine's guarded update: updateOne on `_id` + expected `_version`, then a read by `_id`. */
async function versionedUpdate(ctx: SizeContext, i: number, session?: ClientSession): Promise<{ record: CrmRecord; changes: Document }> {
  const _id = idAt(ctx, i);
  const version = ctx.versions[i] ?? 1;
  const changes = ctx.generator.patch();
  const result = await ctx.records.updateOne(
    { _id, _version: version },
    { $set: { ...changes, updatedAt: new Date() }, $inc: { _version: 1 } },
    { session },
  );
  if (result.matchedCount !== 1)
    throw new Error(`version conflict on ${_id.toHexString()} v${version}: the benchmark lost track of versions`);
  const record = await ctx.records.findOne({ _id }, { session });
  if (!record) throw new Error(`record ${_id.toHexString()} vanished`);
  return { record, changes };
}

/** The same update inside a transaction with its revision, audit entry and outbox event. */
async function transactionalUpdate(ctx: SizeContext, i: number): Promise<void> {
  await ctx.client.withSession((session) =>
    session.withTransaction(async () => {
      const { record, changes } = await versionedUpdate(ctx, i, session);
      const at = record.updatedAt;
      const base = { entity: ENTITY, recordId: record._id, version: record._version };
      const fields = Object.keys(changes);
      await ctx.revisions.insertOne(
        { ...base, changes: fields.map((f) => ({ field: f, to: changes[f] })), by: record.ownerId, at },
        { session },
      );
      await ctx.audit.insertOne({ ...base, action: 'update', actor: record.ownerId, fields, at }, { session });
      await ctx.outbox.insertOne(
        { ...base, _id: new ObjectId(), type: 'record.updated', changedFields: fields, createdAt: at, sentAt: null, attempts: 0 },
        { session },
      );
    }),
  );
}

/** Runs a versioned update on a random record and advances the version we track, once it committed. */
function updateOp(ctx: SizeContext, inTransaction: boolean): Operation {
  return async () => {
    const i = pick(ctx);
    if (inTransaction) await transactionalUpdate(ctx, i);
    else await versionedUpdate(ctx, i);
    ctx.versions[i] = (ctx.versions[i] ?? 1) + 1;
  };
}

/** The operations, in the order they run; `concurrent` ones run with the configured in-flight count. */
function operations(ctx: SizeContext): { name: string; fn: Operation; concurrent?: boolean }[] {
  const getById: Operation = () => ctx.records.findOne({ _id: idAt(ctx, pick(ctx)) });
  const list: Operation = () => listQuery(ctx).toArray();
  return [
    { name: 'get by id', fn: getById },
    { name: 'list 50 (filter+sort)', fn: list },
    { name: 'insert', fn: () => ctx.records.insertOne(ctx.generator.next()) },
    { name: 'versioned update+read', fn: updateOp(ctx, false) },
    { name: 'tx update+rev+audit+outbox', fn: updateOp(ctx, true) },
    { name: 'get by id', fn: getById, concurrent: true },
    { name: 'list 50 (filter+sort)', fn: list, concurrent: true },
  ];
}

/** The winning plan of the list query (see winningPlan). */
function listPlan(ctx: SizeContext): Promise<string> {
  return winningPlan(listQuery(ctx));
}

function progress(loaded: number, size: number): void {
  if (process.stdout.isTTY) process.stdout.write(`\r  loading ${fmt(loaded, 0)} / ${fmt(size, 0)}`);
}

async function runSize(client: MongoClient, db: Db, size: number, config: BenchConfig): Promise<SizeResult> {
  console.log(`\n== ${fmt(size, 0)} records ==`);
  const collections = await createCollections(db, size);
  const generator = new CrmRecordGenerator(config.seed);
  const load = await loadRecords(
    collections.records,
    (n) => generator.batch(n),
    size,
    config.batch,
    (n) => progress(n, size),
  );
  if (process.stdout.isTTY) process.stdout.write('\r');
  console.log(`load: ${fmt(size, 0)} records, insertMany x${config.batch}, ${fmt(load.seconds)} s, ${fmt(load.docsPerSec, 0)} docs/s`);
  const ctx: SizeContext = {
    client,
    ...collections,
    generator,
    rng: new Prng(config.seed + size),
    ids: load.ids,
    versions: load.ids.map(() => 1),
  };
  const plan = await listPlan(ctx);
  console.log(`list plan: ${plan}`);
  const results: Measurement[] = [];
  for (const op of operations(ctx)) {
    const concurrency = op.concurrent ? config.concurrency : 1;
    const m = await measure(op.name, op.fn, { ...config, concurrency });
    console.error(`  ${op.name} x${concurrency}: ${m.iterations} iterations in ${fmt(m.seconds)} s`);
    results.push(m);
  }
  console.log(measurementTable(results));
  for (const c of Object.values(collections)) await c.drop();
  const { ids: _ids, ...loadFigures } = load;
  return { size, load: loadFigures, listPlan: plan, results };
}

function printHeader(config: BenchConfig, machine: MachineInfo, server: ServerInfo): void {
  console.log('store benchmark: bare mongodb driver against the store');
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load avg ${machine.loadAverage}`,
  );
  console.log(`server:  ${server.kind} ${server.version} at ${server.url}, database ${server.database}`);
  console.log(
    `config:  sizes ${config.sizes.join(',')}; per operation up to ${config.iterations} iterations or ${config.seconds} s, ` +
      `warm-up up to ${config.warmup} iterations or ${config.warmupSeconds} s; concurrent figures with ${config.concurrency} in flight; ` +
      `load batch ${config.batch}; seed ${config.seed}`,
  );
}

/** Runs the store benchmark with command-line `argv` (after the benchmark name). */
export async function run(argv: string[]): Promise<void> {
  const config = parseBenchArgs(argv);
  if (!config) {
    console.log(
      `Usage: npm run bench -- store [options]\n\n${OPTIONS_HELP}\n\nSet MONGODB_URL to measure a real MongoDB instead of the embedded SecantusDB.`,
    );
    return;
  }
  const startedAt = new Date();
  const machine = machineInfo();
  const store = await openBenchStore('bench_store');
  try {
    printHeader(config, machine, store.server);
    const sizes: SizeResult[] = [];
    for (const size of config.sizes) sizes.push(await runSize(store.client, store.db, size, config));
    const finishedAt = new Date();
    const wallSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10;
    const file = writeResults(
      'store',
      { benchmark: 'store', startedAt, finishedAt, wallSeconds, config, machine, server: store.server, sizes },
      startedAt,
    );
    console.log(`\ntotal wall time ${fmt(wallSeconds, 1)} s; results written to ${file}`);
  } finally {
    await store.close();
  }
}
