import type { Config, Role } from '../../server/src/config/config.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { startPlatform, type Platform } from '../../server/src/runtime/platform.js';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import type { JobHandlers } from '../../server/src/worker/worker.js';

export interface TestPlatformOptions {
  role?: Role;
  mongoUrl: string;
  redisUrl: string;
  database: string;
  queuePrefix: string;
  handlers?: JobHandlers;
  plugins?: MetacrmPlugin[];
  dataDir?: string;
  /** Settings beyond the connection ones, such as outboundAllowlist or mail. */
  config?: Partial<Config>;
}

/** Starts the real platform in this process on a free port, logging only errors. */
export async function startTestPlatform(options: TestPlatformOptions): Promise<Platform & { url: string }> {
  const config: Config = {
    role: options.role ?? 'api',
    host: '127.0.0.1',
    port: 0,
    dataDir: options.dataDir ?? '/nonexistent',
    mongoUrl: options.mongoUrl,
    redisUrl: options.redisUrl,
    database: options.database,
    queuePrefix: options.queuePrefix,
    adminEmail: undefined,
    adminPassword: undefined,
    logLevel: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : (process.env.TEST_LOG_LEVEL as Config['logLevel']),
    shutdownTimeoutMs: 5000,
    outboundAllowlist: [],
    mail: undefined,
    ...options.config,
  };
  const logger = createLogger(config.logLevel);
  const platform = await startPlatform({ config, logger, ...(options.handlers ? { handlers: options.handlers } : {}), plugins: options.plugins ?? [] });
  return platform as Platform & { url: string };
}
