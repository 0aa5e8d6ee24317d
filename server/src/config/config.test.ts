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
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'all', ['PORT']],
    [{ PORT: '70000' }, 'all', ['PORT']],
    [{ PORT: '-1' }, 'all', ['PORT']],
    [{ MONGODB_URL: 'postgres://x' }, 'all', ['MONGODB_URL']],
    [{ REDIS_URL: 'http://x' }, 'all', ['REDIS_URL']],
    [{ LOG_LEVEL: 'loud' }, 'all', ['LOG_LEVEL']],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long enough pw' }, 'all', ['ADMIN_EMAIL']],
    [{ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }, 'all', ['ADMIN_PASSWORD']],
    [{ ADMIN_EMAIL: 'a@b.co' }, 'all', ['ADMIN_PASSWORD']],
    [{ MONGODB_DATABASE: 'bad name!' }, 'all', ['MONGODB_DATABASE']],
    [{}, 'api', ['MONGODB_URL', 'REDIS_URL']],
    [{ MONGODB_URL: 'mongodb://db' }, 'worker', ['REDIS_URL']],
    [{ PORT: 'x', LOG_LEVEL: 'y' }, 'all', ['PORT', 'LOG_LEVEL']],
  ] as const)('refuses %j for role %s, naming %j', (env, role, variables) => {
    expect(problemsOf(env, role)).toEqual(variables);
  });

  it('says what is wrong in the message', () => {
    expect(() => loadConfig({ PORT: 'abc' }, 'all')).toThrow(/PORT: must be a whole number from 1 to 65535 \(got "abc"\)/);
  });
});
