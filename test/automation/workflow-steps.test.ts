import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyBundle } from '@metacrm/metadata';
import { httpRequestAction } from '../../server/src/automation/actions/http-request.js';
import { notifyAction } from '../../server/src/automation/actions/notify.js';
import { sendEmailAction } from '../../server/src/automation/actions/send-email.js';
import { forgetUnfinishedEffects, STEP_EFFECTS } from '../../server/src/automation/actions/step-effects.js';
import { evaluateIn, type RunScope } from '../../server/src/automation/run-scope.js';
import type { ActionContext, WorkflowAction } from '../../server/src/automation/action-contract.js';
import type { MailConfig } from '../../server/src/config/config.js';
import { AppError } from '../../server/src/errors/index.js';
import { snapshotOf } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { parseAllowlist } from '../../server/src/config/outbound-allowlist.js';
import { OutboundPolicy } from '../../server/src/net/outbound-policy.js';
import { ensureNotificationIndexes, NOTIFICATIONS } from '../../server/src/notifications/notifications.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from '../fixtures/smtp-receiver.js';
import { openTestDb, testEnv } from '../helpers/env.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The steps that reach outside, run directly as the executor runs them, against the real
 * database, a real HTTP receiver and a real SMTP server. Running a step twice with one
 * idempotency key is what the executor does after a crash or a retry.
 */
const env = testEnv(import.meta.url);
const { registries } = metadataToolkit(createRegistries());
let db: Db;
let receiver: HttpReceiver;
let smtp: SmtpReceiver;
let policy: OutboundPolicy;
let mail: MailConfig;
let keys = 0;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await ensureNotificationIndexes(db);
  [receiver, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  policy = new OutboundPolicy(parseAllowlist(`127.0.0.1:${receiver.port}`));
  mail = { smtpUrl: smtp.url, from: 'metacrm <crm@example.com>' };
});
afterAll(async () => {
  await Promise.all([receiver?.close(), smtp?.close()]);
});

/** A step execution's context, as the executor builds it. */
function context(scope: Partial<RunScope> = {}, overrides: Partial<ActionContext> = {}): ActionContext {
  const full: RunScope = { record: null, old: null, steps: {}, vars: {}, user: { id: 'system', name: 'test' }, input: null, ...scope };
  return {
    db,
    snapshot: snapshotOf(1, emptyBundle()),
    registries,
    logger: createLogger('silent'),
    scope: full,
    visible: full,
    // No entity here: messages to users render from the visible scope as it is.
    seenBy: async () => overrides.visible ?? full,
    entity: null,
    workflow: 'outside_steps',
    triggeredBy: { kind: 'system', id: 'system' },
    idempotencyKey: `run${++keys}:step:main:0:0`,
    execution: 'test-execution',
    records: () => {
      throw new Error('these steps write no records');
    },
    evaluate: (expr) => evaluateIn(full, expr, registries.operations),
    outbound: policy,
    mail,
    ...overrides,
  };
}

const run = (action: WorkflowAction, config: Record<string, unknown>, ctx: ActionContext) => action.run!(config, ctx);
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the step to fail');
};

