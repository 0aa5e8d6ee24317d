/**
 * `npm run demo -- --records 100000 [--seed 16] [--anchor 2026-12-01] [--in-flight 2] [--batch 250]`:
 * loads a deterministic demo data set into the installation (MONGODB_URL, or the
 * embedded database under DATA_DIR as `npm start` runs it) through the record
 * engine's bulk path, and prints records per second. Installs the standard CRM first
 * if the metadata lacks it. Run it with the platform stopped (the embedded database
 * has one owner) or against MONGODB_URL / REDIS_URL.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/src/config/config.js';
import { startDevServices } from '../server/src/dev-services/dev-services.js';
import { ensureAuthIndexes } from '../server/src/auth/user-model.js';
import { MetadataCache } from '../server/src/metadata/metadata-cache.js';
import { MetadataRepository } from '../server/src/metadata/metadata.repository.js';
import { metadataToolkit } from '../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../server/src/runtime/registries.js';
import { createLogger } from '../server/src/observability/logger.js';
import { closeQueues, createQueues } from '../server/src/queues/queues.js';
import { ensureRecordIndexes } from '../server/src/records/record-indexes.js';
import { installStandardApp } from '../server/src/records/seed/standard-app.js';
import { MongoClient } from 'mongodb';
import { createRedis } from '../server/src/storage/redis.js';
import { loadDemo } from '../bench/demo/load-demo.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '16' },
    anchor: { type: 'string' },
    'in-flight': { type: 'string', default: '2' },
    batch: { type: 'string', default: '250' },
  },
});
const records = Number(args.records);
const inFlight = Number(args['in-flight']);
const batch = Number(args.batch);
if (!Number.isSafeInteger(records) || records < 10 || records > 1_000_000) fail('--records must be a whole number from 10 to 1000000');
if (!Number.isSafeInteger(inFlight) || inFlight < 1 || inFlight > 32) fail('--in-flight must be from 1 to 32');
if (!Number.isSafeInteger(batch) || batch < 1 || batch > 1000) fail('--batch must be from 1 to 1000');
const anchor = new Date(`${args.anchor ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
if (Number.isNaN(anchor.getTime())) fail('--anchor must be a date, YYYY-MM-DD');

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

let config;
try {
  config = loadConfig(process.env, 'all');
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const dev = config.mongoUrl === undefined || config.redisUrl === undefined ? await startDevServices(config.dataDir) : undefined;
// A long load keeps the embedded server busy for seconds at a time: its monitor may wait
// longer than the platform's 3 s before the driver gives the connection up.
const mongo = await new MongoClient(config.mongoUrl ?? dev!.mongoUrl, {
  appName: 'metacrm-demo',
  connectTimeoutMS: 60_000,
  serverSelectionTimeoutMS: 60_000,
  socketTimeoutMS: 600_000,
}).connect();
const redis = createRedis(config.redisUrl ?? dev!.redisUrl, 'command', logger);
const queues = createQueues(redis, config.queuePrefix);
try {
  const db = mongo.db(config.database);
  await new MetadataRepository(db).ensureIndexes();
  await ensureRecordIndexes(db);
  await ensureAuthIndexes(db);
  const toolkit = metadataToolkit(createRegistries());
  const cache = new MetadataCache(db);
  if (!(await cache.current()).entity('customer')) {
    process.stdout.write('Installing the standard CRM first…\n');
    await installStandardApp('crm', { db, toolkit, cache, queue: queues.jobs, logger });
    cache.invalidate();
  }
  const snapshot = await cache.current();
  if (!snapshot.entity('customer'))
    fail('the current metadata has no customer entity, and the standard CRM could not be installed over it');
  process.stdout.write(
    `Loading ${records.toLocaleString('en')} demo records (seed ${args.seed}, anchor ${anchor.toISOString().slice(0, 10)}, ${inFlight} batches of ${batch} in flight) into ${config.database}…\n`,
  );
  let last = 0;
  const result = await loadDemo({
    db,
    snapshot,
    toolkit,
    records,
    seed: Number(args.seed),
    anchor,
    batch,
    inFlight,
    onProgress: (entity, done, total) => {
      if (Date.now() - last < 5000 && done < total) return;
      last = Date.now();
      process.stdout.write(`  ${entity}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')}\n`);
    },
  });
  for (const [entity, s] of Object.entries(result.perEntity))
    process.stdout.write(
      `${entity.padEnd(12)} ${String(s.created).padStart(7)} created ${String(s.failed).padStart(5)} failed ${(s.created / (s.ms / 1000)).toFixed(1).padStart(8)} records/s\n`,
    );
  for (const line of result.firstErrors) process.stdout.write(`  error: ${line}\n`);
  process.stdout.write(
    `Total: ${result.created.toLocaleString('en')} records in ${(result.ms / 1000).toFixed(1)} s: ${(result.created / (result.ms / 1000)).toFixed(1)} records/s${result.failed ? `, ${result.failed} failed` : ''}\n`,
  );
} finally {
  await closeQueues(queues);
  redis.disconnect();
  await mongo.close();
  await dev?.stop();
}
