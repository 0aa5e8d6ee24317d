import type { Readable } from 'node:stream';
import { ObjectId, type Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskValue } from '@metacrm/metadata';
import { explainAccess } from '../../server/src/records/access-explain.js';
import { SYSTEM_ACTOR, type Actor } from '../../server/src/actor/actor.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { MetadataCache, type MetadataSnapshot } from '../../server/src/metadata/metadata-cache.js';
import { MetadataService } from '../../server/src/metadata/metadata.service.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { openExport } from '../../server/src/records/export/export.service.js';
import { RecordService } from '../../server/src/records/record.service.js';
import { accessBundle } from './access-bundle.js';
import { openTestDb, testEnv } from '../helpers/env.js';

/**
 * Permissions enforced inside the record engine, over the real database: a role ×
 * field × operation matrix (no leak through list, get, filter, sort, search, expand,
 * aggregate, export or history), record scopes (own, subordinates, department tree,
 * row filter), write checks, sharing and the explainer.
 */
const env = testEnv(import.meta.url);
const toolkit = metadataToolkit(createRegistries());
const registries = toolkit.registries;
let db: Db;
let snapshot: MetadataSnapshot;
const ids: Record<string, string> = {};
const users: Record<string, Actor> = {};

const service = (actor: Actor) => new RecordService({ db, snapshot, registries, actor });
const codeOf = async (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (err: { code?: string }) => err.code ?? String(err),
  );

async function addUser(key: string, roles: string[], department: ObjectId | null, manager: string | null): Promise<void> {
  const _id = new ObjectId();
  await db.collection('users').insertOne({
    _id,
    email: `${key}@example.com`,
    name: key,
    active: true,
    roles,
    departmentId: department,
    managerId: manager ? new ObjectId(users[manager]!.id) : null,
  });
  users[key] = { kind: 'user', id: _id.toHexString(), name: key, roles, departmentId: department?.toHexString() ?? null };
}

async function addDeal(owner: string, title: string, values: Record<string, unknown>): Promise<void> {
  const record = await service(SYSTEM_ACTOR).create('deal', { title, ...values });
  await db.collection('rec_deal').updateOne({ _id: new ObjectId(record.id) }, { $set: { _ownerId: users[owner]!.id } });
  ids[title] = record.id;
}

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  const cache = new MetadataCache(db);
  const meta = new MetadataService({ db, actor: SYSTEM_ACTOR, toolkit, cache });
  const bundle = accessBundle();
  for (const kind of ['entities', 'roles'] as const) for (const item of bundle[kind]) await meta.putDraftItem(kind, item.key, item);
  await meta.publish();
  snapshot = await cache.current();

  const sales = new ObjectId();
  const northTeam = new ObjectId();
  await db.collection('departments').insertMany([
    { _id: sales, name: 'Sales', parentId: null },
    { _id: northTeam, name: 'North team', parentId: sales },
  ]);
  await addUser('boss', ['manager'], sales, null);
  await addUser('ann', ['rep'], northTeam, 'boss');
  await addUser('bob', ['rep'], northTeam, 'ann');
  await addUser('carl', ['north'], null, null);
  await addUser('dana', ['team'], sales, null);
  await addUser('erin', ['rep'], null, null);

  const annAccount = await service(SYSTEM_ACTOR).create('account', { name: 'Ann Account' });
  await db.collection('rec_account').updateOne({ _id: new ObjectId(annAccount.id) }, { $set: { _ownerId: users.ann!.id } });
  const otherAccount = await service(SYSTEM_ACTOR).create('account', { name: 'Other Account' });
  ids.annAccount = annAccount.id;
  ids.otherAccount = otherAccount.id;

  await addDeal('ann', 'A1', { amount: '100.00', phone: '13812341234', note: 'zebra secret', region: 'north', account: annAccount.id });
  await addDeal('bob', 'B1', { amount: '200.00', phone: '13900001111', note: 'bob note', region: 'south', account: otherAccount.id });
  await addDeal('boss', 'M1', { amount: '300.00', phone: '13700002222', note: 'boss note', region: 'north' });
  await addDeal('erin', 'E1', { amount: '400.00', phone: '13600003333', note: 'erin note', region: 'south' });
  // History for A1: every field changes once more.
  await service(SYSTEM_ACTOR).update('deal', ids.A1!, { amount: '110.00', phone: '13812349999', note: 'zebra secret 2' });
});

