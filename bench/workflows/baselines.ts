import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { ObjectId, type Db } from 'mongodb';
import { measure, percentile, type Measurement } from '../lib/measure.js';

/**
 * The queue's floor: BullMQ alone on the same Redis, a worker in this process with the
 * workflow queue's concurrency (4), empty jobs. `latency`: add one job, time until its
 * processor starts, one at a time; `perSec`: a backlog of `count` empty jobs drained.
 */
export async function bullmqFloor(
  redisUrl: string,
  prefix: string,
  samples: number,
  count: number,
): Promise<{ p50: number; p95: number; perSec: number }> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('floor', { connection, prefix });
  const started = new Map<string, () => void>();
  let processed = 0;
  let drained: (() => void) | undefined;
  const workerConnection = connection.duplicate();
  const worker = new Worker(
    'floor',
    async (job) => {
      started.get(job.id!)?.();
      processed += 1;
      if (processed === count) drained?.();
    },
    { connection: workerConnection, prefix, concurrency: 4 },
  );
  try {
    await worker.waitUntilReady();
    const latencies: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const id = `l${i}`;
      const began = performance.now();
      const picked = new Promise<void>((resolve) => started.set(id, resolve));
      await queue.add('latency', {}, { jobId: id, removeOnComplete: true });
      await picked;
      latencies.push(performance.now() - began);
    }
    latencies.sort((a, b) => a - b);
    processed = 0;
    const done = new Promise<void>((resolve) => (drained = resolve));
    const began = performance.now();
    for (let i = 0; i < count; i += 500) {
      await queue.addBulk(
        Array.from({ length: Math.min(500, count - i) }, () => ({ name: 'drain', data: {}, opts: { removeOnComplete: true } })),
      );
    }
    await done;
    const seconds = (performance.now() - began) / 1000;
    return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSec: count / seconds };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await Promise.all([connection.quit(), workerConnection.quit()]);
  }
}

/**
 * The database's floor: the commands one run of the three-step workflow makes,
 * replayed with the bare driver and no engine logic. The list is what command
 * monitoring counted on a worker running these runs (per run: outbox 3 finds and 3
 * updates, counting the relay's polls and both events, the ticket's creation and the
 * update's; the disabled-workflow switches; the run inserted, read and saved 5 times;
 * the record read twice, its versioned update with revision, audit entry and event in
 * one transaction, and the audit lookup of the step's idempotency key; the HTTP step's
 * effect looked up and recorded). What a run costs above this is the engine's and
 * the queue's.
 */
