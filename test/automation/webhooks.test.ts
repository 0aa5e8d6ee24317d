import { ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '@metacrm/metadata';
import type { RunDoc } from '../../server/src/automation/workflow-runs.js';
import type { OpenApiDocument } from '../../server/src/openapi/openapi.js';
import { ComponentValidator } from '../../server/src/openapi/openapi.fixture.js';
import { parseAllowlist } from '../../server/src/config/outbound-allowlist.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { startSmtpReceiver, type SmtpReceiver } from '../fixtures/smtp-receiver.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Workflows that talk to the outside world, end to end on the real platform (API and
 * worker), the real database and Redis, an SMTP server and an HTTP receiver that the
 * allowlist names: inbound webhooks start runs that send email, call the receiver (which
 * fails the first attempt) and notify; a record trigger calls out; a blocked URL fails
 * its run for good; and no Idempotency-Key ever succeeds twice at the receiver.
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
let db: Db;
let platform: TestPlatform;
/** No credential: what an outside sender has. */
let anon: ApiClient;
let api: ApiClient;
let receiver: HttpReceiver;
let smtp: SmtpReceiver;

const LEAD_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', format: 'email' },
    note: { type: 'string' },
  },
  required: ['name', 'email'],
  additionalProperties: false,
};

function workflows(receiverUrl: string, adminId: string): Workflow[] {
  return [
    {
      key: 'inbound_lead',
      label: l('Inbound lead'),
      trigger: { type: 'webhook', schema: LEAD_SCHEMA },
      start: 'mail',
      steps: [
        {
          id: 'mail',
          type: 'send_email',
          config: {
            to: '{{input.email}}',
            subject: 'Welcome {{input.name}}',
            html: '<p>Hello {{input.name}}</p>',
            text: 'Hello {{input.name}}',
          },
          next: 'call',
        },
        {
          id: 'call',
          type: 'http_request',
          config: {
            url: `${receiverUrl}/flaky/leads`,
            body: { name: { var: 'input.name' }, contact: { email: { var: 'input.email' }, source: 'webhook' } },
            mapResponse: { receipt: { var: 'body.id' } },
          },
          next: 'tell',
        },
        {
          id: 'tell',
          type: 'notify',
          config: {
            to: adminId,
            title: { 'zh-CN': '新线索 {{input.name}}', en: 'New lead {{input.name}}' },
            body: 'Receipt {{steps.call.receipt}}',
          },
        },
      ],
    },
    {
      key: 'leaky',
      label: l('Leaky'),
      trigger: { type: 'webhook', schema: { type: 'object' } },
      start: 'steal',
      steps: [{ id: 'steal', type: 'http_request', config: { url: 'http://169.254.169.254/latest/meta-data/iam/' } }],
    },
    {
      key: 'limited',
      label: l('Limited'),
      trigger: { type: 'webhook', schema: { type: 'object' }, ratePerMinute: 3, maxBytes: 2048 },
      start: 'note',
      steps: [{ id: 'note', type: 'notify', config: { to: adminId, title: 'Limited {{input.n}}' } }],
    },
    {
      // Passes the meta-schema at publish, but its $ref leads nowhere: only compiling finds out.
      key: 'dangling',
      label: l('Dangling'),
      trigger: { type: 'webhook', schema: { $ref: '#/$defs/nowhere' } },
      start: 'note',
      steps: [{ id: 'note', type: 'notify', config: { to: adminId, title: 'never' } }],
    },
    {
      key: 'deal_ping',
      label: l('Deal ping'),
      entity: 'opportunity',
      trigger: { type: 'record_created' },
      start: 'ping',
      steps: [
        {
          id: 'ping',
          type: 'http_request',
          config: {
            method: 'PUT',
            url: `${receiverUrl}/ledger/{{record.title}}`,
            headers: { 'X-Deal': '{{record.id}}' },
            body: { title: { var: 'record.title' }, amount: { var: 'record.amount' } },
            mapResponse: { receipt: { var: 'body.id' } },
          },
          next: 'tell',
        },
        { id: 'tell', type: 'notify', config: { to: adminId, title: 'Deal {{record.title}} sent as {{steps.ping.receipt}}', link: {} } },
      ],
    },
  ];
}

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  [receiver, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    role: 'all',
    config: {
      outboundAllowlist: parseAllowlist(`127.0.0.1:${receiver.port}`),
      mail: { smtpUrl: smtp.url, from: 'metacrm <crm@example.com>' },
    },
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  anon = apiClient(platform.url);
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const workflow of workflows(receiver.url, platform.admin.id)) {
    const saved = await api.put(`/api/meta/draft/workflows/${workflow.key}`, workflow);
    expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
  await Promise.all([receiver?.close(), smtp?.close()]);
});

