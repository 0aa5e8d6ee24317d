import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
const auth = () => ({ Authorization: `Bearer ${platform.adminToken}` });

beforeAll(async () => {
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
});
afterAll(async () => {
  await platform?.stop();
});

describe('HTTP skeleton', () => {
  it('answers liveness without touching a dependency', async () => {
    const res = await fetch(`${platform.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness of the database and Redis', async () => {
    const res = await fetch(`${platform.url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.redis?.ok).toBe(true);
  });

  it('gives every answer a request id, keeping a sane incoming one', async () => {
    const own = await fetch(`${platform.url}/healthz`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(own.headers.get('x-request-id')).toBe('abc-123');
    const hostile = await fetch(`${platform.url}/healthz`, { headers: { 'X-Request-Id': 'a b<script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['GET', '/api/does-not-exist', 404, 'ROUTE_NOT_FOUND'],
    ['POST', '/healthz', 405, 'METHOD_NOT_ALLOWED'],
    ['DELETE', '/api/system/status', 405, 'METHOD_NOT_ALLOWED'],
  ])('renders %s %s as %i %s in the one error shape', async (method, path, status, code) => {
    const res = await fetch(`${platform.url}${path}`, { method, headers: auth() });
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('reports system status with queue depths', async () => {
    const res = await fetch(`${platform.url}/api/system/status`, { headers: auth() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { database: { ok: boolean }; queues: Record<string, Record<string, number>> };
    expect(body.database.ok).toBe(true);
    expect(Object.keys(body.queues).sort()).toEqual(['events', 'jobs', 'workflows']);
    expect(body.queues.jobs?.waiting).toBe(0);
  });

  it('exposes Prometheus metrics with request counts by route pattern', async () => {
    await fetch(`${platform.url}/api/system/status`, { headers: auth() });
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    expect(text).toMatch(/metacrm_http_requests_total\{method="GET",route="\/api\/system\/status",status="200"\} [1-9]/);
    expect(text).toContain('metacrm_http_request_duration_seconds_bucket');
    expect(text).toMatch(/metacrm_http_errors_total\{code="ROUTE_NOT_FOUND"\} [1-9]/);
    expect(text).toMatch(/metacrm_queue_jobs\{queue="jobs",state="waiting"\} 0/);
    expect(text).toContain('metacrm_process_cpu_user_seconds_total');
  });
});