export async function driverFloor(db: Db, options: { seconds: number; concurrency: number }): Promise<Measurement> {
  const outbox = db.collection<{
    _id: ObjectId;
    type: string;
    recordId: ObjectId;
    createdAt: Date;
    sentAt: Date | null;
    processedAt?: Date;
  }>('bench_outbox');
  const state = db.collection('bench_state');
  const runs = db.collection<{ _id: ObjectId; status: string; log: { step: string }[]; createdAt: Date; finishedAt?: Date }>('bench_runs');
  const records = db.collection('bench_records');
  const revisions = db.collection('bench_revisions');
  const audit = db.collection('bench_audit');
  const effects = db.collection<{ _id: string; output: unknown; at: Date }>('bench_effects');
  await Promise.all([
    outbox.createIndex({ sentAt: 1, createdAt: 1 }),
    audit.createIndex({ requestId: 1 }),
    runs.createIndex(
      { 'trigger.eventId': 1, workflow: 1 },
      { unique: true, partialFilterExpression: { 'trigger.eventId': { $type: 'objectId' } } },
    ),
  ]);
  const client = db.client;
  // The records and their creation events exist before a run starts: made up front, not measured.
  const prepared = Array.from({ length: 5000 }, () => ({ recordId: new ObjectId(), eventId: new ObjectId() }));
  await records.insertMany(prepared.map((p) => ({ _id: p.recordId, subject: 'floor', priority: 'high', status: 'new', _version: 1 })));
  await outbox.insertMany(
    prepared.map((p) => ({ _id: p.eventId, type: 'record.create', recordId: p.recordId, createdAt: new Date(), sentAt: new Date() })),
  );
  const handleEvent = async (eventId: ObjectId, matching: boolean, runId?: ObjectId) => {
    await outbox.findOne({ _id: eventId });
    if (matching) {
      await state.find({ enabled: false }).toArray();
      await runs.insertOne({
        _id: runId!,
        status: 'queued',
        trigger: { eventId, workflow: 'triage' },
        log: [],
        createdAt: new Date(),
      } as never);
    }
    await outbox.updateOne({ _id: eventId }, { $set: { processedAt: new Date() } });
  };
  const oneRun = async () => {
    const next = prepared.pop();
    if (!next) throw new Error('driver floor: out of prepared records; raise the 5,000');
    const { recordId, eventId } = next;
    const runId = new ObjectId();
    // relay: a poll that finds the event, and marks it sent
    await outbox.find({ sentAt: null }, { sort: { createdAt: 1 }, limit: 200, projection: { _id: 1, type: 1 } }).toArray();
    await outbox.updateMany({ _id: { $in: [eventId] } }, { $set: { sentAt: new Date() } });
    await handleEvent(eventId, true, runId);
    // the run: read, marked running, each step saved, completed
    await runs.findOne({ _id: runId });
    await runs.updateOne(
      { _id: runId, status: { $in: ['queued', 'running', 'waiting'] } },
      { $set: { status: 'running', updatedAt: new Date() } },
    );
    await runs.updateOne({ _id: runId, status: { $in: ['running'] } }, { $push: { log: { step: 'classify' } } });
    await audit.findOne({ requestId: `${runId.toHexString()}:mark` });
    await records.findOne({ _id: recordId });
    const updateEvent = new ObjectId();
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await records.updateOne(
          { _id: recordId, _version: 1 },
          { $set: { status: 'triaged', urgent: true }, $inc: { _version: 1 } },
          { session },
        );
        await revisions.insertOne({ recordId, version: 2, changes: [{ field: 'status' }] }, { session });
        await audit.insertOne({ recordId, action: 'record.update', requestId: `${runId.toHexString()}:mark`, at: new Date() }, { session });
        await outbox.insertOne({ _id: updateEvent, type: 'record.update', recordId, createdAt: new Date(), sentAt: null }, { session });
      });
    } finally {
      await session.endSession();
    }
    await records.findOne({ _id: recordId });
    await runs.updateOne({ _id: runId, status: { $in: ['running'] } }, { $push: { log: { step: 'mark' } } });
    const key = `${runId.toHexString()}:tell`;
    await effects.findOne({ _id: key });
    await effects.insertOne({ _id: key, output: { status: 200 }, at: new Date() });
    await runs.updateOne({ _id: runId, status: { $in: ['running'] } }, { $push: { log: { step: 'tell' } } });
    await runs.updateOne({ _id: runId, status: { $in: ['running'] } }, { $set: { status: 'completed', finishedAt: new Date() } });
    // the update's own event: relayed, handled (no workflow matches it)
    await outbox.find({ sentAt: null }, { sort: { createdAt: 1 }, limit: 200, projection: { _id: 1, type: 1 } }).toArray();
    await outbox.updateMany({ _id: { $in: [updateEvent] } }, { $set: { sentAt: new Date() } });
    await handleEvent(updateEvent, false);
  };
  try {
    return await measure('driver floor', oneRun, {
      iterations: 100_000,
      seconds: options.seconds,
      warmup: 5,
      concurrency: options.concurrency,
    });
  } finally {
    await Promise.all([outbox, state, runs, records, revisions, audit, effects].map((c) => c.drop().catch(() => undefined)));
  }
}