/** The matrix: per user, which deals they see, and which fields are hidden or masked. */
const MATRIX = [
  { user: 'ann', role: 'rep', sees: ['A1'], hidden: ['note'], masked: { phone: { keepStart: 3, keepEnd: 4 } }, canExport: false },
  { user: 'boss', role: 'manager', sees: ['A1', 'B1', 'M1'], hidden: [], masked: {}, canExport: true },
  { user: 'carl', role: 'north', sees: ['A1', 'M1'], hidden: ['amount'], masked: {}, canExport: true },
] as const;
const ALL_FIELDS = ['title', 'amount', 'phone', 'note', 'region', 'account'];
const ALL_DEALS = ['A1', 'B1', 'M1', 'E1'];

describe.each(MATRIX)('$role ($user)', ({ user, sees, hidden, masked, canExport }) => {
  const actor = () => users[user]!;
  const unqueryable = [...hidden, ...Object.keys(masked)];
  const readable = ALL_FIELDS.filter((f) => !unqueryable.includes(f));
  const stored = async (title: string) => (await service(SYSTEM_ACTOR).get('deal', ids[title]!)) as Record<string, unknown>;

  it('lists and gets exactly the records in scope, without hidden fields and with masks applied', async () => {
    const listed = (await service(actor()).list('deal', { sort: 'title', limit: 50 })).records;
    expect(listed.map((r) => r.title)).toEqual([...sees]);
    for (const title of ALL_DEALS) {
      const got = await codeOf(service(actor()).get('deal', ids[title]!));
      expect([title, got]).toEqual([title, sees.includes(title as never) ? 'ok' : 'RECORD_NOT_FOUND']);
    }
    for (const record of listed) {
      const truth = await stored(String(record.title));
      const single = await service(actor()).get('deal', record.id);
      for (const field of ALL_FIELDS) {
        const want = (hidden as readonly string[]).includes(field)
          ? undefined
          : field in masked
            ? maskValue(truth[field], masked[field as keyof typeof masked])
            : truth[field];
        expect({ field, listed: record[field], got: single[field] }).toEqual({ field, listed: want, got: want });
      }
    }
  });

  it('refuses filters, sorts, field lists and groups on hidden or masked fields, and searches only readable ones', async () => {
    for (const field of unqueryable) {
      expect(await codeOf(service(actor()).list('deal', { filter: { field, op: 'isNotEmpty' } }))).toBe('FIELD_NOT_READABLE');
      expect(await codeOf(service(actor()).list('deal', { sort: field }))).toBe('FIELD_NOT_READABLE');
      expect(await codeOf(service(actor()).list('deal', { fields: [field] }))).toBe('FIELD_NOT_READABLE');
    }
    for (const field of readable)
      expect(await codeOf(service(actor()).list('deal', { filter: { field, op: 'isNotEmpty' }, sort: field }))).toBe('ok');
    // "zebra" is only in A1's note: found only by those who may read notes and A1.
    const found = (await service(actor()).list('deal', { q: 'zebra' })).records.map((r) => r.title);
    expect(found).toEqual((hidden as readonly string[]).includes('note') || !sees.includes('A1' as never) ? [] : ['A1']);
    // A filter on a readable field never reaches past the scope.
    expect((await service(actor()).list('deal', { filter: { field: 'title', op: 'in', value: ALL_DEALS } })).records.length).toBe(
      sees.length,
    );
  });

  it('aggregates only records in scope, and not over hidden fields', async () => {
    const regions: Record<string, string> = { A1: 'north', B1: 'south', M1: 'north', E1: 'south' };
    const want = new Map<string, number>();
    for (const title of sees) want.set(regions[title]!, (want.get(regions[title]!) ?? 0) + 1);
    const result = await service(actor()).aggregate('deal', { groupBy: [{ field: 'region' }], measures: [{ fn: 'count' }] });
    expect(result.total.values).toEqual([sees.length]);
    expect(new Map(result.groups.map((g) => [String(g.keys[0]?.value), g.values[0]]))).toEqual(want);
    for (const field of unqueryable)
      expect(await codeOf(service(actor()).aggregate('deal', { groupBy: [{ field }], measures: [{ fn: 'count' }] }))).toBe(
        'FIELD_NOT_READABLE',
      );
    const sum = await codeOf(service(actor()).aggregate('deal', { measures: [{ fn: 'sum', field: 'amount' }] }));
    expect(sum).toBe((hidden as readonly string[]).includes('amount') ? 'FIELD_NOT_READABLE' : 'ok');
  });

  it('exports only with the export permission, only readable columns and records in scope', async () => {
    const options = { db, snapshot, registries, actor: actor(), logger: createLogger('silent') };
    const request = { entity: 'deal', format: 'csv' as const, lang: 'en' as const, sort: 'title' };
    if (!canExport) {
      expect(await codeOf(openExport(options, request))).toBe('FORBIDDEN');
      return;
    }
    const csv = await text((await openExport(options, request)).body);
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(rows.map((r) => r.split(',')[0])).toEqual([...sees]);
    for (const field of hidden) expect(header).not.toContain(snapshot.entity('deal')!.fields.find((f) => f.key === field)!.label.en);
    for (const field of unqueryable) expect(await codeOf(openExport(options, { ...request, fields: [field] }))).toBe('FIELD_NOT_READABLE');
    if (!(hidden as readonly string[]).includes('note')) expect(csv).toContain('zebra');
    else expect(csv).not.toContain('zebra');
  });

  it('shows history only of records in scope and fields it may read, masked', async () => {
    if (!sees.includes('A1' as never)) {
      expect(await codeOf(service(actor()).history('deal', ids.A1!))).toBe('RECORD_NOT_FOUND');
      return;
    }
    const entries = await service(actor()).history('deal', ids.A1!);
    const fields = new Set(entries.map((e) => e.field));
    for (const field of hidden) expect(fields.has(field)).toBe(false);
    expect(JSON.stringify(entries).includes('zebra')).toBe(!(hidden as readonly string[]).includes('note'));
    const phone = entries.find((e) => e.field === 'phone' && e.op === 'update');
    expect(phone?.to).toBe('phone' in masked ? '138****9999' : '13812349999');
    expect(await codeOf(service(actor()).history('deal', ids.E1!))).toBe('RECORD_NOT_FOUND');
  });

  it('expands lookups only to records it may read', async () => {
    const records = (await service(actor()).list('deal', { expand: ['account'], sort: 'title' })).records;
    const expanded = Object.fromEntries(
      records.map((r) => [r.title, (r._expanded as Record<string, { display: unknown }>).account?.display ?? null]),
    );
    // ann may read only her own account; boss every account; carl no accounts at all.
    const accounts =
      user === 'boss'
        ? { A1: 'Ann Account', B1: 'Other Account', M1: null }
        : user === 'ann'
          ? { A1: 'Ann Account' }
          : { A1: null, M1: null };
    expect(expanded).toEqual(accounts);
  });
});

