import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

// Issue #14: hostile values a signed-in user can send (items 3, 8, 10, 11, 13).
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
const label = { 'zh-CN': '字段', en: 'Field' };
type Problem = { pointer: string; code: string; message: string };
type ErrorBody = { error: { code: string; message: string; details?: { problems?: Problem[] } } };

/** The three patterns from the issue that published and then blocked the process. */
const HOSTILE = {
  spread: '^[\\s\\S]*[\\s\\S]*[\\s\\S]*[\\s\\S]*x$',
  nested: '^(([a-z])+.)+[A-Z]([a-z])+$',
};

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  const put = await api.put('/api/meta/draft/entities/probe', {
    key: 'probe',
    label,
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label },
      { key: 'spread', type: 'text', label, maxLength: 500, pattern: HOSTILE.spread },
      { key: 'nested', type: 'text', label, maxLength: 500, pattern: HOSTILE.nested },
      { key: 'code', type: 'text', label, pattern: '^[A-Z]{2}-\\d{4}$' },
      { key: 'body', type: 'rich_text', label },
      { key: 'notes', type: 'long_text', label },
      ...Array.from({ length: 50 }, (_, i) => ({ key: `f${i}`, type: 'integer', label })),
    ],
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  // The first write compiles the entity's validator; the timings below are of validation alone.
  expect((await api.post('/api/records/probe', { name: 'warm-up' })).status).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
});

describe('field patterns run in a linear-time engine', () => {
  it.each([
    ['spread', HOSTILE.spread, 'a'.repeat(480)],
    ['nested', HOSTILE.nested, `${'ab'.repeat(240)}!`],
  ])('refuses a 480-character hostile value for %s in milliseconds', async (field, _pattern, value) => {
    const started = performance.now();
    const res = await api.post<ErrorBody>('/api/records/probe', { name: 'x', [field]: value });
    const ms = performance.now() - started;
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details?.problems?.map((p) => p.pointer)).toContain(`/${field}`);
    // A backtracking engine took 22.7 s on the first; RE2 is linear in the value's length.
    console.warn(`hostile pattern ${field}: 480-character value refused in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1_000);
  });

  it('still applies a pattern: a matching value is stored, a wrong one refused', async () => {
    expect((await api.post('/api/records/probe', { name: 'ok', code: 'AB-1234', spread: 'zzx' })).status).toBe(201);
    const wrong = await api.post<ErrorBody>('/api/records/probe', { name: 'no', code: 'ab-1234' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details?.problems?.[0]?.pointer).toBe('/code');
  });

  it.each([
    ['a back-reference', '(?<x>a+)\\k<x>+$'],
    ['a look-ahead', '^(?=a)a+$'],
    ['a repeat count above 1000', '^a{2000}$'],
  ])('refuses at publish %s, with the pointer of the pattern', async (_what, pattern) => {
    const put = await api.put('/api/meta/draft/entities/bad_pattern', {
      key: 'bad_pattern',
      label,
      displayField: 'name',
      fields: [{ key: 'name', type: 'text', label, pattern }],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const res = await api.post<ErrorBody>('/api/meta/publish');
    await api.delete('/api/meta/draft/entities/bad_pattern');
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    const problem = res.body.error.details?.problems?.find((p) => p.pointer.endsWith('/bad_pattern/fields/name/pattern'));
    expect(problem?.code).toBe('UNSAFE_PATTERN');
  });
});

describe('rich text is sanitized on every write', () => {
  // The payloads of the issue came back byte for byte before.
  const PAYLOADS: [string, string, string][] = [
    ['a script', '<p>Hello <b>team</b></p><script>alert(1)</script>', '<p>Hello <b>team</b></p>'],
    ['an onerror handler', '<p>x<img src="x" onerror="alert(1)"></p>', '<p>x</p>'],
    ['a javascript: link', '<a href="javascript:alert(1)">open</a>', '<a rel="noopener noreferrer nofollow">open</a>'],
    ['an iframe', '<iframe src="https://evil.example/"></iframe><p>after</p>', '<p>after</p>'],
    ['an svg onbegin', '<svg><animate onbegin="alert(1)" attributeName="x" dur="1s"/></svg><i>ok</i>', '<i>ok</i>'],
    [
      'a safe link',
      '<a href="https://example.com/a" onclick="steal()" target="_blank">site</a>',
      '<a href="https://example.com/a" rel="noopener noreferrer nofollow">site</a>',
    ],
  ];
  type Rec = { id: string; _version: number; body: string | null };

  it.each(PAYLOADS)('on create and on PATCH: %s', async (_what, payload, stored) => {
    const created = await api.post<Rec>('/api/records/probe', { name: 'rt', body: payload });
    expect(created.status).toBe(201);
    expect(created.body.body).toBe(stored);
    expect((await api.get<Rec>(`/api/records/probe/${created.body.id}`)).body.body).toBe(stored);
    const patched = await api.patch<Rec>(`/api/records/probe/${created.body.id}`, {
      body: `<div>${payload}</div>`,
      _version: created.body._version,
    });
    expect(patched.body.body).toBe(`<div>${stored}</div>`);
  });

  it('in a bulk write and an import', async () => {
    const [, payload, stored] = PAYLOADS[0]!;
    const bulk = await api.post<{ results: { status: number; record?: Rec }[] }>('/api/records/probe/bulk', {
      operations: [{ op: 'create', data: { name: 'bulk', body: payload } }],
    });
    expect(bulk.body.results[0]?.record?.body).toBe(stored);
    const csv = `name,body\r\nimported,"${payload.replace(/"/g, '""')}"\r\n`;
    const job = await api.post<{ id: string }>('/api/records/probe/import', {
      file: { name: 'rt.csv', contentBase64: Buffer.from(csv).toString('base64') },
      format: 'csv',
      mapping: { name: 'name', body: 'body' },
      dryRun: false,
    });
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    await waitFor(
      'the import to finish',
      async () =>
        (await api.get<{ status: string }>(`/api/records/probe/imports/${job.body.id}`)).body.status === 'completed' ? true : undefined,
      { timeoutMs: 60_000 },
    );
    const listed = await api.get<{ records: (Rec & { name: string })[] }>('/api/records/probe?limit=200');
    expect(listed.body.records.find((r) => r.name === 'imported')?.body).toBe(stored);
  });
});