const runs = () => db.collection<RunDoc>('workflow_runs');
async function finished(runId: string): Promise<RunDoc> {
  return await waitFor(
    `run ${runId} to finish`,
    async () => {
      const run = await runs().findOne({ _id: new ObjectId(runId) });
      return run && (run.status === 'completed' || run.status === 'failed') ? run : undefined;
    },
    { timeoutMs: 60_000 },
  );
}
const issue = async (workflow: string) =>
  (await api.post<{ workflow: string; path: string; secret: string; createdAt: string }>(`/api/workflows/${workflow}/webhook-secret`)).body;
type Answer = { runId: string; status: string; replayed: boolean };
type ErrorAnswer = { error: { code: string; details?: { problems: { pointer: string; code: string }[] } } };

describe('inbound webhooks', () => {
  let path: string;

  it('let only metadata administrators issue secrets', async () => {
    const refused = await anon.post<ErrorAnswer>('/api/workflows/inbound_lead/webhook-secret');
    expect([refused.status, refused.body.error.code]).toEqual([401, 'AUTH_REQUIRED']);
    expect(await db.collection('webhook_secrets').countDocuments()).toBe(0);
  });

  it('answer 404 until a secret is issued, and issue secrets only for webhook workflows', async () => {
    expect(
      (
        await anon.post<ErrorAnswer>('/api/hooks/inbound_lead.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', {
          name: 'x',
          email: 'x@example.com',
        })
      ).body.error.code,
    ).toBe('WEBHOOK_NOT_FOUND');
    for (const key of ['deal_ping', 'nothing_here']) {
      const refused = await api.post<ErrorAnswer>(`/api/workflows/${key}/webhook-secret`);
      expect([refused.status, refused.body.error.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    }
    const first = await api.post(`/api/workflows/inbound_lead/webhook-secret`);
    expect(first.status).toBe(201);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toMatchObject({
      workflow: 'inbound_lead',
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      path: expect.stringMatching(/^\/api\/hooks\/inbound_lead\./),
    });
    // The secret is kept only as a hash.
    const stored = await db.collection('webhook_secrets').findOne({ _id: 'inbound_lead' as never });
    expect(JSON.stringify(stored)).not.toContain(String(first.body.secret));
    // Rotating replaces it: the first secret stops working.
    path = (await issue('inbound_lead')).path;
    expect((await anon.post(String(first.body.path), { name: 'x', email: 'x@example.com' })).status).toBe(404);
  });

  it.each([
    ['a wrong secret', (p: string) => `${p.slice(0, -4)}AAAA`],
    ['another workflow with this secret', (p: string) => p.replace('inbound_lead', 'limited')],
    ['no secret', () => '/api/hooks/inbound_lead'],
    ['a secret of the wrong shape', () => '/api/hooks/inbound_lead.short'],
  ])('answer 404 for %s, and start nothing', async (_what, wrong) => {
    const before = await runs().countDocuments();
    const answer = await anon.post<ErrorAnswer>(wrong(path), { name: 'x', email: 'x@example.com' });
    expect([answer.status, answer.body.error.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    expect(await runs().countDocuments()).toBe(before);
  });

  it('refuse a payload that does not fit the schema with a pointer per problem, and start nothing', async () => {
    const before = await runs().countDocuments();
    const invalid = await anon.post<ErrorAnswer>(path, { name: 5, email: 'not an address', extra: true });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect(invalid.body.error.details!.problems.map((p) => [p.pointer, p.code]).sort()).toEqual([
      ['/email', 'BAD_FORMAT'],
      ['/extra', 'UNKNOWN_PROPERTY'],
      ['/name', 'WRONG_TYPE'],
    ]);
    const missing = await anon.post<ErrorAnswer>(path, { name: 'Ada' });
    expect(missing.body.error.details?.problems).toEqual([expect.objectContaining({ pointer: '/email', code: 'REQUIRED' })]);
    expect((await anon.post(path, 'name=Ada', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await anon.post(path, '{"name":', {})).status).toBe(400);
    expect(await runs().countDocuments()).toBe(before);
  });

  it('start a run that emails, calls the receiver through a 503 and a retry, and notifies; a repeated Idempotency-Key answers the same run', async () => {
    const name = 'Eve <b>"bold"</b>\r\nBcc: victim@evil.example';
    const started = await anon.post<Answer>(path, { name, email: 'eve@example.com' }, { 'Idempotency-Key': 'lead-1' });
    expect(started.status).toBe(202);
    const repeated = await anon.post<Answer>(path, { name, email: 'eve@example.com' }, { 'Idempotency-Key': 'lead-1' });
    expect(repeated.body).toMatchObject({ runId: started.body.runId, replayed: true });
    expect(await runs().countDocuments({ workflow: 'inbound_lead', 'trigger.idempotencyKey': 'lead-1' })).toBe(1);

    const run = await finished(started.body.runId);
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect(run.trigger).toMatchObject({ type: 'webhook', recordId: null, idempotencyKey: 'lead-1' });
    expect(run.scope.input).toEqual({ name, email: 'eve@example.com' });
    // The call failed once with 503, was retried with the same key, and succeeded once.
    const key = `${started.body.runId}:call:main:0:0`;
    expect(receiver.requests.filter((r) => r.key === key).map((r) => r.outcome)).toEqual(['failed', 'succeeded']);
    expect(run.log.filter((e) => e.step === 'call').map((e) => [e.attempt, e.status])).toEqual([
      [1, 'retrying'],
      [2, 'completed'],
    ]);
    const sent = receiver.requests.find((r) => r.key === key && r.outcome === 'succeeded')!;
    expect(JSON.parse(sent.body)).toEqual({ name, contact: { email: 'eve@example.com', source: 'webhook' } });
    expect(run.scope.steps.call).toMatchObject({ status: 201, receipt: expect.any(Number) });

    const mailed = await waitFor('the email', () => smtp.messages.find((m) => m.rcptTo.includes('eve@example.com')));
    expect(mailed.rcptTo).toEqual(['eve@example.com']);
    expect(mailed.parsed.subject).toBe('Welcome Eve <b>"bold"</b> Bcc: victim@evil.example');
    expect(mailed.raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/^bcc:/im);
    expect(mailed.parsed.html).toContain('Hello Eve &lt;b&gt;&quot;bold&quot;&lt;/b&gt;');
    expect(mailed.parsed.messageId).toBe((run.scope.steps.mail as { messageId: string }).messageId);

    const receipt = (run.scope.steps.call as { receipt: number }).receipt;
    const inbox = await api.get<{ notifications: { id: string; title: unknown; body: string; readAt: string | null }[]; unread: number }>(
      '/api/notifications',
    );
    const note = inbox.body.notifications.find((n) => n.body === `Receipt ${receipt}`)!;
    expect(note).toMatchObject({ title: { 'zh-CN': `新线索 ${name}`, en: `New lead ${name}` }, readAt: null });
    const read = await api.post<{ readAt: string }>(`/api/notifications/${note.id}/read`);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await api.get<{ unread: number }>('/api/notifications')).body.unread).toBe(inbox.body.unread - 1);
    expect((await api.post<{ readAt: string }>(`/api/notifications/${note.id}/read`)).body.readAt).toBe(read.body.readAt);
  });

  it('start a run per call without an Idempotency-Key, and refuse a malformed one', async () => {
    const a = await anon.post<Answer>(path, { name: 'Twin', email: 'twin@example.com' });
    const b = await anon.post<Answer>(path, { name: 'Twin', email: 'twin@example.com' });
    expect(a.body.runId).not.toBe(b.body.runId);
    await Promise.all([finished(a.body.runId), finished(b.body.runId)]);
    const bad = await anon.post<ErrorAnswer>(path, { name: 'x', email: 'x@example.com' }, { 'Idempotency-Key': 'has space' });
    expect([bad.status, bad.body.error.details?.problems[0]?.pointer]).toEqual([400, '/headers/Idempotency-Key']);
  });

  it('fail a run for good, with the reason, when a step calls an address the guard refuses', async () => {
    const hook = (await issue('leaky')).path;
    // Switched off at runtime, a webhook workflow is not there for callers.
    expect((await api.post('/api/workflows/leaky/disable')).status).toBeLessThan(300);
    expect((await anon.post<ErrorAnswer>(hook, {})).body.error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await api.post('/api/workflows/leaky/enable')).status).toBeLessThan(300);
    const started = await anon.post<Answer>(hook, {});
    const run = await finished(started.body.runId);
    expect(run).toMatchObject({ status: 'failed', failure: { step: 'steal', code: 'OUTBOUND_BLOCKED' } });
    expect(run.failure!.message).toContain('169.254.169.254 is not a public address: link-local');
    expect(run.log.map((e) => [e.step, e.attempt, e.status])).toEqual([['steal', 1, 'failed']]);
  });

  it('answer WEBHOOK_SCHEMA_INVALID, starting nothing, when the payload schema cannot be compiled', async () => {
    const answer = await anon.post<ErrorAnswer>((await issue('dangling')).path, {});
    expect([answer.status, answer.body.error.code]).toEqual([500, 'WEBHOOK_SCHEMA_INVALID']);
    expect(await runs().countDocuments({ workflow: 'dangling' })).toBe(0);
  });

  it("refuse a payload over the hook's size, and calls over its rate", async () => {
    const hook = (await issue('limited')).path;
    const big = await anon.post<ErrorAnswer>(hook, { n: 'x'.repeat(3000) });
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // 3 a minute: seven calls in a row meet the limit even if a minute turns meanwhile.
    const answers = [];
    for (let n = 0; n < 7; n++) answers.push(await anon.post<ErrorAnswer>(hook, { n }));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body.error.code).toBe('WEBHOOK_RATE_LIMITED');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 202 || a.status === 429)).toBe(true);
  });
});

