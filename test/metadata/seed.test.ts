import type { Job, Queue } from 'bullmq';
import { MongoClient, ObjectId, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Entity } from '@metacrm/metadata';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { ComponentValidator } from '../../server/src/openapi/openapi.fixture.js';
import type { OpenApiDocument } from '../../server/src/openapi/openapi.js';
import type { ApiSeedLoad } from '../../server/src/records/seed/seed-load.js';
import { seedJobHandler } from '../../server/src/records/seed/seed.handler.js';
import { SeedService, type ApplyReport } from '../../server/src/records/seed/seed.service.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
const fresh = `${env.dbName}_b`;
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
let source: TestPlatform;
let target: TestPlatform;
let from: ApiClient;
let to: ApiClient;
let db: Db;
type Rec = Record<string, unknown> & { id: string };
type Pkg = { format: string; name: string; version: string; metadata: Bundle; seed: Record<string, Record<string, unknown>[]> };
type Err = { error: { code: string; message: string; details: { problems?: { pointer: string; code: string }[]; seedLoadId?: string } } };
/** Seed loads write a record at a time through the whole pipeline; the embedded server is slow. */
const SLOW = 120_000;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  const client = new MongoClient(env.mongoUrl);
  db = client.db(fresh);
  await db.dropDatabase();
  afterAll(async () => {
    await client.close();
  });
  source = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  target = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: fresh,
    queuePrefix: `${env.prefix}_b`,
  });
  from = apiClient(source.url, { token: source.adminToken });
  to = apiClient(target.url, { token: target.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await from.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await from.post('/api/meta/publish')).status).toBe(200);
  const acme = await from.post<Rec>('/api/records/account', { name: 'Acme', code: 'A-1', industry: 'tech', employees: 10 });
  const globex = await from.post<Rec>('/api/records/account', { name: 'Globex', code: 'A-2' });
  for (const deal of [
    { title: 'Deal 1', account: acme.body.id, amount: '1000.50', probability: 40 },
    { title: 'Deal 2', account: acme.body.id, amount: '200.25' },
    { title: 'Deal 3', account: globex.body.id, amount: '99', stage: 'won', close_date: '2026-12-31' },
    { title: 'Deal 4' },
  ]) {
    expect((await from.post('/api/records/opportunity', deal)).status).toBe(201);
  }
}, SLOW);
afterAll(async () => {
  await source?.stop();
  await target?.stop();
  const client = new MongoClient(env.mongoUrl);
  await client.db(fresh).dropDatabase();
  await client.close();
});

/** Polls a seed load as a client would until it has finished. */
async function finished(id: string): Promise<ApiSeedLoad> {
  return await waitFor(
    'the seed load to finish',
    async () => {
      const { body } = await to.get<ApiSeedLoad>(`/api/meta/seed-loads/${id}`);
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    },
    { timeoutMs: SLOW, intervalMs: 50 },
  );
}

/** Applies a package and waits for its records: the answer and the finished load. */
async function apply(pkg: unknown, query = ''): Promise<{ report: ApplyReport; load: ApiSeedLoad }> {
  const res = await to.post<ApplyReport>(`/api/meta/import?apply=true${query}`, pkg);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.headers.get('location')).toBe(`/api/meta/seed-loads/${res.body.seedLoad!.id}`);
  return { report: res.body, load: await finished(res.body.seedLoad!.id) };
}

const records = async (entity: string) => (await to.get<{ records: Rec[] }>(`/api/records/${entity}?limit=200`)).body.records;
const byKey = (list: Rec[], key: string) => Object.fromEntries(list.map((r) => [String(r[key]), r]));
const counts = (load: ApiSeedLoad) =>
  Object.fromEntries(Object.entries(load.entities).map(([e, c]) => [e, [c.loaded, c.updated, c.skipped, c.failed]]));
const count = (collection: string, filter: Document = {}) => db.collection(collection).countDocuments(filter);
/** Audit entries of record writes (the log also holds sign-ins and publishes). */
const RECORD_WRITES = { action: { $regex: '^record\\.' } };
const errorsOf = (load: ApiSeedLoad) => load.errors.map((e) => [e.entity, e.sourceId, e.pointer, e.code]);

let pkg: Pkg;
/** The sales package as last applied. */
let latest: Pkg;

