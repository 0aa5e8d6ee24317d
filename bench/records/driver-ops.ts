import { ObjectId, type ClientSession, type Db, type Document } from 'mongodb';
import { SHARES } from '../../server/src/access/record-shares.js';
import { recordCollection } from '../../server/src/record-storage/record-collections.js';
import { combineQueries } from '../../server/src/query/compile-filter.js';
import { AUDIT_LOG as AUDIT, OUTBOX, RECORD_REVISIONS as REVISIONS } from '../../server/src/audit/record-trail.js';
import { ACCOUNT, LEAD } from './lead-bundle.js';
import { leadPatch } from './lead-data.js';
import { pick, release, reserve, type OpContext } from './op-context.js';
import type { RecordOps } from './engine-ops.js';

const ACTOR = { kind: 'system', id: 'system', name: 'metacrm' } as const;
const SYSTEM_KEYS = new Set(['_id', '_version', '_createdAt', '_updatedAt', '_createdBy', '_updatedBy', '_ownerId', '_deletedAt']);

/** One multi-document transaction, begun and ended as the engine does it. */
async function transaction(db: Db, work: (session: ClientSession) => Promise<void>): Promise<void> {
  const session = db.client.startSession();
  try {
    await session.withTransaction(() => work(session));
  } finally {
    await session.endSession();
  }
}

/** The revision, audit entry and outbox event of a write, shaped and sized like the engine's. */
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
  await db.collection(REVISIONS).insertOne({ entity: LEAD, recordId, version, op, at, actor: ACTOR, changes }, { session });
  await db
    .collection(AUDIT)
    .insertOne({ at, actor: ACTOR, action: `record.${op}`, entity: LEAD, recordId, version, fields, requestId: null }, { session });
  await db.collection(OUTBOX).insertOne(
    {
      _id: new ObjectId(),
      type: `record.${op}`,
      entity: LEAD,
      recordId,
      version,
      changed: fields,
      actor: ACTOR,
      causationDepth: 0,
      before,
      after,
      createdAt: at,
      sentAt: null,
    },
    { session },
  );
}

function fieldsOf(doc: Document): Document {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !SYSTEM_KEYS.has(key)));
}

/**
 * The same four operations with the bare `mongodb` driver, making the same round trips
 * as the engine (round-trips.ts prints both, so a reader can check):
 * - get: `findOne({_id, _deletedAt: null})`;
 * - list: the `find(filter).sort(sort).limit(51)` the engine's query compiler makes of the view;
 * - create: the lookup's target checked with one find, then the record, its revision,
 *   audit entry and outbox event inserted in one transaction, then the record read back;
 * - patch: the record read (its version checked, its values kept for the history),
 *   then the version-guarded updateOne with the revision, audit entry and outbox event in
 *   one transaction, then the record read back.
 * What is left out is the engine's own work: building the service, access checks,
 * validation, value conversion, diffing, presenting the record in API form.
 */
export function driverOps(ctx: OpContext): RecordOps {
  const { world, db } = ctx;
  const leads = recordCollection(db, LEAD);
  const accounts = recordCollection(db, ACCOUNT);
  return {
    get: () => leads.findOne({ _id: world.ids[pick(ctx)]!, _deletedAt: null }),
    list: () => leads.find(ctx.list.filter, { sort: ctx.list.sort, limit: ctx.list.limit }).toArray(),
    create: async () => {
      const { stored } = ctx.creates.take();
      const found = await accounts
        .find({ _id: { $in: [stored.account_id as ObjectId] }, _deletedAt: null }, { projection: { _id: 1 } })
        .toArray();
      if (found.length !== 1) throw new Error('the lead points at an account that does not exist');
      const _id = new ObjectId();
      const now = new Date();
      const doc = {
        _id,
        ...stored,
        _version: 1,
        _createdAt: now,
        _updatedAt: now,
        _createdBy: ACTOR.id,
        _updatedBy: ACTOR.id,
        _ownerId: ACTOR.id,
        _deletedAt: null,
      };
      await transaction(db, async (session) => {
        await leads.insertOne(doc, { session });
        const changes = Object.entries(stored).map(([field, to]) => ({ field, from: null, to }));
        await writeTrail(db, session, 'create', _id, 1, changes, null, stored);
      });
      if (!(await leads.findOne({ _id, _deletedAt: null }))) throw new Error(`created lead ${_id.toHexString()} is not there`);
    },
    patch: async () => {
      const i = reserve(ctx);
      try {
        const _id = world.ids[i]!;
        const version = world.versions[i]!;
        const before = await leads.findOne({ _id, _deletedAt: null });
        if (!before || before._version !== version)
          throw new Error(`lead ${_id.toHexString()} is not at version ${version}: the benchmark lost track`);
        const { stored } = leadPatch(ctx.rng, (ctx.patches.seq += 1));
        await transaction(db, async (session) => {
          const update = { $set: { ...stored, _updatedAt: new Date(), _updatedBy: ACTOR.id }, $inc: { _version: 1 } };
          const result = await leads.updateOne({ _id, _version: version }, update, { session });
          if (result.matchedCount !== 1) throw new Error(`version conflict on lead ${_id.toHexString()}`);
          const values = fieldsOf(before);
          const changes = Object.entries(stored).map(([field, to]) => ({ field, from: values[field] ?? null, to }));
          await writeTrail(db, session, 'update', _id, version + 1, changes, values, { ...values, ...stored });
        });
        const after = await leads.findOne({ _id, _deletedAt: null });
        if (!after) throw new Error(`lead ${_id.toHexString()} vanished`);
        world.versions[i] = after._version as number;
      } finally {
        release(ctx, i);
      }
    },
  };
}

/**
 * Get and list with the bare driver making the rep's round trips: the records shared
 * with the rep (a find on the shares), then the query with the rep's `own` scope ANDed
 * to it, merged into one document where keys do not meet (`combineQueries`), the query
 * the engine's record access sends. The baseline of the "engine as rep" rows.
 */
export function repDriverOps(ctx: OpContext): Pick<RecordOps, 'get' | 'list'> {
  const { world, db } = ctx;
  const leads = recordCollection(db, LEAD);
  const me = world.rep.id;
  const scope = async (): Promise<Document> => {
    const now = new Date();
    const shared = await db
      .collection(SHARES)
      .find(
        {
          entity: LEAD,
          $or: [{ 'principal.type': 'user', 'principal.id': me }],
          $and: [{ $or: [{ until: null }, { until: { $gt: now } }] }],
        },
        { projection: { recordId: 1 } },
      )
      .toArray();
    return shared.length === 0
      ? { _ownerId: me }
      : { $or: [{ _ownerId: me }, { _id: { $in: shared.map((d) => d.recordId as ObjectId) } }] };
  };
  return {
    get: async () =>
      leads.findOne(
        combineQueries({ _id: world.ids[world.repOwned[ctx.rng.int(0, world.repOwned.length - 1)]!]!, _deletedAt: null }, await scope()),
      ),
    list: async () => leads.find(combineQueries(ctx.list.filter, await scope()), { sort: ctx.list.sort, limit: ctx.list.limit }).toArray(),
  };
}
