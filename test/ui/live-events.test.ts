import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { SseClient, type SseEvent } from '../helpers/sse.js';
import { accessBundle } from '../access/access-bundle.js';
import { LiveEvents } from '../../server/src/live/live-events.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { createLogger } from '../../server/src/observability/logger.js';

/**
 * `GET /api/events`: committed record events, live, each user seeing only what a list
 * would show them. ann (rep: own deals, no note, masked phone), carl (north: north
 * deals, no amount).
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
let db: Db;
const as: Record<string, ApiClient> = {};
const tokens: Record<string, string> = {};
const open: SseClient[] = [];

async function stream(user: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(`${platform.url}/api/events`, { Authorization: `Bearer ${tokens[user]}`, ...headers });
  open.push(client);
  if (client.status === 200) await client.next((e) => e.event === 'ready');
  return client;
}
type RecordEvent = { type: string; entity: string; recordId: string; record?: Record<string, unknown> };
const records = (client: SseClient) => client.events.filter((e) => e.event === 'record').map((e) => e.data as RecordEvent);
const about = (id: string, type?: string) => (e: SseEvent) =>
  e.event === 'record' && (e.data as RecordEvent).recordId === id && (type === undefined || (e.data as RecordEvent).type === type);

beforeAll(async () => {
  db = (await openTestDb(env)).db;
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = accessBundle();
  for (const entity of bundle.entities) await admin.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const role of bundle.roles) await admin.put(`/api/meta/draft/roles/${role.key}`, role);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  for (const [user, roles] of [
    ['ann', ['rep']],
    ['carl', ['north']],
  ] as const) {
    expect(
      (await admin.post('/api/users', { email: `${user}@example.com`, name: user, password: `${user} password 123`, roles })).status,
    ).toBe(201);
    tokens[user] = (await signIn(platform.url, `${user}@example.com`, `${user} password 123`)).token;
    as[user] = apiClient(platform.url, { token: tokens[user] });
  }
});
let stopped = false;
afterAll(async () => {
  for (const c of open) c.close();
  if (!stopped) await platform?.stop();
});

describe('GET /api/events', () => {
  it("shows each user another's change within a second, only in their scope and only their fields", async () => {
    const ann = await stream('ann');
    const carl = await stream('carl');
    const b = await admin.post<{ id: string }>('/api/records/deal', {
      title: 'B',
      amount: '20.00',
      phone: '13900001111',
      note: 'secret',
      region: 'north',
    });
    const seenB = await carl.next(about(b.body.id, 'record.create'));
    expect(seenB.data).toMatchObject({ entity: 'deal', record: { id: b.body.id, title: 'B', note: 'secret', region: 'north' } });
    expect((seenB.data as RecordEvent).record).not.toHaveProperty('amount');

    const started = performance.now();
    const a = await as.ann!.post<{ id: string }>('/api/records/deal', { title: 'A', amount: '10.00', region: 'north' });
    const created = performance.now();
    const seenA = await carl.next(about(a.body.id, 'record.create'), 1000);
    expect(seenA.at - created).toBeLessThan(1000);
    expect(seenA.at - started).toBeLessThan(2000);
    await ann.next(about(a.body.id, 'record.create'));
    expect((await as.ann!.patch(`/api/records/deal/${a.body.id}`, { title: 'A2', _version: 1 })).status).toBe(200);
    await ann.next(about(a.body.id, 'record.update'));
    await carl.next(about(a.body.id, 'record.update'));

    // Events go out in order: by now ann would have had B, had she been allowed it.
    expect(records(ann).map((e) => [e.type, e.recordId])).toEqual([
      ['record.create', a.body.id],
      ['record.update', a.body.id],
    ]);
    expect(records(ann).every((e) => !('note' in e.record!) && e.record!.phone === null)).toBe(true);
    expect(records(carl).every((e) => !('amount' in e.record!))).toBe(true);
    expect(JSON.stringify(ann.events)).not.toContain('secret');
  });

  it('sends a delete to who could read the record, with no record', async () => {
    const carl = await stream('carl');
    const ann = await stream('ann');
    const c = await admin.post<{ id: string }>('/api/records/deal', { title: 'C', region: 'north' });
    const d = await as.ann!.post<{ id: string }>('/api/records/deal', { title: 'D', region: 'south' });
    expect((await admin.delete(`/api/records/deal/${c.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/records/deal/${d.body.id}`)).status).toBe(204);
    const deleted = await carl.next(about(c.body.id, 'record.delete'));
    expect(deleted.data).not.toHaveProperty('record');
    await ann.next(about(d.body.id, 'record.delete'));
    expect(records(ann).some((e) => e.recordId === c.body.id)).toBe(false);
    expect(records(carl).some((e) => e.recordId === d.body.id)).toBe(false);
  });

  it('resumes from Last-Event-ID with what was missed, and resets on an unknown id', async () => {
    const carl = await stream('carl');
    const e = await admin.post<{ id: string }>('/api/records/deal', { title: 'E', region: 'north' });
    const last = await carl.next(about(e.body.id));
    carl.close();
    await admin.patch(`/api/records/deal/${e.body.id}`, { title: 'E2', _version: 1 });
    await admin.post('/api/records/deal', { title: 'hidden from carl', region: 'south' });
    const again = await stream('carl', { 'Last-Event-ID': last.id! });
    const replayed = records(again);
    expect(replayed.map((r) => [r.type, r.record?.title])).toEqual([['record.update', 'E2']]);
    expect(again.events.find(about(e.body.id))!.id).toMatch(/^[0-9a-f]{24}$/);

    const lost = await stream('carl', { 'Last-Event-ID': '000000000000000000000000' });
    expect(lost.events.map((x) => x.event)).toEqual(['reset', 'ready']);
  });

  it('tells everyone of a publish, so the UI refetches its metadata', async () => {
    const ann = await stream('ann');
    await admin.put('/api/meta/draft/views/deals', {
      key: 'deals',
      type: 'list',
      entity: 'deal',
      label: { 'zh-CN': '交易', en: 'Deals' },
      columns: [{ field: 'title' }],
    });
    const published = await admin.post<{ version: number }>('/api/meta/publish');
    expect(published.status).toBe(200);
    expect((await ann.next((x) => x.event === 'metadata')).data).toEqual({ version: published.body.version });
  });

  it('needs a signed-in user', async () => {
    const anonymous = await SseClient.open(`${platform.url}/api/events`);
    expect(anonymous.status).toBe(401);
  });
});

describe('shutdown', () => {
  it('ends open streams when the server drains, so it stops without waiting them out', async () => {
    const ann = await stream('ann');
    const started = performance.now();
    stopped = true;
    await platform.stop();
    await ann.closedByServer(1000);
    // The drain timeout is 5 s (startTestPlatform): a stream still open would hold it that long.
    expect(performance.now() - started).toBeLessThan(4000);
  });
});

describe('LiveEvents', () => {
  it('sends heartbeats, bounds the streams of one user, and closes streams when the server drains', async () => {
    const live = new LiveEvents({
      db,
      cache: new MetadataCache(db),
      registries: metadataToolkit(createRegistries()).registries,
      logger: createLogger('silent'),
      heartbeatMs: 30,
      maxPerUser: 2,
    });
    const sinks = [0, 1, 2].map(() => ({
      text: '',
      ended: false,
      write(t: string) {
        this.text += t;
      },
      end() {
        this.ended = true;
      },
    }));
    const user = { kind: 'user' as const, id: '65a1b2c3d4e5f60718293a4b', name: 'u', roles: ['rep'] };
    for (const sink of sinks) await live.subscribe(user, sink);
    expect(sinks.map((s) => s.ended)).toEqual([true, false, false]);
    expect(sinks[0]!.text).toContain('event: closed\ndata: {"reason":"TOO_MANY_STREAMS","max":2}');
    const deadline = Date.now() + 5000;
    while (!sinks[2]!.text.includes(': ping') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sinks[2]!.text).toContain(': ping');
    await live.close();
    expect(sinks.every((s) => s.ended)).toBe(true);
    expect(live.size).toBe(0);
  });

  it('keeps watching for a stream that opens while the last one closes (a page reload)', async () => {
    const live = new LiveEvents({
      db,
      cache: new MetadataCache(db),
      registries: metadataToolkit(createRegistries()).registries,
      logger: createLogger('silent'),
    });
    const sink = () => ({
      text: '',
      ended: false,
      write(t: string) {
        this.text += t;
      },
      end() {
        this.ended = true;
      },
    });
    const adminActor = { kind: 'user' as const, id: '65a1b2c3d4e5f60718293a4c', name: 'a', roles: ['admin'] };
    const [before, after] = [sink(), sink()];
    const endBefore = await live.subscribe(adminActor, before);
    const reloading = live.subscribe(adminActor, after);
    endBefore();
    await reloading;
    // A record and its event as the engine commits them (the platform may be stopped by now).
    const now = new Date();
    const { insertedId } = await db.collection('rec_deal').insertOne({
      title: 'raw',
      _version: 1,
      _createdAt: now,
      _updatedAt: now,
      _createdBy: 'system',
      _updatedBy: 'system',
      _ownerId: 'system',
      _deletedAt: null,
    });
    await db
      .collection('outbox')
      .insertOne({ type: 'record.create', entity: 'deal', recordId: insertedId, version: 1, createdAt: now, sentAt: null });
    const deadline = Date.now() + 5000;
    while (!after.text.includes('event: record') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(after.text).toContain('event: record');
    await live.close();
  });
});