describe('applying an app package with seed records', () => {
  it(
    'publishes it into a fresh database, then loads its records: targets first, lookups remapped, roll-ups right',
    async () => {
      pkg = (await from.get<Pkg>('/api/meta/export?records=true&name=sales')).body;
      // The package lists opportunities first: the load must still create accounts first.
      pkg.seed = { opportunity: pkg.seed.opportunity!, account: pkg.seed.account! };
      expect(pkg.seed.account![0]).toHaveProperty('open_amount');
      const { report, load } = await apply(pkg);
      expect(report).toMatchObject({
        dryRun: false,
        summary: { new: 3, identical: 0, conflict: 0 },
        publish: { version: 1, applied: true },
      });
      expect(report.seedLoad).toMatchObject({
        status: 'queued',
        dryRun: false,
        order: ['account', 'opportunity'],
        total: 6,
        package: { name: 'sales', version: pkg.version },
      });
      expect(report.seedLoad!.entities.account!.dropped).toEqual(['open_amount']);
      expect(report.seedLoad!.entities.opportunity!.dropped).toEqual(['expected']);
      expect(load).toMatchObject({ status: 'completed', processed: 6, progress: 1, errorCount: 0, errors: [], attempts: 1 });
      expect(counts(load)).toEqual({ account: [2, 0, 0, 0], opportunity: [4, 0, 0, 0] });

      const sourceAccounts = byKey(await (async () => (await from.get<{ records: Rec[] }>('/api/records/account')).body.records)(), 'code');
      const accounts = byKey(await records('account'), 'code');
      const deals = byKey(await records('opportunity'), 'title');
      expect(accounts['A-1']).toMatchObject({ name: 'Acme', industry: 'tech', employees: 10, open_amount: '1200.75' });
      expect(accounts['A-2']).toMatchObject({ name: 'Globex', open_amount: '99.00' });
      expect(accounts['A-1']!.id).not.toBe(sourceAccounts['A-1']!.id);
      expect(deals['Deal 1']).toMatchObject({ account: accounts['A-1']!.id, amount: '1000.50', expected: '400.20', stage: 'new' });
      expect(deals['Deal 2']!.account).toBe(accounts['A-1']!.id);
      expect(deals['Deal 3']).toMatchObject({ account: accounts['A-2']!.id, stage: 'won', close_date: '2026-12-31' });
      expect(deals['Deal 4']).toMatchObject({ account: null, amount: null });
      // Through the record pipeline: each create has its audit entry and outbox event, tagged with the load.
      expect(await count('audit_log', { action: 'record.create', requestId: { $regex: `^seed:${load.id}:` } })).toBe(6);
      expect(await count('outbox', { type: 'record.create' })).toBe(6);
      expect(await count('seed_records', { package: 'sales', recordId: { $type: 'objectId' } })).toBe(6);

      const doc = (await to.get<OpenApiDocument>('/api/openapi.json')).body;
      const validator = new ComponentValidator(doc);
      expect(validator.errors('MetaApplyReport', report)).toBeNull();
      expect(validator.errors('MetaSeedLoad', load)).toBeNull();
    },
    SLOW,
  );

  it(
    'loads the same package again without duplicating: unchanged records are skipped, changed ones updated, deleted ones left deleted',
    async () => {
      const again = await apply(pkg);
      expect(again.report.publish).toBeNull();
      expect(counts(again.load)).toEqual({ account: [0, 0, 2, 0], opportunity: [0, 0, 4, 0] });
      expect([await count('rec_account'), await count('rec_opportunity'), await count('audit_log', RECORD_WRITES)]).toEqual([2, 4, 6]);

      const deals = byKey(await records('opportunity'), 'title');
      expect((await to.delete(`/api/records/opportunity/${deals['Deal 4']!.id}`)).status).toBe(204);
      const changed = structuredClone(pkg);
      changed.seed.opportunity!.find((r) => r.title === 'Deal 2')!.amount = '300.25';
      const globex = changed.seed.account!.find((r) => r.code === 'A-2')!;
      changed.seed.opportunity!.push({ id: 'deal-5', title: 'Deal 5', account: globex.id, amount: '1.00' });
      const { load } = await apply(changed);
      latest = changed;
      expect(load.status).toBe('completed');
      expect(counts(load)).toEqual({ account: [0, 0, 2, 0], opportunity: [1, 1, 3, 0] });
      const accounts = byKey(await records('account'), 'code');
      const after = byKey(await records('opportunity'), 'title');
      expect(Object.keys(after).sort()).toEqual(['Deal 1', 'Deal 2', 'Deal 3', 'Deal 5']);
      expect(after['Deal 2']).toMatchObject({ id: deals['Deal 2']!.id, amount: '300.25', _version: 2 });
      expect(after['Deal 5']!.account).toBe(accounts['A-2']!.id);
      expect(accounts['A-1']!.open_amount).toBe('1300.75');
      expect(accounts['A-2']!.open_amount).toBe('100.00');
      expect(await count('rec_opportunity', { title: 'Deal 4' })).toBe(1);
    },
    SLOW,
  );

  it(
    'reports each record that fails, with its package id, pointer and code, and loads the others',
    async () => {
      const acme = byKey(await records('account'), 'code')['A-1']!.id;
      const broken = {
        ...pkg,
        name: 'broken',
        seed: {
          account: [
            { id: 'bad-emp', name: 'Negative', employees: -5 },
            { id: 'no-name', code: 'N-1' },
            { id: 'dup', name: 'Dup' },
            { id: 'dup', name: 'Dup again' },
            { name: 'No id' },
            { id: 'taken', name: 'Initech', code: 'A-1' },
            { id: 'ok', name: 'Umbrella', open_amount: '5.00' },
          ],
          opportunity: [
            { id: 'o1', title: 'To Umbrella', account: 'ok', amount: '10' },
            { id: 'o2', title: 'To nobody', account: 'nobody' },
            { id: 'o3', title: 'To a failed one', account: 'no-name' },
            { id: 'o4', title: 'Won without amount', stage: 'won' },
            { id: 'o5', title: 'To an existing account', account: acme },
            { id: 'o6', title: 'To a ghost', account: new ObjectId().toHexString() },
            { id: 'o7', title: 'Colour', colour: 'red' },
            { id: 'o8', title: 'Too precise', amount: '1.234' },
          ],
        },
      };
      const { load } = await apply(broken);
      expect(load.status).toBe('completed');
      expect(counts(load)).toEqual({ account: [2, 0, 0, 5], opportunity: [2, 0, 0, 6] });
      expect(errorsOf(load)).toEqual([
        ['account', 'bad-emp', '/employees', 'OUT_OF_RANGE'],
        ['account', 'no-name', '/name', 'REQUIRED'],
        ['account', 'dup', '/id', 'DUPLICATE_KEY'],
        ['account', '', '/id', 'REQUIRED'],
        ['account', 'taken', '/code', 'RECORD_UNIQUE_VIOLATION'],
        ['opportunity', 'o2', '/account', 'UNKNOWN_ENTITY'],
        ['opportunity', 'o3', '/account', 'UNKNOWN_ENTITY'],
        ['opportunity', 'o4', '/amount', 'INVALID'],
        ['opportunity', 'o6', '/account', 'UNKNOWN_ENTITY'],
        ['opportunity', 'o7', '/colour', 'UNKNOWN_PROPERTY'],
        ['opportunity', 'o8', '/amount', 'BAD_FORMAT'],
      ]);
      expect(load.errorCount).toBe(11);
      const accounts = byKey(await records('account'), 'name');
      const deals = byKey(await records('opportunity'), 'title');
      expect(Object.keys(accounts).sort()).toEqual(['Acme', 'Dup', 'Globex', 'Umbrella']);
      expect(deals['To Umbrella']!.account).toBe(accounts.Umbrella!.id);
      expect(deals['To an existing account']!.account).toBe(acme);
      expect(accounts.Umbrella!.open_amount).toBe('10.00');
      expect(deals['To nobody']).toBeUndefined();
    },
    SLOW,
  );

  it('refuses records of an entity the package does not define, and a bad flag, changing nothing', async () => {
    const versions = (await to.get<{ versions: unknown[] }>('/api/meta/versions')).body.versions.length;
    const res = await to.post<Err>('/api/meta/import?apply=true', { ...pkg, name: 'ghostly', seed: { ghost: [{ id: 'g1' }] } });
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ pointer: '/seed/ghost', code: 'UNKNOWN_ENTITY' })]);
    expect((await to.post<Err>('/api/meta/import?apply=yes', pkg)).status).toBe(400);
    expect((await to.get<{ versions: unknown[] }>('/api/meta/versions')).body.versions.length).toBe(versions);
    expect(await count('seed_loads', { 'package.name': 'ghostly' })).toBe(0);
  });
});

