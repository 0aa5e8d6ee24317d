import { defaultLoadLimits, type Config, type Role } from '../../server/src/config/config.js';
import type { LoginThrottleOptions } from '../../server/src/auth/login-throttle.js';
import type { SessionLimits } from '../../server/src/auth/sessions.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { startPlatform, type Platform } from '../../server/src/runtime/platform.js';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import type { JobHandlers } from '../../server/src/queues/jobs.js';
import { signIn } from './http.js';

/** The first administrator every test platform creates (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const TEST_ADMIN = { email: 'admin@metacrm.test', password: 'test-admin-password' } as const;

export interface TestPlatformOptions {
  role?: Role;
  mongoUrl: string;
  redisUrl: string;
  database: string;
  queuePrefix: string;
  handlers?: JobHandlers;
  plugins?: MetacrmPlugin[];
  dataDir?: string;
  /** First admin; TEST_ADMIN unless given. */
  admin?: { email: string; password: string } | undefined;
  loginThrottle?: LoginThrottleOptions;
  sessionLimits?: SessionLimits;
  logger?: ReturnType<typeof createLogger>;
  /** Settings beyond the connection ones, such as outboundAllowlist or mail. */
  config?: Partial<Config>;
}

export type TestPlatform = Platform & {
  url: string;
  /** The first admin, signed in: `apiClient(platform.url, { token: platform.adminToken })`. */
  admin: { email: string; password: string; id: string };
  adminToken: string;
};

/**
 * Starts the real platform in this process on a free port, logging only errors, with
 * a first admin, and signs that admin in (an API platform only; a worker has no API).
 */
export async function startTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  const admin = options.admin ?? TEST_ADMIN;
  const config: Config = {
    role: options.role ?? 'api',
    host: '127.0.0.1',
    port: 0,
    dataDir: options.dataDir ?? '/nonexistent',
    mongoUrl: options.mongoUrl,
    redisUrl: options.redisUrl,
    database: options.database,
    queuePrefix: options.queuePrefix,
    adminEmail: admin.email,
    adminPassword: admin.password,
    logLevel: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : (process.env.TEST_LOG_LEVEL as Config['logLevel']),
    shutdownTimeoutMs: 5000,
    credentialCacheMs: 10_000,
    // The engine's tests send bursts from one admin (200 creates at once) on a loaded
    // machine: the load limits stay out of their way. test/security and
    // test/platform/load-shedding test the limits, with the production values.
    limits: {
      ...defaultLoadLimits(),
      perUser: 100_000,
      perToken: 100_000,
      maxInFlight: 100_000,
      maxQueued: 100_000,
      queryTimeoutMs: 120_000,
      maxAnonymousConnectionsPerAddress: 0,
    },
    ...options.config,
  };
  const logger = options.logger ?? createLogger(config.logLevel);
  const platform = await startPlatform({
    config,
    logger,
    ...(options.handlers ? { handlers: options.handlers } : {}),
    plugins: options.plugins ?? [],
    ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
    ...(options.sessionLimits ? { sessionLimits: options.sessionLimits } : {}),
  });
  if (platform.url === undefined) return Object.assign(platform, { url: '', admin: { ...admin, id: '' }, adminToken: '' }) as TestPlatform;
  try {
    const signedIn = await signIn(platform.url, admin.email, admin.password);
    return Object.assign(platform, { url: platform.url, admin: { ...admin, id: signedIn.user.id }, adminToken: signedIn.token });
  } catch (err) {
    await platform.stop();
    throw err;
  }
}
