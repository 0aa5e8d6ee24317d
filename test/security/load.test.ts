import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLoadLimits } from '../../server/src/config/config.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { countStatuses, percentile, rawRequest, slowBody, type RawAnswer } from './load-client.js';

// A load test that needs no outside tool, on loopback only (issue #14): one user's burst
// while another user works, slow request bodies, and parallel sign-in guesses. Each
// actor sends from a loopback address of its own (127.0.0.x), as the server sees them
// apart. The production limits, except shorter HTTP timeouts so the test stays short.

const env = testEnv(import.meta.url);
const LIMITS = { ...defaultLoadLimits(), headersTimeoutMs: 2000, requestTimeoutMs: 3000 };
const REP = { email: 'rep@example.com', password: 'rep password 123' };
let platform: TestPlatform;
let admin: ApiClient;
let repToken: string;
let port: number;

beforeAll(async () => {
  await openTestRedis(env);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    config: { limits: LIMITS },
  });
  port = Number(new URL(platform.url).port);
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await admin.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  const operations = Array.from({ length: 60 }, (_, i) => ({
    op: 'create',
    data: { title: `Deal ${i}`, amount: `${1000 + i}.00`, probability: i % 100 },
  }));
  expect((await admin.post('/api/records/opportunity/bulk', { operations })).status).toBe(200);
  expect((await admin.post('/api/users', { ...REP, name: 'Rep', roles: ['admin'] })).status).toBe(201);
  repToken = (await signIn(platform.url, REP.email, REP.password)).token;
});
afterAll(async () => {
  await platform?.stop();
});

/** Prints one figure line of the load test (vitest shows it under the test). */
function report(line: string): void {
  process.stdout.write(`[load] ${line}\n`);
}

/** Polls `path` from 127.0.0.1 every `everyMs` until `until` settles; every answer kept. */
async function pollWhile(path: string, until: Promise<unknown>, everyMs = 100, agent?: http.Agent): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    answers.push(await rawRequest(platform.url, { path, agent }));
    if (!done) await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return answers;
}