describe('record scopes', () => {
  it('follow the manager chain, the department tree and owners', async () => {
    const titles = async (user: string) => (await service(users[user]!).list('deal', { sort: 'title' })).records.map((r) => r.title);
    expect(await titles('bob')).toEqual(['B1']);
    expect(await titles('dana')).toEqual(['A1', 'B1', 'M1']);
    expect(await titles('erin')).toEqual(['E1']);
  });

  it('refuse operations the roles do not grant, and fields the actor may not write', async () => {
    const ann = service(users.ann!);
    expect(await codeOf(ann.update('deal', ids.A1!, { note: 'x' }))).toBe('FIELD_NOT_WRITABLE');
    expect(await codeOf(ann.update('deal', ids.A1!, { phone: '1' }))).toBe('FIELD_NOT_WRITABLE');
    expect(await codeOf(ann.update('deal', ids.B1!, { title: 'B1!' }))).toBe('RECORD_NOT_FOUND');
    expect(await codeOf(ann.delete('deal', ids.A1!))).toBe('FORBIDDEN');
    expect(await codeOf(service(users.carl!).create('deal', { title: 'C1' }))).toBe('FORBIDDEN');
    expect(await codeOf(service(users.boss!).delete('deal', ids.M1!, { hard: true }))).toBe('FORBIDDEN');
    const renamed = await ann.update('deal', ids.A1!, { title: 'A1', amount: '111.00' });
    expect(renamed.amount).toBe('111.00');
    expect(renamed.note).toBeUndefined();
  });

  it('check that a lookup points at a record the actor may read', async () => {
    const ann = service(users.ann!);
    const refused = await ann
      .create('deal', { title: 'A2', account: ids.otherAccount })
      .catch((err: { code: string; details: { problems: { pointer: string }[] } }) => err);
    expect(refused).toMatchObject({ code: 'RECORD_INVALID', details: { problems: [{ pointer: '/account' }] } });
    const made = await ann.create('deal', { title: 'A2', account: ids.annAccount });
    expect(made._ownerId).toBe(users.ann!.id);
    await service(SYSTEM_ACTOR).delete('deal', made.id, { hard: true });
  });
});

