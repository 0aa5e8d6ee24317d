import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
type ErrorAnswer = { error: { code: string; details?: { problems?: { pointer: string; code: string }[] } } };
type Item = { rev: number; item: Record<string, unknown> };

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

const account = () => salesBundle().entities[0]!;

describe('the draft', () => {
  it('creates, reads, replaces and deletes an item, with revisions', async () => {
    const created = await api.put<Item>('/api/meta/draft/entities/account', account());
    expect(created.status).toBe(200);
    expect(created.body.rev).toBe(1);
    expect(created.headers.get('etag')).toBe('"1"');
    const read = await api.get<Item>('/api/meta/draft/entities/account');
    expect(read.body.item).toEqual(account());

    const changed = { ...account(), label: { 'zh-CN': '公司', en: 'Company' } };
    const replaced = await api.put<Item>('/api/meta/draft/entities/account', changed, { 'If-Match': '"1"' });
    expect(replaced.body.rev).toBe(2);

    const stale = await api.put<ErrorAnswer & { error: { details: { currentRev: number } } }>(
      '/api/meta/draft/entities/account',
      account(),
      { 'If-Match': '"1"' },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'METADATA_CONFLICT', details: { currentRev: 2 } });
    expect((await api.get<Item>('/api/meta/draft/entities/account')).body.item.label).toEqual({ 'zh-CN': '公司', en: 'Company' });

    expect((await api.delete('/api/meta/draft/entities/account', { 'If-Match': '"1"' })).status).toBe(409);
    expect((await api.delete('/api/meta/draft/entities/account', { 'If-Match': '"2"' })).status).toBe(204);
    expect((await api.get<ErrorAnswer>('/api/meta/draft/entities/account')).body.error.code).toBe('METADATA_ITEM_NOT_FOUND');
  });

  it('takes the key from the URL and refuses a different one in the body', async () => {
    const { key: _key, ...withoutKey } = account();
    expect((await api.put<Item>('/api/meta/draft/entities/account', withoutKey)).body.item.key).toBe('account');
    const res = await api.put<ErrorAnswer>('/api/meta/draft/entities/account', { ...account(), key: 'company' });
    expect(res.status).toBe(422);
    expect(res.body.error.details?.problems).toContainEqual(expect.objectContaining({ pointer: '/key', code: 'KEY_MISMATCH' }));
  });

  it.each([
    ['not JSON', '{"key":', 'application/json', 400, 'BAD_REQUEST'],
    ['not JSON content', 'key=account', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'too large',
      JSON.stringify({ ...account(), description: { 'zh-CN': 'x'.repeat(2_000_000), en: 'x' } }),
      'application/json',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('refuses a body that is %s', async (_what, body, type, status, code) => {
    const res = await fetch(`${platform.url}/api/meta/draft/entities/account`, {
      method: 'PUT',
      headers: { 'Content-Type': type, ...api.authHeaders() },
      body,
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorAnswer).error.code).toBe(code);
  });

  it('names one item of each kind in its singular, in errors and in the OpenAPI summaries', async () => {
    const bad = await api.put<{ error: { message: string } }>('/api/meta/draft/entities/bad1', { key: 'bad1' });
    expect(bad.body.error.message).toBe('The entity "bad1" is not valid');
    expect((await api.get<{ error: { message: string } }>('/api/meta/draft/entities/nosuch')).body.error.message).toBe(
      'No entity "nosuch" in the draft',
    );
    const doc = await api.get<{ paths: Record<string, Record<string, { summary?: string }>> }>('/api/openapi.json');
    const summaries = Object.values(doc.body.paths).flatMap((p) =>
      Object.values(p).flatMap((o) => (typeof o === 'object' && o && 'summary' in o ? [String(o.summary)] : [])),
    );
    expect(summaries).toContain('A draft entity');
    expect(summaries.filter((s) => /entitie\b/.test(s))).toEqual([]);
  });

  it('drops prototype keys at parse time', async () => {
    const body = `{"key":"account","__proto__":{"polluted":true},"label":{"zh-CN":"客户","en":"Account"},"displayField":"name","fields":[{"key":"name","type":"text","label":{"zh-CN":"名","en":"Name"},"constructor":{"prototype":{"x":1}}}]}`;
    const res = await fetch(`${platform.url}/api/meta/draft/entities/account`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...api.authHeaders() },
      body,
    });
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const saved = (await res.json()) as Item;
    expect(Object.keys(saved.item)).not.toContain('__proto__');
  });
});

/** A valid entity broken in one of several ways that must each be refused. */
const malformedEntity = fc.oneof(
  fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
  fc.constantFrom('key', 'label', 'displayField', 'fields').map((prop) => {
    const entity: Record<string, unknown> = { ...account() };
    delete entity[prop];
    return prop === 'key' ? { ...entity, displayField: 5 } : entity;
  }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue()).map(([k, v]) => ({ ...account(), [`x_${k}`]: v })),
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'string' || !/^[a-z][a-z0-9_]*$/.test(v))
    .map((v) => ({ ...account(), displayField: v })),
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map((v) => ({ ...account(), label: v })),
  fc
    .string()
    .filter(
      (t) =>
        ![
          'text',
          'long_text',
          'rich_text',
          'integer',
          'decimal',
          'percent',
          'boolean',
          'date',
          'datetime',
          'email',
          'phone',
          'url',
          'user',
          'auto_number',
          'attachment',
        ].includes(t),
    )
    .map((type) => ({ ...account(), fields: [{ key: 'name', type, label: { 'zh-CN': '名', en: 'Name' } }] })),
  fc
    .constantFrom('$where', 'a.b', '__proto__x', 'constructor', 'A', '')
    .map((bad) => ({ ...account(), fields: [{ key: bad, type: 'text', label: { 'zh-CN': '名', en: 'Name' } }] })),
  fc.integer({ min: 30, max: 200 }).map((depth) => {
    let expr: unknown = { var: 'name' };
    for (let i = 0; i < depth; i++) expr = { '!': [expr] };
    return {
      ...account(),
      fields: [
        ...account().fields,
        { key: 'deep', type: 'formula', label: { 'zh-CN': '深', en: 'Deep' }, resultType: 'boolean', expression: expr },
      ],
    };
  }),
);

describe('malformed metadata', () => {
  it('refuses 1,000 random malformed documents with 4xx listing the problems, never 500, leaving the version alone', async () => {
    const before = (await api.get<{ version: number }>('/api/meta')).body.version;
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(malformedEntity, async (doc) => {
        const put = await api.put<ErrorAnswer>('/api/meta/draft/entities/account', JSON.stringify(doc));
        seen.add(put.status);
        if (put.status === 200) {
          // A deep formula is a valid shape; it must then fail publishing instead.
          const publish = await api.post<ErrorAnswer>('/api/meta/publish');
          expect(publish.status).toBe(422);
          expect(publish.body.error.details?.problems?.length).toBeGreaterThan(0);
          return;
        }
        expect(put.status).toBe(422);
        const problems = put.body.error.details?.problems ?? [];
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) {
          expect(p.pointer).toMatch(/^(\/[^/]*)*$/);
          expect(p.code).toMatch(/^[A-Z_]+$/);
        }
      }),
      { numRuns: 1000, seed: 20261123 },
    );
    expect(seen.has(500)).toBe(false);
    expect((await api.get<{ version: number }>('/api/meta')).body.version).toBe(before);
  });
});
