import { type ClientSession, type Collection, type Db, type MongoClient } from 'mongodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { rejectionOf } from './compat-support.js';

/**
 * Multi-document transactions: the record engine writes a record, its revision, its
 * audit entry and its outbox event in one transaction, so either all exist or none.
 */

interface Account {
  _id: string;
  name: string;
  balance?: number;
}
interface Entry {
  _id: string;
  accountId: string;
  amount: number;
}
interface Contact {
  _id: string;
  name: string;
  _version: number;
}
interface Counter {
  _id: string;
  seq: number;
}
interface User {
  _id: string;
  email: string;
}

const env = testEnv(import.meta.url);
let client: MongoClient;
let db: Db;
let accounts: Collection<Account>;
let entries: Collection<Entry>;
let users: Collection<User>;

beforeAll(async () => {
  ({ client, db } = await openTestDb(env));
  accounts = db.collection<Account>('accounts');
  entries = db.collection<Entry>('entries');
  users = db.collection<User>('users');
  // Collections and indexes exist before any transaction touches them, as they will once
  // the engine has published an entity.
  for (const name of ['accounts', 'entries', 'users', 'contacts', 'revisions', 'audit', 'outbox', 'counters']) {
    await db.createCollection(name);
  }
  await users.createIndex({ email: 1 }, { unique: true });
});

beforeEach(async () => {
  await Promise.all([accounts.deleteMany({}), entries.deleteMany({}), users.deleteMany({})]);
});

/** Runs `fn` with a fresh session and always ends it. */
async function withSession<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = client.startSession();
  try {
    return await fn(session);
  } finally {
    await session.endSession();
  }
}

describe('multi-document transactions', () => {
  it('commits writes to two collections together', async () => {
    const result = await withSession((session) =>
      session.withTransaction(async () => {
        await accounts.insertOne({ _id: 'a1', name: 'Acme' }, { session });
        await entries.insertOne({ _id: 'e1', accountId: 'a1', amount: 100 }, { session });
        return 'done';
      }),
    );
    expect(result).toBe('done');
    expect(await accounts.find().toArray()).toEqual([{ _id: 'a1', name: 'Acme' }]);
    expect(await entries.find().toArray()).toEqual([{ _id: 'e1', accountId: 'a1', amount: 100 }]);
  });

  it('leaves neither write when the callback throws', async () => {
    const failure = new Error('validation failed after the first write');
    await expect(
      withSession((session) =>
        session.withTransaction(async () => {
          await accounts.insertOne({ _id: 'a1', name: 'Acme' }, { session });
          await entries.insertOne({ _id: 'e1', accountId: 'a1', amount: 100 }, { session });
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    expect(await accounts.countDocuments()).toBe(0);
    expect(await entries.countDocuments()).toBe(0);
  });

  it('leaves neither write after an explicit abortTransaction', async () => {
    await accounts.insertOne({ _id: 'a1', name: 'Acme', balance: 0 });
    await withSession(async (session) => {
      session.startTransaction();
      await accounts.updateOne({ _id: 'a1' }, { $inc: { balance: 100 } }, { session });
      await entries.insertOne({ _id: 'e1', accountId: 'a1', amount: 100 }, { session });
      await session.abortTransaction();
    });
    expect(await accounts.findOne({ _id: 'a1' })).toEqual({ _id: 'a1', name: 'Acme', balance: 0 });
    expect(await entries.countDocuments()).toBe(0);
  });

  it('reads its own uncommitted writes inside the transaction', async () => {
    await accounts.insertOne({ _id: 'a1', name: 'Acme', balance: 0 });
    await withSession((session) =>
      session.withTransaction(async () => {
        await accounts.updateOne({ _id: 'a1' }, { $set: { name: 'Acme Corp' } }, { session });
        await entries.insertMany(
          [
            { _id: 'e1', accountId: 'a1', amount: 40 },
            { _id: 'e2', accountId: 'a1', amount: 60 },
          ],
          { session },
        );
        expect(await accounts.findOne({ _id: 'a1' }, { session })).toEqual({ _id: 'a1', name: 'Acme Corp', balance: 0 });
        expect(await entries.countDocuments({ accountId: 'a1' }, { session })).toBe(2);
        const [sum] = await entries
          .aggregate<{ total: number }>(
            [{ $match: { accountId: 'a1' } }, { $group: { _id: null, total: { $sum: '$amount' } } }, { $project: { _id: 0 } }],
            { session },
          )
          .toArray();
        expect(sum).toEqual({ total: 100 });
      }),
    );
  });

  it('hides an uncommitted write from readers outside the transaction until commit', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      await accounts.insertOne({ _id: 'a1', name: 'Acme' }, { session });
      expect(await accounts.findOne({ _id: 'a1' })).toBeNull();
      expect(await accounts.countDocuments()).toBe(0);
      await session.commitTransaction();
    });
    expect(await accounts.findOne({ _id: 'a1' })).toEqual({ _id: 'a1', name: 'Acme' });
  });

  it('fails the second of two transactions writing one document with a transient WriteConflict', async () => {
    await accounts.insertOne({ _id: 'a1', name: 'Acme', balance: 0 });
    const first = client.startSession();
    const second = client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await accounts.updateOne({ _id: 'a1' }, { $inc: { balance: 1 } }, { session: first });
      const err = await rejectionOf(accounts.updateOne({ _id: 'a1' }, { $inc: { balance: 10 } }, { session: second }));
      expect(err.code).toBe(112);
      expect(err.codeName).toBe('WriteConflict');
      expect(err.hasErrorLabel('TransientTransactionError')).toBe(true);
      await second.abortTransaction();
      await first.commitTransaction();
    } finally {
      await Promise.all([first.endSession(), second.endSession()]);
    }
    expect(await accounts.findOne({ _id: 'a1' })).toEqual({ _id: 'a1', name: 'Acme', balance: 1 });
  });

  it('retries a write-conflicted transaction in withTransaction until it succeeds', async () => {
    await accounts.insertOne({ _id: 'a1', name: 'Acme', balance: 0 });
    const holder = client.startSession();
    let attempts = 0;
    try {
      holder.startTransaction();
      await accounts.updateOne({ _id: 'a1' }, { $inc: { balance: 1 } }, { session: holder });
      await withSession((session) =>
        session.withTransaction(async () => {
          attempts += 1;
          const write = accounts.updateOne({ _id: 'a1' }, { $inc: { balance: 10 } }, { session });
          // The first attempt collides with the holder's uncommitted write; the holder then
          // commits, so withTransaction's retry finds the document free.
          await (attempts === 1 ? write.finally(() => holder.commitTransaction()) : write);
        }),
      );
    } finally {
      await holder.endSession();
    }
    expect(attempts).toBe(2);
    expect(await accounts.findOne({ _id: 'a1' })).toEqual({ _id: 'a1', name: 'Acme', balance: 11 });
  });

  it('rolls back the first insert when the second violates a unique index', async () => {
    await users.insertOne({ _id: 'u1', email: 'ann@example.com' });
    const err = await rejectionOf(
      withSession((session) =>
        session.withTransaction(async () => {
          await accounts.insertOne({ _id: 'a1', name: 'Acme' }, { session });
          await users.insertOne({ _id: 'u2', email: 'ann@example.com' }, { session });
        }),
      ),
    );
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ email: 'ann@example.com' });
    expect(err.hasErrorLabel('TransientTransactionError')).toBe(false);
    expect(await accounts.countDocuments()).toBe(0);
    expect(await users.find().toArray()).toEqual([{ _id: 'u1', email: 'ann@example.com' }]);
  });
});

