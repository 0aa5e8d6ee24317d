import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * Keep-alive (issue #19): a client that holds its connection sends every request on
 * it, answers of every kind included (a body read, a refusal, a JSON error, a write):
 * benchmarks and integrations hold connections, and a server that closed them would pay
 * a new TCP connection per request.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
});
afterAll(async () => {
  await platform?.stop();
});

/** Sends one request through `agent`; answers its status, whether the socket was reused, and its Connection header. */
function send(
  agent: http.Agent,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; reused: boolean; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      authorization: `Bearer ${platform.adminToken}`,
      ...(payload ? { 'content-type': 'application/json' } : {}),
    };
    const req = http.request(`${platform.url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('keep-alive', () => {
  it('serves a run of requests of every kind on one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const created = new Set<unknown>();
    try {
      const requests: [string, string, unknown?][] = [
        ['GET', '/api/auth/me'],
        ['GET', '/api/me/metadata'],
        ['GET', '/api/records/nothing_here'],
        ['PUT', '/api/meta/draft/entities/x', { not: 'valid' }],
        ['POST', '/api/records/nothing_here', { a: 1 }],
        ['GET', '/healthz'],
        ['GET', '/api/auth/me'],
      ];
      const answers = [];
      for (const [method, path, body] of requests) {
        answers.push(await send(agent, method, path, body));
        for (const sockets of Object.values(agent.sockets)) for (const s of sockets ?? []) created.add(s);
        for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) created.add(s);
      }
      expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 422, 404, 200, 200]);
      expect(answers.map((a) => a.connection)).toEqual(requests.map(() => 'keep-alive'));
      expect(answers.slice(1).every((a) => a.reused)).toBe(true);
      expect(created.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
