import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../server/src/auth/credential-cache.js';
import type { Authenticated } from '../../server/src/auth/authenticator.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { RedisChannel } from '../../server/src/storage/redis-channel.js';
import { openTestDb, testEnv } from '../helpers/env.js';
import { apiClient, signIn } from '../helpers/http.js';
import { TEST_ADMIN } from '../helpers/platform.js';
import { spawnPlatform, type PlatformProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Two real API processes over one database and one Redis, each holding resolved
 * credentials for a minute (AUTH_CACHE_MS=60000), so that nothing but the Redis
 * message from the process that made a change can make the other one drop what it
 * holds. Each revocation goes through process A and must hold on process B at once.
 */
const env = testEnv(import.meta.url);
let a: PlatformProcess;
let b: PlatformProcess;
let admin: ReturnType<typeof apiClient>;
let userCount = 0;

beforeAll(async () => {
  const { client } = await openTestDb(env); // drops the database: both processes start clean
  await client.close();
  const shared = {
    MONGODB_URL: env.mongoUrl,
    REDIS_URL: env.redisUrl,
    MONGODB_DATABASE: env.dbName,
    QUEUE_PREFIX: env.prefix,
    AUTH_CACHE_MS: '60000',
    LOG_LEVEL: 'warn',
  };
  a = await spawnPlatform('api', shared);
  b = await spawnPlatform('api', shared);
  admin = apiClient(a.url, { token: (await signIn(a.url, TEST_ADMIN.email, TEST_ADMIN.password)).token });
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** A new user signed in through A; `onB` is the same session used against B. */
async function newSignedInUser(roles: string[] = []) {
  userCount += 1;
  const email = `cache.user${userCount}@example.com`;
  const password = 'a long enough password';
  const created = await admin.post<{ id: string }>('/api/users', { email, name: `User ${userCount}`, password, roles });
  expect(created.status).toBe(201);
  const { token } = await signIn(a.url, email, password);
  return { id: created.body.id, token, onA: apiClient(a.url, { token }), onB: apiClient(b.url, { token }) };
}

describe('the credential cache across two API processes', () => {
  it('a sign-out through one process ends the session on the other at once', async () => {
    const user = await newSignedInUser();
    expect((await user.onB.get('/api/auth/me')).status).toBe(200); // B now holds the session
    expect((await user.onA.post('/api/auth/logout')).status).toBe(204);
    expect((await user.onB.get('/api/auth/me')).status).toBe(401);
  });

  it('deactivating a user through one process refuses their session on the other at once', async () => {
    const user = await newSignedInUser();
    expect((await user.onB.get('/api/auth/me')).status).toBe(200);
    expect((await admin.patch(`/api/users/${user.id}`, { active: false })).status).toBe(200);
    expect((await user.onB.get('/api/auth/me')).status).toBe(401);
  });

  it('a role given or taken through one process holds on the other from the next request', async () => {
    const user = await newSignedInUser();
    expect((await user.onB.get('/api/users')).status).toBe(403);
    expect((await admin.patch(`/api/users/${user.id}`, { roles: ['admin'] })).status).toBe(200);
    expect((await user.onB.get('/api/users')).status).toBe(200);
    expect((await admin.patch(`/api/users/${user.id}`, { roles: [] })).status).toBe(200);
    expect((await user.onB.get('/api/users')).status).toBe(403);
  });

  it('an API token revoked through one process is refused by the other at once', async () => {
    const user = await newSignedInUser();
    const created = await user.onA.post<{ id: string; token: string }>('/api/auth/tokens', { name: 'integration' });
    expect(created.status).toBe(201);
    const tokenOnB = apiClient(b.url, { token: created.body.token });
    expect((await tokenOnB.get('/api/auth/me')).status).toBe(200);
    expect((await user.onA.delete(`/api/auth/tokens/${created.body.id}`)).status).toBe(204);
    expect((await tokenOnB.get('/api/auth/me')).status).toBe(401);
  });

  it('a password change through one process ends the other sessions on the other process at once', async () => {
    const user = await newSignedInUser();
    const second = await signIn(b.url, `cache.user${userCount}@example.com`, 'a long enough password');
    const secondOnB = apiClient(b.url, { token: second.token });
    expect((await secondOnB.get('/api/auth/me')).status).toBe(200);
    expect(
      (await user.onA.post('/api/auth/password', { currentPassword: 'a long enough password', newPassword: 'another long password' }))
        .status,
    ).toBe(200);
    expect((await secondOnB.get('/api/auth/me')).status).toBe(401);
    expect((await user.onB.get('/api/auth/me')).status).toBe(200); // the session that changed it stays
  });

  // Last of this block: afterwards the test admin (no 2FA) may only enrol.
  it('requiring 2FA for admins through one process holds on the other at once (the settings are cached too)', async () => {
    const user = await newSignedInUser(['admin']);
    expect((await user.onB.get('/api/users')).status).toBe(200); // B now holds the settings as well
    expect((await admin.patch('/api/settings/security', { requireTwoFactorForAdmins: true })).status).toBe(200);
    const refused = await user.onB.get<{ error: { code: string } }>('/api/users');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'TWO_FACTOR_SETUP_REQUIRED']);
  });
});

describe('the credential cache while its channel is down', () => {
  const logger = createLogger('silent');
  let publisher: Redis;
  let subscriber: Redis;

  beforeAll(() => {
    publisher = new Redis(env.redisUrl);
    subscriber = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(() => {
    publisher.disconnect();
    subscriber.disconnect();
  });

  const credential = (userId: string) => ({ via: 'token', user: { _id: userId } }) as unknown as Authenticated;

  it('holds nothing until subscribed, nothing while cut off, and starts empty when the link is back', async () => {
    const channel = new RedisChannel(publisher, subscriber, `${env.prefix}:credentials-unit`, logger);
    const cache = new CredentialCache({ ttlMs: 60_000, maxEntries: 100 }, channel);
    cache.set('k1', credential('u1'), cache.ticket());
    expect(cache.get('k1')).toBeUndefined(); // not subscribed yet: it cannot hear of changes

    await channel.start();
    cache.set('k1', credential('u1'), cache.ticket());
    expect(cache.get('k1')?.user._id).toBe('u1');

    // Cut off from Redis: a change published now would never arrive, so nothing is trusted.
    subscriber.disconnect();
    await waitFor('the channel to notice', async () => (channel.live ? undefined : true));
    expect(cache.get('k1')).toBeUndefined();
    cache.set('k2', credential('u2'), cache.ticket());
    expect(cache.get('k2')).toBeUndefined();

    await subscriber.connect();
    await waitFor('the channel to come back', async () => (channel.live ? true : undefined));
    expect(cache.size).toBe(0);
    cache.set('k3', credential('u3'), cache.ticket());
    expect(cache.get('k3')?.user._id).toBe('u3');
  });

  it('drops a user in another process by message, and keeps no read that overlapped a change', async () => {
    const name = `${env.prefix}:credentials-unit2`;
    const otherSubscriber = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
    try {
      const mine = new CredentialCache({ ttlMs: 60_000, maxEntries: 100 }, new RedisChannel(publisher, subscriber, name, logger));
      const theirsChannel = new RedisChannel(publisher, otherSubscriber, name, logger);
      const theirs = new CredentialCache({ ttlMs: 60_000, maxEntries: 100 }, theirsChannel);
      await theirsChannel.start();
      theirs.set('k', credential('u1'), theirs.ticket());
      theirs.set('other', credential('u2'), theirs.ticket());
      await mine.changed('u1');
      await waitFor('the message to arrive', async () => (theirs.get('k') === undefined ? true : undefined));
      expect(theirs.get('other')?.user._id).toBe('u2');

      // A read that began before a change ends after it: what it read may be stale.
      const ticket = theirs.ticket();
      await theirs.changed('u9');
      theirs.set('late', credential('u1'), ticket);
      expect(theirs.get('late')).toBeUndefined();
    } finally {
      otherSubscriber.disconnect();
    }
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const channel = new RedisChannel(
      publisher,
      new Redis(env.redisUrl, { maxRetriesPerRequest: null }),
      `${env.prefix}:credentials-unit3`,
      logger,
    );
    await channel.start();
    const cache = new CredentialCache({ ttlMs: 60_000, maxEntries: 2 }, channel);
    cache.set('a', credential('u1'), cache.ticket());
    cache.set('b', credential('u2'), cache.ticket());
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    cache.set('c', credential('u3'), cache.ticket());
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    const expired = new CredentialCache({ ttlMs: 1000, maxEntries: 2 }, channel);
    expired.set('x', credential('u1'), expired.ticket(), 0);
    expect(expired.get('x', 999)).toBeDefined();
    expect(expired.get('x', 1000)).toBeUndefined();
  });
});