describe('request bodies: encodings, NUL, nesting, system keys', () => {
  const raw = async (body: Buffer | string, contentType = 'application/json', method = 'POST', path = '/api/records/probe') => {
    const res = await fetch(`${platform.url}${path}`, { method, headers: { ...api.authHeaders(), 'Content-Type': contentType }, body });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  };
  const created = async () => (await api.post<{ id: string; _version: number }>('/api/records/probe', { name: 'target' })).body;

  it('answers 400 for a body that is not valid UTF-8 instead of storing U+FFFD', async () => {
    const res = await raw(Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
    expect(res.status).toBe(400);
    expect(res.body.error.details?.problems).toEqual([{ pointer: '', code: 'INVALID_UTF8', message: 'not valid UTF-8' }]);
  });

  it.each(['latin1', 'iso-8859-1', 'utf-16'])('answers 400 for charset=%s, and takes utf-8 or none', async (charset) => {
    const res = await raw(Buffer.from('{"name":"caf\xe9"}', 'latin1'), `application/json; charset=${charset}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.problems?.[0]?.code).toBe('UNSUPPORTED_CHARSET');
    expect((await raw('{"name":"café"}', 'application/json; charset=UTF-8')).status).toBe(201);
  });

  it('refuses NUL in a text field with its pointer', async () => {
    const res = await api.post<ErrorBody>('/api/records/probe', { name: 'ok', notes: 'a\u0000b' });
    expect(res.status).toBe(422);
    expect(res.body.error.details?.problems).toEqual([
      { pointer: '/notes', code: 'BAD_FORMAT', message: 'may not contain NUL characters (U+0000)', params: { nul: true } },
    ]);
  });

  it('answers a clear 400 for JSON nested too deep, never the stack overflow', async () => {
    const res = await raw(`{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/call stack/i);
    expect(res.body.error.details?.problems?.[0]).toMatchObject({ pointer: '', code: 'TOO_DEEP' });
  });

  it.each([true, '', '1.5', 0, [2]])('answers 400 for _version %j instead of a conflict', async (version) => {
    const { id } = await created();
    const res = await api.patch<ErrorBody>(`/api/records/probe/${id}`, { name: 'x', _version: version });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.problems?.[0]?.pointer).toBe('/_version');
  });

  it.each(['id', '_id'])('refuses %s in a body as a system field', async (key) => {
    const { id } = await created();
    for (const res of [
      await api.post<ErrorBody>('/api/records/probe', { name: 'x', [key]: id }),
      await api.patch<ErrorBody>(`/api/records/probe/${id}`, { name: 'y', [key]: id }),
    ]) {
      expect(res.status).toBe(422);
      expect(res.body.error.details?.problems).toEqual([
        { pointer: `/${key}`, code: 'IMMUTABLE', message: 'is set by the platform and cannot be written', params: { system: true } },
      ]);
    }
  });
});

describe('unversioned PATCHes under contention', () => {
  it('re-applies 50 concurrent PATCHes of different fields on the newest version: all succeed, none lost', async () => {
    const { id } = (await api.post<{ id: string }>('/api/records/probe', { name: 'contended' })).body;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.patch<ErrorBody>(`/api/records/probe/${id}`, { [`f${i}`]: i + 1 })),
    );
    console.warn(`50 concurrent unversioned PATCHes of one record: ${(performance.now() - started).toFixed(0)} ms`);
    expect(answers.filter((a) => a.status !== 200).map((a) => JSON.stringify(a.body))).toEqual([]);
    const record = (await api.get<Record<string, unknown>>(`/api/records/probe/${id}`)).body;
    expect(Array.from({ length: 50 }, (_, i) => record[`f${i}`])).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(record._version).toBe(51);
  }, 120_000);
});
