import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { compiledEntity } from '../../server/src/records/compiled-entity.js';
import { valuesOf } from '../../server/src/records/record-document.js';
import { prepareValues } from '../../server/src/records/record-values.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
const options = [
  { key: 'a', label: l('A') },
  { key: 'b', label: l('B') },
  { key: 'old', label: l('Old'), active: false },
];
const entity = {
  key: 'sample',
  label: l('Sample'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: l('Name'), required: true, maxLength: 40 },
    { key: 'notes', type: 'long_text', label: l('Notes'), maxLength: 200 },
    { key: 'qty', type: 'integer', label: l('Qty'), min: 0, max: 1000 },
    { key: 'price', type: 'decimal', label: l('Price'), scale: 2, min: '0', max: '99999' },
    { key: 'amount', type: 'currency', label: l('Amount'), currencyCode: 'CNY' },
    { key: 'rate', type: 'percent', label: l('Rate'), scale: 1 },
    { key: 'active', type: 'boolean', label: l('Active') },
    { key: 'due', type: 'date', label: l('Due') },
    { key: 'seen', type: 'datetime', label: l('Seen') },
    { key: 'stage', type: 'single_select', label: l('Stage'), options, default: 'a' },
    { key: 'tags', type: 'multi_select', label: l('Tags'), options, maxSelected: 2 },
    { key: 'email', type: 'email', label: l('Email'), unique: true },
    { key: 'phone', type: 'phone', label: l('Phone') },
    { key: 'site', type: 'url', label: l('Site') },
    { key: 'owner', type: 'user', label: l('Owner') },
    {
      key: 'total',
      type: 'formula',
      label: l('Total'),
      resultType: 'decimal',
      scale: 2,
      expression: { '*': [{ var: 'qty' }, { var: 'price' }] },
    },
    { key: 'ref', type: 'auto_number', label: l('Ref'), prefix: 'S' },
  ],
};
const rule = {
  key: 'price_needs_qty',
  entity: 'sample',
  errorWhen: { and: [{ var: 'price' }, { '!': { var: 'qty' } }] },
  message: l('A price needs a quantity'),
  fields: ['qty'],
};

let platform: TestPlatform;
let api: ApiClient;
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  expect((await api.put('/api/meta/draft/entities/sample', entity)).status).toBe(200);
  expect((await api.put('/api/meta/draft/rules/price_needs_qty', rule)).status).toBe(200);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

const hostile = fc.constantFrom<unknown>(
  '__proto__',
  { $where: '1' },
  { $gt: '' },
  'x'.repeat(5000),
  -0,
  1e308,
  'NaN',
  '=cmd|',
  [],
  {},
  null,
  true,
  '0x10',
  '1e3',
  ' ',
  '2026-02-30',
  'javascript:alert(1)',
);
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.string({ maxLength: 50 }),
  notes: fc.string({ maxLength: 250 }),
  qty: fc.oneof(fc.integer({ min: -5, max: 1005 }), fc.double()),
  price: fc.oneof(fc.constantFrom('0', '1.5', '12.345', '-1', '99999.99', '100000'), fc.double({ min: -10, max: 1e5, noNaN: true })),
  amount: fc.constantFrom('10.00', '0.1', '1.234', 'abc', 5),
  rate: fc.constantFrom('12.5', '12.55', 3),
  active: fc.oneof(fc.boolean(), fc.constantFrom('true', 1)),
  due: fc.constantFrom('2026-11-23', '2026-13-01', '23/11/2026'),
  seen: fc.constantFrom('2026-11-23T08:00:00Z', '2026-11-23T08:00:00+08:00', '2026-11-23', 'yesterday'),
  stage: fc.constantFrom('a', 'b', 'old', 'z'),
  tags: fc.oneof(fc.subarray(['a', 'b', 'old']), fc.constant(['a', 'a']), fc.constant(['a', 'b', 'old'])),
  email: fc.oneof(fc.emailAddress(), fc.constantFrom('not an email', 'a@b')),
  phone: fc.constantFrom('+86 138 0013 8000', '12', 'call me'),
  site: fc.constantFrom('https://example.com', 'ftp://x', 'example.com'),
  owner: fc.constantFrom('u1', 'someone-else'),
  total: fc.constant('1'),
  ref: fc.constant('S-1'),
};
const valid = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
    notes: fc.string({ maxLength: 200 }),
    qty: fc.integer({ min: 1, max: 1000 }),
    price: fc.integer({ min: 0, max: 9_999_999 }).map((cents) => (cents / 100).toFixed(2)),
    active: fc.boolean(),
    stage: fc.constantFrom('a', 'b'),
    tags: fc.subarray(['a', 'b']),
    due: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    email: fc.uuid().map((u) => `${u}@example.com`),
  },
  { requiredKeys: ['name'] },
);
const payload = fc.oneof(
  { weight: 2, arbitrary: valid },
  {
    weight: 8,
    arbitrary: fc.record(
      Object.fromEntries(
        Object.entries(plausible).map(([k, arb]) => [k, fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: hostile })]),
      ),
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '_version', '_id', '$set', 'a.b')),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 5 },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

describe('random record payloads', () => {
  it('10,000 of them: no 500, every stored record valid, Object.prototype untouched', async () => {
    const statuses = new Map<number, number>();
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    // Sent four at a time (the server is built for concurrent writers); each failure names its payload.
    const bodies = fc.sample(payload, { numRuns: 10_000, seed: 4242 });
    const unexpected: { body: unknown; status: number; answer: unknown }[] = [];
    let next = 0;
    const sender = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await api.post('/api/records/sample', JSON.stringify(body));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (![201, 400, 409, 413, 422].includes(res.status)) unexpected.push({ body, status: res.status, answer: res.body });
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    expect(unexpected.slice(0, 5)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(statuses.get(201) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(1000);

    // Re-validate everything stored with the same pipeline, from storage.
    const snapshot = await new MetadataCache(db).current();
    const registries = metadataToolkit(createRegistries()).registries;
    const compiled = compiledEntity(snapshot, 'sample', registries)!;
    const writable = [...compiled.fields.keys()].filter((k) => !compiled.traits.get(k)?.computed);
    const docs = await db.collection('rec_sample').find({}).toArray();
    expect(docs.length).toBe(statuses.get(201));
    for (const doc of docs) {
      const values = valuesOf(compiled, doc);
      const input = Object.fromEntries(writable.filter((k) => values[k] !== null).map((k) => [k, values[k]]));
      const { problems } = prepareValues(compiled, registries, input, undefined, SYSTEM_ACTOR, new Date());
      expect({
        id: String(doc._id),
        problems: problems.filter((p) => p.code !== 'NOT_ALLOWED_VALUE' || !String(p.message).includes('no longer offered')),
      }).toEqual({ id: String(doc._id), problems: [] });
      expect(doc.ref).toMatch(/^S-\d{5}$/);
    }
  }, 600_000);
});
