import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: NodeJS.ProcessEnv, role: 'all' | 'api' | 'worker' = 'all'): string[] {
  try {
    loadConfig(env, role, '/srv/metacrm');
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => p.variable);
  }
}

describe('loadConfig', () => {
  it('gives working defaults for npm start with nothing set', () => {
    const config = loadConfig({}, 'all', '/srv/metacrm');
    expect(config).toMatchObject({
      port: 3000,
      dataDir: '/srv/metacrm/data',
      mongoUrl: undefined,
      redisUrl: undefined,
      database: 'metacrm',
      queuePrefix: 'metacrm',
      logLevel: 'info',
      scheduleTickMs: 10_000,
      slowCommandMs: undefined,
      credentialCacheMs: 10_000,
      embeddedDb: undefined,
      standardApp: 'crm',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATA_DIR: 'var/crm',
        MONGODB_URL: 'mongodb://db1,db2/?replicaSet=rs0',
        REDIS_URL: 'rediss://:secret@cache:6380/2',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'correct horse battery',
        LOG_LEVEL: 'debug',
        HEALTH_PING_TIMEOUT_MS: '5000',
        TRUST_PROXY: '2',
        SCHEDULE_TICK_MS: '2000',
        WORKER_LEASE_MS: '5000',
        DB_SLOW_MS: '250',
        AUTH_CACHE_MS: '0',
        EMBEDDED_DB: 'python',
        STANDARD_APP: 'none',
      },
      'api',
      '/srv/metacrm',
    );
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/srv/metacrm/var/crm',
      mongoUrl: 'mongodb://db1,db2/?replicaSet=rs0',
      redisUrl: 'rediss://:secret@cache:6380/2',
      adminEmail: 'admin@example.com',
      logLevel: 'debug',
      healthPingTimeoutMs: 5000,
      trustProxy: 2,
      scheduleTickMs: 2000,
      workerLeaseMs: 5000,
      slowCommandMs: 250,
      credentialCacheMs: 0,
      embeddedDb: 'python',
      standardApp: 'none',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'all', ['PORT']],
    [{ PORT: '70000' }, 'all', ['PORT']],
    [{ PORT: '-1' }, 'all', ['PORT']],
    [{ MONGODB_URL: 'postgres://x' }, 'all', ['MONGODB_URL']],
    [{ REDIS_URL: 'http://x' }, 'all', ['REDIS_URL']],
    [{ LOG_LEVEL: 'loud' }, 'all', ['LOG_LEVEL']],
    [{ HEALTH_PING_TIMEOUT_MS: '10' }, 'all', ['HEALTH_PING_TIMEOUT_MS']],
    [{ TRUST_PROXY: 'yes' }, 'all', ['TRUST_PROXY']],
    [{ SCHEDULE_TICK_MS: '500' }, 'all', ['SCHEDULE_TICK_MS']],
    [{ WORKER_LEASE_MS: '500' }, 'all', ['WORKER_LEASE_MS']],
    [{ DB_SLOW_MS: '0' }, 'all', ['DB_SLOW_MS']],
    [{ EMBEDDED_DB: 'mongod' }, 'all', ['EMBEDDED_DB']],
    [{ STANDARD_APP: 'erp' }, 'all', ['STANDARD_APP']],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long enough pw' }, 'all', ['ADMIN_EMAIL']],
    [{ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }, 'all', ['ADMIN_PASSWORD']],
    [{ ADMIN_EMAIL: 'a@b.co' }, 'all', ['ADMIN_PASSWORD']],
    [{ MONGODB_DATABASE: 'bad name!' }, 'all', ['MONGODB_DATABASE']],
    [{}, 'api', ['MONGODB_URL', 'REDIS_URL']],
    [{ MONGODB_URL: 'mongodb://db' }, 'worker', ['REDIS_URL']],
    [{ PORT: 'x', LOG_LEVEL: 'y' }, 'all', ['PORT', 'LOG_LEVEL']],
    [{ OUTBOUND_ALLOWLIST: 'http://hooks.internal' }, 'all', ['OUTBOUND_ALLOWLIST']],
    [{ OUTBOUND_ALLOWLIST: 'ok.internal,10.0.0.1:99999' }, 'all', ['OUTBOUND_ALLOWLIST']],
    [{ SMTP_URL: 'http://mail', MAIL_FROM: 'a@b.co' }, 'all', ['SMTP_URL']],
    [{ SMTP_URL: 'smtp://mail:25', MAIL_FROM: 'nobody' }, 'all', ['MAIL_FROM']],
    [{ SMTP_URL: 'smtp://mail:25' }, 'all', ['MAIL_FROM']],
    [{ MAIL_FROM: 'a@b.co' }, 'all', ['SMTP_URL']],
    [{ USER_MAX_IN_FLIGHT: '0' }, 'all', ['USER_MAX_IN_FLIGHT']],
    [{ API_MAX_IN_FLIGHT: 'many' }, 'all', ['API_MAX_IN_FLIGHT']],
    [{ DB_QUERY_TIMEOUT_MS: '50' }, 'all', ['DB_QUERY_TIMEOUT_MS']],
    [{ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, 'all', ['HTTP_HEADERS_TIMEOUT_MS']],
    [{ HTTP_MAX_ANON_CONNECTIONS_PER_ADDRESS: '-5' }, 'all', ['HTTP_MAX_ANON_CONNECTIONS_PER_ADDRESS']],
  ] as const)('refuses %j for role %s, naming %j', (env, role, variables) => {
    expect(problemsOf(env, role)).toEqual(variables);
  });

  it('reads the outbound allowlist and the SMTP settings', () => {
    const config = loadConfig(
      {
        OUTBOUND_ALLOWLIST: 'hooks.internal, 10.0.0.5:8443,[fd00::1]:80',
        SMTP_URL: 'smtp://crm:pw@mail.internal:587',
        MAIL_FROM: 'metacrm <crm@example.com>',
      },
      'all',
      '/srv/metacrm',
    );
    expect(config.outboundAllowlist).toEqual([
      { host: 'hooks.internal', port: null },
      { host: '10.0.0.5', port: 8443 },
      { host: 'fd00::1', port: 80 },
    ]);
    expect(config.mail).toEqual({ smtpUrl: 'smtp://crm:pw@mail.internal:587', from: 'metacrm <crm@example.com>' });
    expect(loadConfig({}, 'all')).toMatchObject({ outboundAllowlist: [], mail: undefined });
  });

  it('reads the limits under load, with defaults, and no per-address cap behind proxies unless set', () => {
    expect(loadConfig({}, 'all').limits).toEqual({
      maxInFlight: 32,
      maxQueued: 64,
      queueTimeoutMs: 2000,
      perUser: 16,
      perToken: 8,
      queryTimeoutMs: 15_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      bodyTimeoutMs: 10_000,
      maxAnonymousConnectionsPerAddress: 128,
    });
    expect(loadConfig({ TRUST_PROXY: '1' }, 'all').limits?.maxAnonymousConnectionsPerAddress).toBe(0);
    expect(
      loadConfig({ TRUST_PROXY: '1', HTTP_MAX_ANON_CONNECTIONS_PER_ADDRESS: '500' }, 'all').limits?.maxAnonymousConnectionsPerAddress,
    ).toBe(500);
    const limits = loadConfig(
      {
        API_MAX_IN_FLIGHT: '100',
        API_MAX_QUEUED: '0',
        API_QUEUE_TIMEOUT_MS: '500',
        USER_MAX_IN_FLIGHT: '4',
        TOKEN_MAX_IN_FLIGHT: '2',
        DB_QUERY_TIMEOUT_MS: '60000',
        HTTP_HEADERS_TIMEOUT_MS: '5000',
        HTTP_REQUEST_TIMEOUT_MS: '120000',
        HTTP_BODY_TIMEOUT_MS: '20000',
      },
      'all',
    ).limits;
    expect(limits).toMatchObject({
      maxInFlight: 100,
      maxQueued: 0,
      queueTimeoutMs: 500,
      perUser: 4,
      perToken: 2,
      queryTimeoutMs: 60_000,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 120_000,
      bodyTimeoutMs: 20_000,
    });
  });

  it('says what is wrong in the message', () => {
    expect(() => loadConfig({ PORT: 'abc' }, 'all')).toThrow(/PORT: must be a whole number from 1 to 65535 \(got "abc"\)/);
  });
});
