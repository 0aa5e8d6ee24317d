import { defaultLoadLimits, type Config } from '../../server/src/config/config.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { startPlatform, type Platform } from '../../server/src/runtime/platform.js';
import { LEAD } from './lead-bundle.js';
import { leadPatch } from './lead-data.js';
import { pick, release, reserve, type OpContext } from './op-context.js';
import type { RecordOps } from './engine-ops.js';

const BENCH_ADMIN = { email: 'bench-admin@metacrm.test', password: 'bench admin password' };
let sessionToken: string | undefined;

/** The headers every benchmark request carries: the bench admin's session (sessions are not rate-limited; API tokens are). */
export function authHeaders(): Record<string, string> {
  return sessionToken ? { authorization: `Bearer ${sessionToken}` } : {};
}

/**
 * Starts the real platform (API role, no worker) in this process on a free loopback
 * port, over the benchmark's database and Redis, logging nothing below errors.
 */
export async function startBenchPlatform(mongoUrl: string, redisUrl: string, database: string): Promise<Platform & { url: string }> {
  const config: Config = {
    role: 'api',
    host: '127.0.0.1',
    port: 0,
    dataDir: '/nonexistent',
    mongoUrl,
    redisUrl,
    database,
    queuePrefix: database,
    adminEmail: BENCH_ADMIN.email,
    adminPassword: BENCH_ADMIN.password,
    logLevel: 'error',
    shutdownTimeoutMs: 5000,
    credentialCacheMs: 10_000,
    // The embedded server answers one command at a time: behind 8 lists of 100,000
    // records a ping waits seconds, and the default (1 s, two misses) would turn the
    // API away with 503 in the middle of a measurement. Real MongoDB answers in time.
    healthPingTimeoutMs: 60_000,
    // A list of 100,000 records on the embedded server can outrun the 15 s maxTimeMS of production.
    limits: { ...defaultLoadLimits(), queryTimeoutMs: 600_000 },
  };
  const platform = await startPlatform({ config, logger: createLogger(config.logLevel) });
  if (!platform.url) {
    await platform.stop();
    throw new Error('the platform started without an HTTP address');
  }
  const login = await fetch(`${platform.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  if (login.status !== 200) throw new Error(`bench admin sign-in failed: ${login.status} ${await login.text()}`);
  sessionToken = ((await login.json()) as { token: string }).token;
  return platform as Platform & { url: string };
}

/** Sends one request and answers its JSON body; anything but `expect` throws with the answer, so no error is ever measured as a figure. */
async function call(method: string, url: string, expect: number, body?: unknown): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The four operations over HTTP with `fetch` (keep-alive), against the records API:
 * `GET /api/records/lead/{id}`, `GET /api/records/lead?filter=…&sort=-score&limit=50`,
 * `POST /api/records/lead`, `PATCH /api/records/lead/{id}` with `_version`.
 */
export function httpOps(ctx: OpContext, baseUrl: string): RecordOps {
  const { world } = ctx;
  const records = `${baseUrl}/api/records/${LEAD}`;
  const { options } = ctx.list;
  const listUrl = `${records}?filter=${encodeURIComponent(JSON.stringify(options.filter))}&sort=${encodeURIComponent(options.sort ?? '')}&limit=${options.limit ?? 50}`;
  return {
    get: () => call('GET', `${records}/${world.hex[pick(ctx)]}`, 200),
    list: () => call('GET', listUrl, 200),
    create: () => call('POST', records, 201, ctx.creates.take().input),
    patch: async () => {
      const i = reserve(ctx);
      try {
        const { input } = leadPatch(ctx.rng, (ctx.patches.seq += 1));
        const record = await call('PATCH', `${records}/${world.hex[i]}`, 200, { ...input, _version: world.versions[i] });
        world.versions[i] = record._version as number;
      } finally {
        release(ctx, i);
      }
    },
  };
}