describe('sharing', () => {
  it('lets the owner share read-only or read-write, until a date, and nobody else', async () => {
    const bob = () => service(users.bob!);
    const ann = service(users.ann!);
    expect(await codeOf(bob().share('deal', ids.B1!, { principal: { type: 'user', id: users.carl!.id } }))).toBe('ok');
    expect(await codeOf(service(users.carl!).share('deal', ids.A1!, { principal: { type: 'user', id: users.bob!.id } }))).toBe('FORBIDDEN');
    expect(await codeOf(ann.share('deal', ids.A1!, { principal: { type: 'user', id: 'nope' } }))).toBe('SHARE_INVALID');
    expect(await codeOf(ann.share('deal', ids.A1!, { principal: { type: 'user', id: users.bob!.id }, until: '2001-01-01' }))).toBe(
      'SHARE_INVALID',
    );

    const share = await ann.share('deal', ids.A1!, { principal: { type: 'user', id: users.bob!.id }, access: 'read' });
    expect((await bob().list('deal', { sort: 'title' })).records.map((r) => r.title)).toEqual(['A1', 'B1']);
    expect(await codeOf(bob().update('deal', ids.A1!, { title: 'A1' }))).toBe('FORBIDDEN');
    await ann.share('deal', ids.A1!, { principal: { type: 'user', id: users.bob!.id }, access: 'write' });
    expect(await codeOf(bob().update('deal', ids.A1!, { amount: '120.00' }))).toBe('ok');
    expect((await ann.shares('deal', ids.A1!)).map((s) => [s.principal.id, s.access])).toEqual([[users.bob!.id, 'write']]);

    await db.collection('record_shares').updateOne({ _id: new ObjectId(share.id) }, { $set: { until: new Date(Date.now() - 1000) } });
    expect((await bob().list('deal', {})).records.map((r) => r.title)).toEqual(['B1']);
    await ann.unshare('deal', ids.A1!, share.id);
    expect(await ann.shares('deal', ids.A1!)).toEqual([]);
    expect(await codeOf(ann.unshare('deal', ids.A1!, share.id))).toBe('SHARE_NOT_FOUND');
  });

  it('shares with a department reach its members', async () => {
    const boss = service(users.boss!);
    const dept = users.ann!.departmentId!;
    await boss.share('deal', ids.M1!, { principal: { type: 'department', id: dept } });
    expect((await service(users.bob!).list('deal', { sort: 'title' })).records.map((r) => r.title)).toContain('M1');
    expect((await service(users.erin!).list('deal', {})).records.map((r) => r.title)).not.toContain('M1');
  });
});

describe('the explainer', () => {
  it('names the role and rule that grant or deny', async () => {
    const denied = await explainAccess(db, snapshot, registries, { user: users.ann!.id, entity: 'deal', record: ids.E1, field: 'note' });
    expect(denied.operations).toMatchObject({ read: { allowed: true, grantedBy: ['rep'] }, delete: { allowed: false, grantedBy: [] } });
    expect(denied.record).toMatchObject({
      operations: { read: { allowed: false, rules: [{ role: 'rep', scope: 'own', matches: false }] } },
    });
    expect(denied.field).toMatchObject({ key: 'note', read: false, roles: [{ role: 'rep', read: false }] });
    const granted = await explainAccess(db, snapshot, registries, { user: users.carl!.id, entity: 'deal', record: ids.M1 });
    expect(granted.record).toMatchObject({
      operations: { read: { allowed: true, rules: [{ role: 'north', scope: 'filter', matches: true }] } },
    });
  });
});

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}
