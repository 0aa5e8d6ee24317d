/**
 * Process entry point: `main.ts all` (npm start), `main.ts api`, `main.ts worker`.
 * Reads the configuration from the environment, starts the platform, prints where it
 * listens, and stops gracefully on SIGINT / SIGTERM (a second signal forces exit).
 */
import { ConfigError, loadConfig, type Role } from './config/config.js';
import { createLogger } from './observability/logger.js';
import { startPlatform } from './runtime/platform.js';

const ROLES: readonly Role[] = ['all', 'api', 'worker'];

async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    console.error(`Unknown role "${role}". Use one of: ${ROLES.join(', ')}.`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig(process.env, role);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, { role });
  const platform = await startPlatform({ config, logger });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    platform.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  logger.info({ url: platform.url, mongo: redact(platform.mongoUrl), redis: redact(platform.redisUrl) }, 'metacrm is running');
  if (platform.url) {
    console.log(`\n  metacrm is running at ${platform.url}\n  designer: ${platform.url}/designer/\n`);
  }
}

/** Hides credentials in a connection string before it is logged. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