/** Companies and contacts that look each other up, and contacts their manager. */
function contactsPackage(): Pkg {
  const company: Entity = {
    key: 'company',
    label: l('公司', 'Company'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('名称', 'Name'), required: true },
      { key: 'main_contact', type: 'lookup', label: l('主联系人', 'Main contact'), target: 'contact', onDelete: 'set_null' },
    ],
  };
  const contact: Entity = {
    key: 'contact',
    label: l('联系人', 'Contact'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('姓名', 'Name'), required: true },
      { key: 'email', type: 'email', label: l('邮箱', 'Email') },
      { key: 'employer', type: 'lookup', label: l('雇主', 'Employer'), target: 'company', onDelete: 'set_null' },
      { key: 'manager', type: 'lookup', label: l('上级', 'Manager'), target: 'contact', onDelete: 'set_null' },
    ],
  };
  return {
    format: 'metacrm.app/v1',
    name: 'contacts',
    version: '1.0.0',
    metadata: { entities: [company, contact], forms: [], views: [], rules: [], workflows: [], roles: [] },
    seed: {
      company: [
        { id: 'c1', name: 'Initrode', main_contact: 'p1' },
        { id: 'c2', name: 'Vandelay', main_contact: 'p3' },
      ],
      // Art comes before his manager Milton: his manager is set in the second pass.
      contact: [
        { id: 'p3', name: 'Art', employer: 'c2', manager: 'p2' },
        { id: 'p1', name: 'Peter', employer: 'c1' },
        { id: 'p2', name: 'Milton', employer: 'c1', manager: 'p1' },
        { id: 'p4', name: 'Bad', email: 'not an email', employer: 'c2' },
      ],
    },
  };
}

