import { ObjectId, type ClientSession, type Db, type Document } from 'mongodb';
import { AUDIT_LOG, OUTBOX, RECORD_REVISIONS } from '../../server/src/audit/record-trail.js';
import { recordCollection } from '../../server/src/record-storage/record-collections.js';
import { storageUpdate } from '../../server/src/records/record-document.js';
import type { Operation } from '../lib/measure.js';
import type { Prng } from '../lib/prng.js';
import { DEAL } from './deal-bundle.js';
import { storedDeal, type DealGenerator, type DealWorld } from './deal-world.js';

/** The four measured operations. */
export type HttpOp = 'get' | 'list' | 'create' | 'patch';

const ACTOR = { kind: 'user', id: 'bench', name: 'bench' } as const;

/** The revision, audit entry and outbox event of a write, shaped like the engine's (record-writer.ts). */
async function writeTrail(
  db: Db,
  session: ClientSession,
  op: string,
  recordId: ObjectId,
  version: number,
  changes: { field: string; from: unknown; to: unknown }[],
  before: Document | null,
  after: Document,
): Promise<void> {
  const at = new Date();
  const fields = changes.map((c) => c.field);
  await db.collection(RECORD_REVISIONS).insertOne({ entity: DEAL, recordId, version, op, at, actor: ACTOR, changes }, { session });
  await db
    .collection(AUDIT_LOG)
    .insertOne({ at, actor: ACTOR, action: `record.${op}`, entity: DEAL, recordId, version, fields, requestId: null }, { session });
  await db.collection(OUTBOX).insertOne(
    {
      _id: new ObjectId(),
      type: `record.${op}`,
      entity: DEAL,
      recordId,
      version,
      changed: fields,
      actor: { ...ACTOR, roles: ['admin'], departmentId: null },
      causationDepth: 0,
      causationChain: [],
      before,
      after,
      createdAt: at,
      sentAt: null,
    },
    { session },
  );
}

/**
 * What the API does for each request, done with the bare driver on the same store:
 * the baseline of issue #19's goals. A create or PATCH is the same transaction as the
 * engine's (record, revision, audit entry, outbox event); a PATCH first reads the record
 * (its version and the values its history keeps), as the engine must.
 */
export function driverOps(world: DealWorld, generator: DealGenerator, rng: Prng): Record<HttpOp, Operation> {
  const { db } = world;
  const deals = recordCollection(db, DEAL);
  const transaction = async (work: (session: ClientSession) => Promise<void>) => {
    const session = db.client.startSession();
    try {
      await session.withTransaction(() => work(session));
    } finally {
      await session.endSession();
    }
  };
  const pick = () => world.ids[rng.int(0, world.ids.length - 1)]!;
  return {
    get: () => deals.findOne({ _id: pick(), _deletedAt: null }),
    list: () => deals.find(world.list.filter, { sort: world.list.sort, limit: world.list.limit }).toArray(),
    create: async () => {
      const values = generator.next();
      const doc = storedDeal(world, values, ACTOR.id);
      await transaction(async (session) => {
        await deals.insertOne(doc, { session });
        await writeTrail(
          db,
          session,
          'create',
          doc._id,
          1,
          Object.entries(values).map(([field, to]) => ({ field, from: null, to })),
          null,
          values,
        );
      });
    },
    patch: async () => {
      const _id = pick();
      const before = await deals.findOne({ _id, _deletedAt: null });
      if (!before) throw new Error(`deal ${_id.toHexString()} is missing`);
      const change = generator.patch();
      await transaction(async (session) => {
        const update = {
          $set: { ...storageUpdate(world.compiled, change).$set, _updatedAt: new Date(), _updatedBy: ACTOR.id },
          $inc: { _version: 1 },
        };
        const result = await deals.updateOne({ _id, _version: before._version as number }, update, { session });
        if (result.matchedCount !== 1) return; // another patch of the same record won: as the engine, nothing written
        const changes = Object.entries(change).map(([field, to]) => ({ field, from: before[field] ?? null, to }));
        await writeTrail(db, session, 'update', _id, (before._version as number) + 1, changes, before, { ...before, ...change });
      });
    },
  };
}