describe('under load', () => {
  it("keeps serving another user and /readyz through one user's burst of 1,000 lists", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
    // The probe and the other user keep a connection open from before the burst: what is
    // measured is the server, not how soon this busy process accepts a new connection.
    const probe = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const rep = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const repList = {
      path: '/api/records/opportunity?limit=5',
      headers: { Authorization: `Bearer ${repToken}` },
      agent: rep,
      localAddress: '127.0.0.3',
    };
    expect((await rawRequest(platform.url, { path: '/readyz', agent: probe })).status).toBe(200);
    expect((await rawRequest(platform.url, repList)).status).toBe(200);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const started = performance.now();
    let firstAnswer!: () => void;
    const underWay = new Promise<void>((resolve) => (firstAnswer = resolve));
    const burst = Promise.all(
      Array.from({ length: 1000 }, async () => {
        const answer = await rawRequest(platform.url, {
          path: '/api/records/opportunity?limit=20',
          headers: { Authorization: `Bearer ${platform.adminToken}` },
          agent,
          localAddress: '127.0.0.2',
        });
        firstAnswer();
        return answer;
      }),
    );
    await underWay;
    const ready = pollWhile('/readyz', burst, 200, probe);
    const other = await rawRequest(platform.url, repList);
    const answers = await burst;
    const readies = await ready;
    for (const a of [agent, probe, rep]) a.destroy();
    lag.disable();
    const load = readies.map((r) => (JSON.parse(r.body) as { load?: { inFlight: number; queued: number } }).load);
    report(
      `burst: 1000 lists from one user over 100 connections in ${Math.round(performance.now() - started)} ms: ${JSON.stringify(countStatuses(answers))} (p50 ${percentile(answers, 50)} ms, p99 ${percentile(answers, 99)} ms); ` +
        `the other user's GET: ${other.status} in ${Math.round(other.ms)} ms; /readyz: ${JSON.stringify(countStatuses(readies))} over ${readies.length} probes (p99 ${percentile(readies, 99)} ms, most in flight ${Math.max(...load.map((l) => l?.inFlight ?? 0))}); ` +
        `this process's event loop (server and clients both) lagged up to ${Math.round(lag.max / 1e6)} ms (p99 ${Math.round(lag.percentile(99) / 1e6)} ms)`,
    );

    expect(other.status).toBe(200);
    expect(readies.length).toBeGreaterThan(0);
    expect(readies.every((r) => r.status === 200)).toBe(true);
    // The burst's excess is turned away at once with 429 and Retry-After; nothing failed.
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.retryAfter === '1' && a.body.includes('TOO_MANY_IN_FLIGHT'))).toBe(true);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(LIMITS.perUser);
  });

  it('closes slow request bodies, caps them per address, and /healthz answers throughout', async () => {
    const sockets = Array.from({ length: 300 }, () => slowBody(port, '127.0.0.4', '/api/auth/login', 1000, 200));
    const started = performance.now();
    const allClosed = Promise.all(sockets.map((s) => s.closed));
    const health = pollWhile('/healthz', allClosed, 100);
    // Once the server has turned the first away, a signed-in user from elsewhere is served meanwhile.
    await Promise.race(sockets.map((s) => s.closed));
    const other = await rawRequest(platform.url, {
      path: '/api/records/opportunity?limit=5',
      headers: { Authorization: `Bearer ${repToken}` },
      localAddress: '127.0.0.3',
    });
    const stillOpen = (await Promise.all(sockets.map((s) => Promise.race([s.closed.then(() => 0), Promise.resolve(1)])))).reduce(
      (a, b) => a + b,
      0,
    );
    const closed = await allClosed;
    const probes = await health;
    const refused = closed.filter((c) => c.answer === '');
    const timedOut = closed.filter((c) => c.answer.startsWith('HTTP/1.1 408'));
    report(
      `slow bodies: 300 connections from one address: ${refused.length} closed unanswered (over the cap), ${timedOut.length} answered 408 and closed; all gone after ${Math.round(performance.now() - started)} ms (longest ${Math.round(Math.max(...closed.map((c) => c.ms)))} ms); ` +
        `meanwhile another user's list: ${other.status} in ${Math.round(other.ms)} ms with ${stillOpen} slow connections open; ` +
        `/healthz ${JSON.stringify(countStatuses(probes))} over ${probes.length} probes (p99 ${percentile(probes, 99)} ms)`,
    );

    // Over the cap, connections were closed unanswered; the rest got 408 at the request
    // timeout. (How many of each depends on how fast the server accepted them: one that
    // timed out frees its place for a later one.)
    expect(refused.length).toBeGreaterThan(0);
    expect(timedOut.length).toBeLessThan(300);
    expect(refused.length + timedOut.length).toBe(300);
    // Closed by the request timeout (checked every second), never held for minutes (Node's default was 5).
    expect(Math.max(...closed.map((c) => c.ms))).toBeLessThan(LIMITS.requestTimeoutMs + 25_000);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(other.status).toBe(200);
    expect(stillOpen).toBeGreaterThan(0);
  });

  it('checks at most 10 of 200 parallel sign-in guesses on one account, the right password last', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
    const started = performance.now();
    const guesses = Array.from({ length: 200 }, (_, i) => (i === 199 ? REP.password : `guess ${i}`));
    const answers = await Promise.all(
      guesses.map((password) =>
        rawRequest(platform.url, { path: '/api/auth/login', body: { email: REP.email, password }, agent, localAddress: '127.0.0.5' }),
      ),
    );
    agent.destroy();
    const statuses = countStatuses(answers);
    report(
      `sign-in guesses: 200 over 100 connections from one address in ${Math.round(performance.now() - started)} ms: ${JSON.stringify(statuses)}`,
    );

    expect(answers.filter((a) => a.status !== 429).length).toBeLessThanOrEqual(10);
    expect(answers.at(-1)!.status).toBe(429);
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
  });
});