describe('http_request', () => {
  it('sends the idempotency key, a JSON body built from the scope, and maps the answer into the output', async () => {
    const ctx = context({ input: { name: 'Ada', tags: ['a', 'b'] } });
    const config = {
      url: `${receiver.url}/ledger/lead`,
      body: { name: { var: 'input.name' }, nested: { tags: { var: 'input.tags' }, fixed: 1 } },
      mapResponse: { receipt: { var: 'body.id' } },
    };
    const { output } = await run(httpRequestAction, config, ctx);
    const seen = receiver.requests.filter((r) => r.key === ctx.idempotencyKey);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      outcome: 'succeeded',
      headers: { 'content-type': 'application/json', 'user-agent': 'metacrm-workflow' },
    });
    expect(JSON.parse(seen[0]!.body)).toEqual({ name: 'Ada', nested: { tags: ['a', 'b'], fixed: 1 } });
    expect(output).toMatchObject({ status: 201, receipt: expect.any(Number), body: { received: { name: 'Ada' } } });
  });

  it('does not call again when the step is replayed after it succeeded', async () => {
    const ctx = context();
    const config = { url: `${receiver.url}/ledger/once`, method: 'POST', body: 'hello' };
    const first = await run(httpRequestAction, config, ctx);
    const again = await run(httpRequestAction, config, ctx);
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey)).toHaveLength(1);
    expect(again.output).toEqual({ ...(first.output as object), replayed: true });
  });

  it('sends the same key again when the record of a success was lost, and the receiver answers it once', async () => {
    const ctx = context();
    const config = { url: `${receiver.url}/ledger/crash`, body: { n: 1 } };
    const first = (await run(httpRequestAction, config, ctx)).output as { body: { id: number } };
    await db.collection(STEP_EFFECTS).deleteOne({ _id: ctx.idempotencyKey as never }); // as if the worker died before recording it
    const second = (await run(httpRequestAction, config, ctx)).output as { body: { id: number } };
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey).map((r) => r.outcome)).toEqual(['succeeded', 'replayed']);
    expect(second.body.id).toBe(first.body.id);
  });

  it('does not repeat a call that an execution which died left under way, until the run is retried', async () => {
    const ctx = context();
    const config = { url: `${receiver.url}/ledger/cut`, body: { n: 1 } };
    // Another execution claimed the call and died before it recorded the answer: did it reach the receiver?
    await db
      .collection(STEP_EFFECTS)
      .insertOne({ _id: ctx.idempotencyKey as never, type: 'http_request', state: 'pending', owner: 'a-dead-execution', at: new Date() });
    expect(await failure(run(httpRequestAction, config, ctx))).toMatchObject({
      code: 'STEP_OUTCOME_UNKNOWN',
      status: 422,
      details: { key: ctx.idempotencyKey },
    });
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey)).toEqual([]);
    // Retrying the run is the decision to send it again, under the same key.
    expect(await forgetUnfinishedEffects(db, ctx.idempotencyKey.split(':')[0]!)).toBe(1);
    expect((await run(httpRequestAction, config, ctx)).output).toMatchObject({ status: 201 });
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey).map((r) => r.outcome)).toEqual(['succeeded']);
  });

  it('sends a call left under way again under the same key when the receiver deduplicates by it', async () => {
    const ctx = context();
    const config = { url: `${receiver.url}/ledger/dedup`, body: { n: 1 }, receiverDeduplicates: true };
    // The dead execution's call did reach the receiver before the kill.
    const reached = await fetch(`${receiver.url}/ledger/dedup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
      body: '{"n":1}',
    });
    const { id } = (await reached.json()) as { id: number };
    await db
      .collection(STEP_EFFECTS)
      .insertOne({ _id: ctx.idempotencyKey as never, type: 'http_request', state: 'pending', owner: 'a-dead-execution', at: new Date() });
    const output = (await run(httpRequestAction, config, ctx)).output as { status: number; body: { id: number } };
    // Sent again with the same key, and the receiver answered the first call's result without acting twice.
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey).map((r) => r.outcome)).toEqual(['succeeded', 'replayed']);
    expect(output.body.id).toBe(id);
    expect(await db.collection(STEP_EFFECTS).findOne({ _id: ctx.idempotencyKey as never })).toMatchObject({
      state: 'done',
      owner: ctx.execution,
    });
  });

  it('drops its claim when the call fails, so that the retry calls again', async () => {
    const ctx = context();
    const config = { url: `${receiver.url}/flaky/retry`, body: { n: 2 } };
    expect((await failure(run(httpRequestAction, config, ctx))).message).toContain('HTTP 503');
    expect(await db.collection(STEP_EFFECTS).findOne({ _id: ctx.idempotencyKey as never })).toBeNull();
    await run(httpRequestAction, config, { ...ctx, execution: 'the-retry' });
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey).map((r) => r.outcome)).toEqual(['failed', 'succeeded']);
  });

  it('records a call that succeeded before its mapping failed, so that a replay fails the same way without calling', async () => {
    const ctx = context();
    const config = { url: `${receiver.url}/ledger/mapped`, body: { n: 3 }, mapResponse: { bad: { nope: [1] } } };
    for (let i = 0; i < 2; i++)
      expect(await failure(run(httpRequestAction, config, ctx))).toMatchObject({
        code: 'HTTP_REQUEST_INVALID',
        details: [{ pointer: '/mapResponse/bad' }],
      });
    expect(receiver.requests.filter((r) => r.key === ctx.idempotencyKey).map((r) => r.outcome)).toEqual(['succeeded']);
  });

  it('leaves 5xx, 408 and 429 to the retries, and fails at once on other 4xx', async () => {
    for (const status of [500, 503, 408, 429]) {
      const err = await failure(run(httpRequestAction, { url: `${receiver.url}/status/${status}` }, context()));
      expect(err).not.toBeInstanceOf(AppError);
      expect(err.message).toContain(`HTTP ${status}`);
    }
    const rejected = await failure(run(httpRequestAction, { url: `${receiver.url}/status/404` }, context()));
    expect(rejected).toMatchObject({ code: 'HTTP_REQUEST_REJECTED', status: 422, details: { status: 404 } });
  });

  it('percent-encodes placeholders in the URL, so a value cannot add a parameter', async () => {
    const ctx = context({ input: { q: 'a&r=2#frag/..' } });
    const { output } = await run(httpRequestAction, { url: `${receiver.url}/echo?q={{input.q}}&r=1` }, ctx);
    expect((output as { body: { query: unknown } }).body.query).toEqual({ q: 'a&r=2#frag/..', r: '1' });
    const whole = await run(httpRequestAction, { url: { cat: [receiver.url, '/echo'] } }, context());
    expect(whole.output).toMatchObject({ status: 200, body: { path: '/echo' } });
  });

  it('refuses a header value that would break the request, and a mapping that fails, with pointers', async () => {
    const ctx = context({ input: { name: 'x\r\nX-Injected: 1' } });
    expect(
      await failure(run(httpRequestAction, { url: `${receiver.url}/ok`, headers: { 'X-Name': '{{input.name}}' } }, ctx)),
    ).toMatchObject({ code: 'HTTP_REQUEST_INVALID', details: [{ pointer: '/headers/X-Name' }] });
    expect(
      await failure(run(httpRequestAction, { url: `${receiver.url}/ok`, mapResponse: { bad: { nope: [1] } } }, context())),
    ).toMatchObject({ code: 'HTTP_REQUEST_INVALID', details: [{ pointer: '/mapResponse/bad' }] });
  });

  it('fails for good on a URL the guard refuses', async () => {
    expect(await failure(run(httpRequestAction, { url: 'http://169.254.169.254/latest/meta-data/' }, context()))).toMatchObject({
      code: 'OUTBOUND_BLOCKED',
      status: 403,
      details: { reason: 'address', range: 'link-local' },
    });
  });
});

describe('send_email', () => {
  const email = { to: '{{input.to}}', subject: 'Hello {{input.name}}', html: '<p>Dear {{input.name}}</p>', text: 'Dear {{input.name}}' };

  it('escapes placeholders in HTML, keeps the subject on one line, and sends to the recipients only', async () => {
    const ctx = context({ input: { to: 'ada@example.com', name: 'Ada <script>x</script>\r\nBcc: victim@evil.example' } });
    const { output } = await run(sendEmailAction, { ...email, cc: { merge: [['bob@example.com'], 'carol@example.com'] } }, ctx);
    const mailed = await waitFor('the email', () =>
      smtp.messages.find((m) => m.parsed.messageId === (output as { messageId: string }).messageId),
    );
    expect(mailed.rcptTo.sort()).toEqual(['ada@example.com', 'bob@example.com', 'carol@example.com']);
    expect(mailed.parsed.subject).toBe('Hello Ada <script>x</script> Bcc: victim@evil.example');
    const headerLines = mailed.raw.split(/\r?\n\r?\n/)[0]!;
    expect(headerLines).toMatch(/^Subject: Hello Ada <script>x<\/script> Bcc: victim@evil\.example$/m);
    expect(headerLines).not.toMatch(/^bcc:/im);
    expect(mailed.parsed.html).toContain('Dear Ada &lt;script&gt;x&lt;/script&gt;');
    expect(mailed.parsed.html).not.toContain('<script>');
    expect(mailed.parsed.text).toContain('Dear Ada <script>x</script>');
    expect(mailed.parsed.headers.get('x-metacrm-idempotency-key')).toBe(ctx.idempotencyKey);
    expect(mailed.parsed.messageId).toMatch(/^<wf\.[0-9a-f]{40}@example\.com>$/);
  });

  it('sends once per key, and sends again with the same Message-ID only when the record of the send was lost', async () => {
    const ctx = context({ input: { to: 'once@example.com', name: 'Once' } });
    const first = (await run(sendEmailAction, email, ctx)).output as { messageId: string };
    expect((await run(sendEmailAction, email, ctx)).output).toMatchObject({ messageId: first.messageId, replayed: true });
    await db.collection(STEP_EFFECTS).deleteOne({ _id: ctx.idempotencyKey as never });
    await run(sendEmailAction, email, ctx);
    const sent = await waitFor('two sends', () => {
      const found = smtp.messages.filter((m) => m.rcptTo.includes('once@example.com'));
      return found.length === 2 ? found : undefined;
    });
    expect(sent.map((m) => m.parsed.messageId)).toEqual([first.messageId, first.messageId]);
  });

  it.each([
    [{ to: 'bob@example.com\r\nBcc: x@evil.example' }, 'BAD_FORMAT'],
    [{ to: 'not an address' }, 'BAD_FORMAT'],
    [{ to: '' }, 'REQUIRED'],
    [{ to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`).join(',') }, 'OUT_OF_RANGE'],
  ])('refuses recipients %j (%s) and sends nothing', async (input, code) => {
    const before = smtp.messages.length;
    expect(await failure(run(sendEmailAction, email, context({ input: { ...input, name: 'x' } })))).toMatchObject({
      code: 'EMAIL_INVALID',
      status: 422,
      details: [{ pointer: '/to', code }],
    });
    expect(smtp.messages.length).toBe(before);
  });

  it('fails with EMAIL_NOT_CONFIGURED without SMTP settings', async () => {
    expect(await failure(run(sendEmailAction, email, context({ input: { to: 'a@example.com' } }, { mail: undefined })))).toMatchObject({
      code: 'EMAIL_NOT_CONFIGURED',
      status: 422,
    });
  });
});

