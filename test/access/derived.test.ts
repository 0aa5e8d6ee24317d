import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';
import { startSmtpReceiver, type SmtpReceiver } from '../fixtures/smtp-receiver.js';

// Issue #14 item 9: a formula or roll-up must not show a field its reader may not read.
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
let rep: ApiClient;
let repId: string;
let dealId: string;
let smtp: SmtpReceiver;
const l = (en: string) => ({ 'zh-CN': en, en });
type Warning = { pointer: string; code: string; message: string };

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  smtp = await startSmtpReceiver();
  const mail = { smtpUrl: smtp.url, from: 'metacrm <crm@example.com>' };
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    config: { mail },
  });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const decimal = (key: string) => ({ key, type: 'decimal', label: l(key), scale: 2 });
  const formula = (key: string, expression: unknown) => ({
    key,
    type: 'formula',
    label: l(key),
    resultType: 'decimal',
    scale: 2,
    expression,
  });
  await admin.put('/api/meta/draft/entities/deal', {
    key: 'deal',
    label: l('Deal'),
    displayField: 'title',
    fields: [
      { key: 'title', type: 'text', label: l('Title') },
      decimal('price'),
      decimal('margin'),
      formula('margin_x', { '*': [{ var: 'margin' }, 1] }),
      formula('price_x', { '*': [{ var: 'price' }, 2] }),
      formula('margin_shown', { '+': [{ var: 'margin' }, 0] }),
      formula('margin_xx', { '+': [{ var: 'margin_x' }, 0] }),
      { key: 'lines_total', type: 'rollup', label: l('Lines'), entity: 'line', via: 'deal', function: 'sum', field: 'cost' },
      { key: 'line_count', type: 'rollup', label: l('Count'), entity: 'line', via: 'deal', function: 'count' },
    ],
  });
  await admin.put('/api/meta/draft/entities/line', {
    key: 'line',
    label: l('Line'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('Name') },
      decimal('cost'),
      { key: 'deal', type: 'lookup', label: l('Deal'), target: 'deal', onDelete: 'cascade' },
    ],
  });
  await admin.put('/api/meta/draft/roles/rep', {
    key: 'rep',
    label: l('Rep'),
    entities: {
      deal: { read: true, update: true, scope: 'all', fields: { margin: { read: false }, margin_shown: { read: true } } },
      line: { read: true, scope: 'all', fields: { cost: { read: false } } },
    },
  });
  const published = await admin.post<{ warnings: Warning[] }>('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  expect(published.body.warnings).toEqual([
    expect.objectContaining({ pointer: '/roles/0/entities/deal/fields/margin_shown/read', code: 'REVEALS_HIDDEN_FIELD' }),
  ]);
  const user = await admin.post<{ id: string }>('/api/users', {
    email: 'rep@example.com',
    name: 'Rep',
    password: 'rep password 123',
    roles: ['rep'],
  });
  repId = user.body.id;
  rep = apiClient(platform.url, { token: (await signIn(platform.url, 'rep@example.com', 'rep password 123')).token });
  dealId = (await admin.post<{ id: string }>('/api/records/deal', { title: 'D', price: '100.00', margin: '42.51' })).body.id;
  expect((await admin.post('/api/records/line', { name: 'L', cost: '7.00', deal: dealId })).status).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
});

describe('derived values', () => {
  it('hide a formula or roll-up computed from a field the reader may not read', async () => {
    const seen = (await rep.get<Record<string, unknown>>(`/api/records/deal/${dealId}`)).body;
    expect(seen).toMatchObject({ title: 'D', price: '100.00', price_x: '200.00', line_count: 1 });
    // margin_x (and margin_xx, from margin_x) revealed the hidden margin 42.51 before.
    for (const key of ['margin', 'margin_x', 'margin_xx', 'lines_total']) expect(seen, key).not.toHaveProperty(key);
    const listed = (await rep.get<{ records: Record<string, unknown>[] }>('/api/records/deal')).body.records[0]!;
    expect(listed).not.toHaveProperty('margin_x');
    const filtered = await rep.get<{ error: { code: string } }>(
      `/api/records/deal?filter=${encodeURIComponent(JSON.stringify({ field: 'margin_x', op: 'gt', value: '42' }))}`,
    );
    expect([filtered.status, filtered.body.error.code]).toEqual([403, 'FIELD_NOT_READABLE']);
    expect((await rep.get(`/api/records/deal?sort=lines_total`)).status).toBe(403);
  });

  it('shows a derived field a role grants explicitly (publish warned about it)', async () => {
    expect((await rep.get<Record<string, unknown>>(`/api/records/deal/${dealId}`)).body.margin_shown).toBe('42.51');
  });

  it('are explained: the explainer names the field that hides them', async () => {
    const res = await admin.get<{ field: { read: boolean; reason: string; hiddenBecause: unknown } }>(
      `/api/access/explain?user=${repId}&entity=deal&field=lines_total`,
    );
    expect(res.body.field).toMatchObject({ read: false, hiddenBecause: { entity: 'line', field: 'cost' } });
    expect(res.body.field.reason).toContain('line.cost');
  });

  it('reach a user through a workflow message only as that user may see the record', async () => {
    const body = 'margin {{record.margin}} x {{record.margin_x}} lines {{record.lines_total}} price {{record.price}}';
    const workflow = {
      key: 'tell_rep',
      label: l('Tell rep'),
      entity: 'deal',
      trigger: { type: 'record_updated', fields: ['title'] },
      start: 'tell',
      steps: [
        { id: 'tell', type: 'notify', config: { to: repId, title: 'Deal {{record.title}} changed', body }, next: 'mail' },
        // One email to the rep (a user) and an outside address: no field the rep may not see.
        {
          id: 'mail',
          type: 'send_email',
          config: { to: 'rep@example.com, partner@outside.example', subject: 'Deal {{record.title}}', text: body },
        },
      ],
    };
    expect((await admin.put('/api/meta/draft/workflows/tell_rep', workflow)).status).toBeLessThan(300);
    expect((await admin.post('/api/meta/publish')).status).toBe(200);
    // The admin's edit triggers it: rendered from the admin's view, the body showed the rep 42.51.
    expect((await admin.patch(`/api/records/deal/${dealId}`, { title: 'D2' })).status).toBe(200);
    const note = await waitFor(
      'the rep to be notified',
      async () => {
        const { body: listed } = await rep.get<{ notifications: { title: string; body: string }[] }>('/api/notifications');
        return listed.notifications?.[0];
      },
      { timeoutMs: 60_000 },
    );
    expect(note.title).toBe('Deal D2 changed');
    expect(note.body).toBe('margin  x  lines  price 100.00');
    const sent = await waitFor('the email', () => smtp.messages[0], { timeoutMs: 60_000 });
    expect(sent.parsed.text?.trim()).toBe('margin  x  lines  price 100.00');
  }, 90_000);
});
