import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_THROTTLE } from '../../server/src/auth/login-throttle.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { timed } from '../helpers/wait.js';

// Brute-force protection of sign-in and per-token rate limits, kept in the real Redis.
// Addresses come from X-Forwarded-For, which this API trusts (TRUST_PROXY=1: one proxy in front).

const env = testEnv(import.meta.url);
const redis = await openTestRedis(env);
const THROTTLE = {
  delayAfter: 2,
  addressDelayAfter: 4,
  blockAfter: 5,
  addressBlockAfter: 9,
  windowSeconds: 120,
  baseDelayMs: 200,
  maxDelayMs: 800,
};
let platform: TestPlatform;
let admin: ApiClient;

interface ErrorAnswer {
  error: { code: string; message: string; details?: unknown };
}

beforeAll(async () => {
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    loginThrottle: THROTTLE,
    config: { trustProxy: 1 },
  });
  admin = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

const PASSWORD = 'the right password';
let serial = 0;
async function newUser(): Promise<string> {
  const email = `bf${++serial}@example.com`;
  expect((await admin.post('/api/users', { email, name: email, password: PASSWORD })).status).toBe(201);
  return email;
}

async function attempt(
  email: string,
  password: string,
  address: string,
  url = platform.url,
): Promise<{ status: number; body: ErrorAnswer & { token?: string }; retryAfter: string | null; ms: number }> {
  const { value: res, ms } = await timed(() =>
    apiClient(url).post<ErrorAnswer & { token?: string }>('/api/auth/login', { email, password }, { 'X-Forwarded-For': address }),
  );
  return { status: res.status, body: res.body, retryAfter: res.headers.get('retry-after'), ms };
}

