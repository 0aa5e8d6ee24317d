import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../server/src/http/context.js';
import { errorHandler } from '../../server/src/http/error-handler.middleware.js';
import { jsonBody } from '../../server/src/http/json-body.js';
import { loadShedding } from '../../server/src/http/load-shedding.middleware.js';
import { requestContext } from '../../server/src/http/request-context.middleware.js';
import { InFlightCounters, WorkGate } from '../../server/src/http/work-gate.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { createMetrics } from '../../server/src/observability/metrics.js';
import { OutageLog } from '../../server/src/observability/outage-log.js';
import { guardDb } from '../../server/src/storage/guarded-db.js';
import { testEnv } from '../helpers/env.js';
import { rawRequest, slowBody } from '../security/load-client.js';

// The load-shedding middleware with the guarded handle on a real database: a request
// whose client hung up sends no further read, and an API token's requests in flight are capped.
const env = testEnv(import.meta.url);
let client: MongoClient;
let server: http.Server;
let url: string;
const started: CommandStartedEvent[] = [];
/** What the route tells the test: it has begun, its client's connection closed, how its read ended. */
let entered: () => void = () => undefined;
let hungUp: () => void = () => undefined;
let finished: (outcome: string) => void = () => undefined;
let release: () => void = () => undefined;

beforeAll(async () => {
  client = new MongoClient(env.mongoUrl, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  client.on('commandStarted', (event) => started.push(event));
  const db = guardDb(client.db(env.dbName), { maxTimeMS: 10_000 });
  const app = new Koa<AppState>();
  app.use(requestContext(createLogger('silent')));
  app.use(errorHandler(createMetrics(), new OutageLog(createLogger('silent'))));
  app.use(
    loadShedding({
      gate: new WorkGate({ maxInFlight: 4, maxQueued: 4, queueTimeoutMs: 5000 }),
      counters: new InFlightCounters(),
      limits: { perUser: 4, perToken: 1, bodyTimeoutMs: 500 },
    }),
  );
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/echo') return await next();
    ctx.body = { echo: await jsonBody(ctx) };
  });
  app.use(async (ctx) => {
    // Waits for the test, then reads: as a route does after its first command.
    const gate = new Promise<void>((resolve) => (release = resolve));
    ctx.res.once('close', () => hungUp());
    entered();
    await gate;
    const outcome = await db
      .collection('probe')
      .findOne({ n: 1 })
      .then(
        () => 'read',
        (err: { code?: string }) => err.code ?? 'error',
      );
    finished(outcome);
    ctx.body = { ok: true };
  });
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await client?.close();
});

describe('load shedding', () => {
  it('sends no further read for a request whose client hung up', async () => {
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gone = new Promise<void>((resolve) => (hungUp = resolve));
    const outcome = new Promise<string>((resolve) => (finished = resolve));
    const req = http.request(`${url}/api/records/deal`, { headers: { Authorization: 'Bearer mcs_someone' } });
    req.on('error', () => undefined);
    req.end();
    await inside;
    req.destroy();
    await gone;
    started.length = 0;
    release();
    expect(await outcome).toBe('CLIENT_CLOSED_REQUEST');
    expect(started.filter((e) => e.databaseName === env.dbName)).toEqual([]);
  });

  it('reads for a client that stays, and caps an API token at its requests in flight', async () => {
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const outcome = new Promise<string>((resolve) => (finished = resolve));
    const first = rawRequest(url, { path: '/api/records/deal', headers: { Authorization: 'Bearer mct_integration' } });
    await inside;
    const second = await rawRequest(url, { path: '/api/records/deal', headers: { Authorization: 'Bearer mct_integration' } });
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBe('1');
    expect(JSON.parse(second.body)).toMatchObject({ error: { code: 'TOO_MANY_IN_FLIGHT', details: { limit: 1 } } });
    release();
    expect((await first).status).toBe(200);
    expect(await outcome).toBe('read');
  });

  it('closes a connection whose body, once read, does not arrive within the body timeout', async () => {
    expect(await rawRequest(url, { path: '/api/echo', body: { a: 1 } })).toMatchObject({ status: 200, body: '{"echo":{"a":1}}' });
    const slow = slowBody(Number(new URL(url).port), '127.0.0.1', '/api/echo', 1000, 100);
    const { ms } = await slow.closed;
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(5000);
  });
});