describe('lookup cycles and dry runs', () => {
  it(
    'checks every record in a dry run and writes nothing',
    async () => {
      const trail = async () => [
        await count('audit_log', RECORD_WRITES),
        await count('outbox'),
        await count('record_revisions'),
        await count('seed_records'),
        await count('meta_versions'),
      ];
      const before = await trail();
      const draft = (await to.get<{ bundle: Bundle }>('/api/meta/draft')).body.bundle;
      const res = await to.post<ApplyReport>('/api/meta/import?apply=true&dryRun=true', contactsPackage());
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        dryRun: true,
        summary: { new: 2 },
        publish: { version: 2, applied: false },
        seedLoad: { dryRun: true, order: ['company', 'contact'] },
      });
      const load = await finished(res.body.seedLoad!.id);
      expect(load.status).toBe('completed');
      expect(counts(load)).toEqual({ company: [2, 0, 0, 0], contact: [3, 0, 0, 1] });
      expect(errorsOf(load)).toEqual([['contact', 'p4', '/email', 'BAD_FORMAT']]);

      // A dry run of a changed sales package says what would be updated.
      const changed = structuredClone(latest);
      changed.seed.opportunity!.find((r) => r.title === 'Deal 1')!.probability = 50;
      const dry = await to.post<ApplyReport>('/api/meta/import?apply=true&dryRun=true', changed);
      expect(dry.body.publish).toBeNull();
      expect(counts(await finished(dry.body.seedLoad!.id))).toEqual({ account: [0, 0, 2, 0], opportunity: [0, 1, 4, 0] });

      expect(await trail()).toEqual(before);
      expect((await db.listCollections({ name: { $in: ['rec_company', 'rec_contact'] } }).toArray()).length).toBe(0);
      expect((await to.get<{ bundle: Bundle }>('/api/meta/draft')).body.bundle).toEqual(draft);
      expect(byKey(await records('opportunity'), 'title')['Deal 1']!.probability).toBe('40');
    },
    SLOW,
  );

  it(
    'loads two entities that look each other up, and a self-lookup, setting the lookups once every record exists',
    async () => {
      const { report, load } = await apply(contactsPackage());
      expect(report.publish).toMatchObject({ version: 2, applied: true });
      expect(load).toMatchObject({ status: 'completed', order: ['company', 'contact'], processed: 6, linked: 6 });
      expect(counts(load)).toEqual({ company: [2, 0, 0, 0], contact: [3, 0, 0, 1] });
      expect(errorsOf(load)).toEqual([['contact', 'p4', '/email', 'BAD_FORMAT']]);
      const companies = byKey(await records('company'), 'name');
      const contacts = byKey(await records('contact'), 'name');
      expect(companies.Initrode!.main_contact).toBe(contacts.Peter!.id);
      expect(companies.Vandelay!.main_contact).toBe(contacts.Art!.id);
      expect(contacts.Art).toMatchObject({ employer: companies.Vandelay!.id, manager: contacts.Milton!.id });
      expect(contacts.Milton).toMatchObject({ employer: companies.Initrode!.id, manager: contacts.Peter!.id });
      expect(contacts.Peter).toMatchObject({ employer: companies.Initrode!.id, manager: null });

      const revisions = await count('record_revisions');
      const again = await apply(contactsPackage());
      expect(counts(again.load)).toEqual({ company: [0, 0, 2, 0], contact: [0, 0, 3, 1] });
      expect(await count('record_revisions')).toBe(revisions);
      expect([await count('rec_company'), await count('rec_contact')]).toEqual([2, 3]);
    },
    SLOW,
  );
});