describe('sign-in brute force', () => {
  it('slows an account down, then refuses the address, while the right password from another address still works', async () => {
    const email = await newUser();
    const attacker = '203.0.113.7';
    const results = [];
    for (let i = 0; i < THROTTLE.blockAfter; i++) results.push(await attempt(email, `guess number ${i}`, attacker));
    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    // Failures 3, 4 and 5 each waited first: 200, 400 and 800 ms.
    expect(results[2]!.ms).toBeGreaterThanOrEqual(200);
    expect(results[3]!.ms).toBeGreaterThanOrEqual(400);
    expect(results[4]!.ms).toBeGreaterThanOrEqual(800);
    expect(results[4]!.ms).toBeGreaterThan(results[0]!.ms);

    // Refused now, even with the right password, and with a time to wait.
    for (const password of ['yet another guess', PASSWORD]) {
      const refused = await attempt(email, password, attacker);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('LOGIN_THROTTLED');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(THROTTLE.windowSeconds);
    }

    // The owner, from elsewhere, gets in (slowed down by the account's failures).
    const owner = await attempt(email, PASSWORD, '198.51.100.20');
    expect(owner.status).toBe(200);
    expect(owner.body.token).toMatch(/^mcs_/);
    expect(owner.ms).toBeGreaterThanOrEqual(800);
    // Their success clears the account's count, not the attacker's address.
    expect((await attempt(email, PASSWORD, '198.51.100.20')).ms).toBeLessThan(owner.ms);
    expect((await attempt(email, PASSWORD, attacker)).status).toBe(429);

    // Every counter expires by itself.
    const keys = await redis.keys(`${env.prefix}:login:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(THROTTLE.windowSeconds);
    }
  });

  it('refuses an address that sprays many accounts, without locking those accounts', async () => {
    const sprayer = '192.0.2.99';
    const victims = await Promise.all(Array.from({ length: THROTTLE.addressBlockAfter }, () => newUser()));
    for (const email of victims) expect((await attempt(email, 'Spring2026!', sprayer)).status).toBe(401);
    const fresh = await newUser();
    const refused = await attempt(fresh, PASSWORD, sprayer);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('LOGIN_THROTTLED');
    expect((await attempt(victims[0]!, PASSWORD, '192.0.2.100')).status).toBe(200);
  });
});

describe('parallel guesses', () => {
  // The production limits (10 per account at an address, 50 per address), shorter waits.
  const LIMITS = { ...DEFAULT_LOGIN_THROTTLE, baseDelayMs: 20, maxDelayMs: 100 };
  let limited: TestPlatform;
  beforeAll(async () => {
    limited = await startTestPlatform({
      mongoUrl: env.mongoUrl,
      redisUrl: env.redisUrl,
      database: env.dbName,
      queuePrefix: env.prefix,
      loginThrottle: LIMITS,
      config: { trustProxy: 1 },
    });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  /** Sends every attempt at once (each on its own connection), the right password last. */
  async function burst(attempts: { email: string; password: string }[], address: string): Promise<number[]> {
    return await Promise.all(
      attempts.map(
        async ({ email, password }) =>
          (await apiClient(limited.url).post('/api/auth/login', { email, password }, { 'X-Forwarded-For': address })).status,
      ),
    );
  }

  it('checks at most 10 of 200 parallel guesses on one account; the rest, the right password last, get 429', async () => {
    const email = await newUser();
    const statuses = await burst(
      [...Array.from({ length: 199 }, (_, i) => ({ email, password: `parallel guess ${i}` })), { email, password: PASSWORD }],
      '203.0.113.50',
    );
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.length).toBeLessThanOrEqual(LIMITS.blockAfter);
    expect(checked.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - checked.length);
    expect(statuses.at(-1)).toBe(429);
    // The owner, from elsewhere, still gets in.
    expect((await attempt(email, PASSWORD, '198.51.100.77', limited.url)).status).toBe(200);
  });

  it('checks at most 50 of 200 parallel guesses from one address over many accounts', async () => {
    const victim = await newUser();
    const statuses = await burst(
      [
        ...Array.from({ length: 199 }, (_, i) => ({ email: `sprayed${i}@example.com`, password: 'Winter2026!' })),
        { email: victim, password: PASSWORD },
      ],
      '203.0.113.51',
    );
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.length).toBeLessThanOrEqual(LIMITS.addressBlockAfter);
    expect(checked.length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(429);
  });

  it('gives back the address count of a right password', async () => {
    const email = await newUser();
    const address = '203.0.113.52';
    for (let i = 0; i < 3; i++) expect((await attempt(email, PASSWORD, address, limited.url)).status).toBe(200);
    // Three successes left no count behind: ten wrong guesses are still checked, the eleventh refused.
    const statuses = [];
    for (let i = 0; i <= LIMITS.blockAfter; i++) statuses.push((await attempt(email, `wrong ${i}`, address, limited.url)).status);
    expect(statuses).toEqual([...Array(LIMITS.blockAfter).fill(401), 429]);
  });
});

describe('without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For, so rotating it does not spread failures over addresses', async () => {
    const direct = await startTestPlatform({
      mongoUrl: env.mongoUrl,
      redisUrl: env.redisUrl,
      database: env.dbName,
      queuePrefix: env.prefix,
      loginThrottle: THROTTLE,
    });
    try {
      const email = await newUser();
      const answers: number[] = [];
      for (let i = 0; i <= THROTTLE.blockAfter; i++) {
        const res = await apiClient(direct.url).post<ErrorAnswer>(
          '/api/auth/login',
          { email, password: 'wrong guess' },
          { 'X-Forwarded-For': `198.51.100.${i}` },
        );
        answers.push(res.status);
      }
      // Every attempt came from the one loopback address: the account at that address is refused.
      expect(answers.slice(0, THROTTLE.blockAfter)).toEqual(Array(THROTTLE.blockAfter).fill(401));
      expect(answers.at(-1)).toBe(429);
    } finally {
      await direct.stop();
    }
  });
});

describe('API token rate limit', () => {
  it("answers 429 RATE_LIMITED with Retry-After past the token's requests per minute", async () => {
    // Four requests must fall in one minute window.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
    const created = await admin.post<{ token: string }>('/api/auth/tokens', { name: 'limited', rateLimitPerMinute: 3 });
    const api = apiClient(platform.url, { token: created.body.token });
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.get('/api/system/status');
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api.get<ErrorAnswer>('/api/system/status');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 3 } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another token of the same user has its own budget; the session has none.
    const other = await admin.post<{ token: string }>('/api/auth/tokens', { name: 'other' });
    expect((await apiClient(platform.url, { token: other.body.token }).get('/api/system/status')).status).toBe(200);
    expect((await admin.get('/api/system/status')).status).toBe(200);
  });
});