describe('the record write transaction', () => {
  const contacts = () => db.collection<Contact>('contacts');
  const counters = () => db.collection<Counter>('counters');
  const revisions = () => db.collection('revisions');
  const audit = () => db.collection<{ _id: string; recordId: string; action: string }>('audit');
  const outbox = () => db.collection('outbox');

  /** The engine's update path: guarded update, read back, then revision, audit and outbox. */
  async function updateContact(session: ClientSession, id: string, expectedVersion: number, name: string): Promise<Contact> {
    const res = await contacts().updateOne({ _id: id, _version: expectedVersion }, { $set: { name }, $inc: { _version: 1 } }, { session });
    if (res.matchedCount === 0) throw new Error('version conflict');
    const after = await contacts().findOne({ _id: id }, { session });
    if (!after) throw new Error('vanished');
    const counter = await counters().findOneAndUpdate(
      { _id: 'revision' },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: 'after', session },
    );
    await revisions().insertOne({ recordId: id, version: after._version, seq: counter?.seq, changes: { name } }, { session });
    const audited = await audit().updateOne(
      { _id: `${id}:${after._version}` },
      { $setOnInsert: { recordId: id, action: 'update' } },
      { upsert: true, session },
    );
    expect(audited.upsertedId).toBe(`${id}:${after._version}`);
    await outbox().insertOne({ eventId: `${id}:${after._version}`, kind: 'record.updated', sent: false }, { session });
    return after;
  }

  beforeEach(async () => {
    await Promise.all([contacts(), counters(), revisions(), audit(), outbox()].map((c) => c.deleteMany({})));
    await contacts().insertOne({ _id: 'c1', name: 'Ann', _version: 1 });
  });

  it('commits the record, counter upsert, revision, upserted audit entry and outbox event together', async () => {
    const after = await withSession((session) => session.withTransaction(() => updateContact(session, 'c1', 1, 'Anna')));
    expect(after).toEqual({ _id: 'c1', name: 'Anna', _version: 2 });
    expect(await contacts().findOne({ _id: 'c1' })).toEqual({ _id: 'c1', name: 'Anna', _version: 2 });
    expect(await counters().findOne({ _id: 'revision' })).toEqual({ _id: 'revision', seq: 1 });
    expect(
      await revisions()
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ recordId: 'c1', version: 2, seq: 1, changes: { name: 'Anna' } }]);
    expect(await audit().find().toArray()).toEqual([{ _id: 'c1:2', recordId: 'c1', action: 'update' }]);
    expect(
      await outbox()
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ eventId: 'c1:2', kind: 'record.updated', sent: false }]);
  });

  it('writes nothing when a later step fails after the counter and revision writes', async () => {
    await expect(
      withSession((session) =>
        session.withTransaction(async () => {
          await updateContact(session, 'c1', 1, 'Anna');
          throw new Error('audit sink refused');
        }),
      ),
    ).rejects.toThrow('audit sink refused');
    expect(await contacts().findOne({ _id: 'c1' })).toEqual({ _id: 'c1', name: 'Ann', _version: 1 });
    expect(await counters().countDocuments()).toBe(0);
    expect(await revisions().countDocuments()).toBe(0);
    expect(await audit().countDocuments()).toBe(0);
    expect(await outbox().countDocuments()).toBe(0);
  });

  it('matches nothing for a stale version inside the transaction', async () => {
    await expect(withSession((session) => session.withTransaction(() => updateContact(session, 'c1', 7, 'Anna')))).rejects.toThrow(
      'version conflict',
    );
    expect(await contacts().findOne({ _id: 'c1' })).toEqual({ _id: 'c1', name: 'Ann', _version: 1 });
    expect(await revisions().countDocuments()).toBe(0);
  });
});