describe('a seed load that stops half way', () => {
  it(
    'allows one real load of a package at a time, and resumes after a crash without creating any record twice',
    async () => {
      const { registries, validator } = metadataToolkit(createRegistries());
      const queue = { add: async () => undefined } as unknown as Queue; // no worker picks this one up
      const service = new SeedService({ db, actor: SYSTEM_ACTOR, toolkit: { registries, validator }, cache: new MetadataCache(db), queue });
      const metadata = { ...salesBundle(), forms: [], views: [], workflows: [], roles: [] };
      const crashy = {
        format: 'metacrm.app/v1',
        name: 'crashy',
        version: '1.0.0',
        metadata,
        seed: { account: Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, name: `Crash ${i}` })) },
      };
      const { seedLoad } = await service.apply(crashy, { dryRun: false, onConflict: 'skip' });

      const busy = await to.post<Err>('/api/meta/import?apply=true', crashy);
      expect(busy.status).toBe(409);
      expect(busy.body.error).toMatchObject({ code: 'SEED_LOAD_BUSY', details: { seedLoadId: seedLoad!.id } });

      const handler = seedJobHandler({ cache: new MetadataCache(db), registries, checkpointEvery: 10 });
      const attempt = (attemptsMade: number) =>
        ({ data: { seedLoadId: seedLoad!.id }, attemptsMade, opts: { attempts: 5 } }) as unknown as Job;
      // The 15th record's create commits, then the process dies before its mapping is completed.
      await expect(handler(attempt(0), { db: crashAfterCreate(db, 15), logger: createLogger('silent') })).rejects.toThrow(
        /simulated crash/,
      );
      expect(await service.get(seedLoad!.id)).toMatchObject({ status: 'running', processed: 10, attempts: 1 });
      expect(await count('rec_account', { name: /^Crash / })).toBe(15);

      await expect(handler(attempt(1), { db, logger: createLogger('silent') })).resolves.toEqual({
        seedLoadId: seedLoad!.id,
        status: 'completed',
      });
      const done = await service.get(seedLoad!.id);
      expect(done).toMatchObject({ status: 'completed', processed: 30, attempts: 2, errorCount: 0 });
      expect(counts(done)).toEqual({ account: [30, 0, 0, 0] });
      const names = (
        await db
          .collection('rec_account')
          .find({ name: /^Crash / })
          .toArray()
      ).map((d) => String(d.name));
      expect(names.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `Crash ${i}`).sort());
      const fifteenth = await db.collection('seed_records').findOne({ _id: 'crashy:account:a14' } as Document);
      expect(String(fifteenth?.recordId)).toBe(String((await db.collection('rec_account').findOne({ name: 'Crash 14' }))?._id));
      expect(await count('seed_load_locks', { _id: 'crashy' })).toBe(0);
    },
    SLOW,
  );
});

/** The database as the worker sees it, except that completing the `n`th mapping of a create fails once. */
function crashAfterCreate(real: Db, n: number): Db {
  let creates = 0;
  const wrap = (name: string) =>
    new Proxy(real.collection(name), {
      get(collection, prop, receiver) {
        if (prop !== 'updateOne') return Reflect.get(collection, prop, receiver) as unknown;
        return async (filter: Document, update: Document, options?: Document) => {
          const set = update.$set as Document | undefined;
          if (set?.recordId instanceof ObjectId && set.action === 'loaded' && ++creates === n) throw new Error('simulated crash');
          return await collection.updateOne(filter, update, options);
        };
      },
    });
  return new Proxy(real, {
    get(db, prop) {
      if (prop === 'collection') return (name: string) => (name === 'seed_records' ? wrap(name) : db.collection(name));
      const value = Reflect.get(db, prop, db) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(db) : value;
    },
  });
}