describe('notify', () => {
  it('creates one notification per user, and none twice for one key', async () => {
    const ctx = context({ record: { id: 'rec1', title: 'Big deal' }, input: { users: ['u1', 'u2', 'u1'] } }, { entity: 'opportunity' });
    const config = {
      to: { var: 'input.users' },
      title: { 'zh-CN': '商机 {{record.title}}', en: 'Deal {{record.title}}' },
      body: 'Look at {{record.title}}',
      link: {},
    };
    const first = (await run(notifyAction, config, ctx)).output as { ids: string[]; users: string[] };
    const again = (await run(notifyAction, config, ctx)).output as { ids: string[] };
    expect(first.users).toEqual(['u1', 'u2']);
    expect(again.ids).toEqual(first.ids);
    const docs = await db
      .collection(NOTIFICATIONS)
      .find({ key: { $regex: `^${ctx.idempotencyKey}:` } })
      .sort({ userId: 1 })
      .toArray();
    expect(docs.map((d) => [d.userId, d.title, d.body, d.link, d.readAt])).toEqual([
      ['u1', { 'zh-CN': '商机 Big deal', en: 'Deal Big deal' }, 'Look at Big deal', { entity: 'opportunity', id: 'rec1' }, null],
      ['u2', { 'zh-CN': '商机 Big deal', en: 'Deal Big deal' }, 'Look at Big deal', { entity: 'opportunity', id: 'rec1' }, null],
    ]);
  });

  it.each([
    [{ to: '{{input.nobody}}', title: 't' }, '/to'],
    [{ to: 'bad id!', title: 't' }, '/to'],
    [{ to: 'u1', title: '{{input.nothing}}' }, '/title'],
    [{ to: 'u1', title: 't', link: {} }, '/link/entity'],
  ])('refuses %j with a pointer to %s', async (config, pointer) => {
    expect(await failure(run(notifyAction, config, context()))).toMatchObject({ code: 'NOTIFICATION_INVALID', details: [{ pointer }] });
  });
});