describe('record-triggered calls', () => {
  it('call the receiver with the record, encoded into the URL, and link the notification to the record', async () => {
    const title = 'A/B & C?';
    const created = await api.post<{ id: string }>('/api/records/opportunity', { title, amount: '12.50' });
    const run = await waitFor(
      'the deal_ping run',
      async () => {
        const found = await runs().findOne({ workflow: 'deal_ping', 'trigger.recordId': created.body.id });
        return found && found.status !== 'queued' && found.status !== 'running' ? found : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    const seen = receiver.requests.filter((r) => r.key === `${run._id.toHexString()}:ping:main:0:0`);
    expect(seen.map((r) => [r.method, r.path, r.headers['x-deal'], JSON.parse(r.body)])).toEqual([
      ['PUT', `/ledger/${encodeURIComponent(title)}`, created.body.id, { title, amount: '12.50' }],
    ]);
    const receipt = (run.scope.steps.ping as { receipt: number }).receipt;
    const inbox = await api.get<{ notifications: { title: string; link: unknown }[] }>('/api/notifications?limit=200');
    expect(inbox.body.notifications.find((n) => n.title === `Deal ${title} sent as ${receipt}`)?.link).toEqual({
      entity: 'opportunity',
      id: created.body.id,
    });
  });
});

describe('publishing steps that reach outside', () => {
  it.each([
    [
      'a Host header',
      { type: 'http_request', config: { url: 'https://example.com/', headers: { Host: 'internal' } } },
      '/steps/0/config/headers/Host',
    ],
    [
      'a transfer-encoding header',
      { type: 'http_request', config: { url: 'https://example.com/', headers: { 'transfer-Encoding': 'chunked' } } },
      '/steps/0/config/headers/transfer-Encoding',
    ],
    [
      'a method it does not know',
      { type: 'http_request', config: { url: 'https://example.com/', method: 'TRACE' } },
      '/steps/0/config/method',
    ],
    ['an email without a body', { type: 'send_email', config: { to: 'a@example.com', subject: 's' } }, '/steps/0/config'],
  ])('refuses %s with a pointer', async (_what, step, pointer) => {
    const workflow = { key: 'bad_step', label: l('Bad'), trigger: { type: 'manual' }, steps: [{ id: 'one', ...step }] };
    await api.put('/api/meta/draft/workflows/bad_step', workflow);
    const checked = await api.post<{ problems: { pointer: string }[] }>('/api/meta/draft/validate');
    await api.delete('/api/meta/draft/workflows/bad_step');
    expect(checked.body.problems.map((p) => p.pointer)).toContainEqual(
      expect.stringMatching(new RegExp(`${pointer.replace(/[/]/g, '\\/')}$`)),
    );
  });

  it('refuses a webhook trigger whose schema is not a JSON Schema', async () => {
    const workflow = { key: 'bad_hook', label: l('Bad'), trigger: { type: 'webhook', schema: { type: 'strin' } }, steps: [] };
    await api.put('/api/meta/draft/workflows/bad_hook', workflow);
    const checked = await api.post<{ problems: { pointer: string }[] }>('/api/meta/draft/validate');
    await api.delete('/api/meta/draft/workflows/bad_hook');
    expect(checked.body.problems.map((p) => p.pointer)).toContainEqual(expect.stringMatching(/\/trigger\/schema\/type$/));
  });
});

describe('the OpenAPI document', () => {
  it('describes the webhook and notification answers', async () => {
    const doc = (await api.get<OpenApiDocument>('/api/openapi.json')).body;
    const valid = (component: string, answer: { body: unknown }) =>
      expect(new ComponentValidator(doc).errors(component, answer.body), `${component}: ${JSON.stringify(answer.body)}`).toBeNull();
    const issued = await api.post<{ path: string }>('/api/workflows/inbound_lead/webhook-secret');
    valid('WebhookSecret', issued);
    valid('WebhookRun', await anon.post(issued.body.path, { name: 'Doc', email: 'doc@example.com' }));
    valid('Error', await anon.post(issued.body.path, { name: 'Doc' }));
    const list = await api.get<{ notifications: { id: string }[] }>('/api/notifications?limit=5');
    valid('NotificationList', list);
    valid('Notification', await api.post(`/api/notifications/${list.body.notifications[0]!.id}/read`));
    valid('Error', await api.post('/api/notifications/000000000000000000000000/read'));
  });
});

describe('the HTTP receiver', () => {
  it('never saw one Idempotency-Key succeed twice', () => {
    const counts = receiver.successesByKey();
    expect(counts.size).toBeGreaterThanOrEqual(4);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
