/**
 * Process entry point: `main.ts all` (npm start), `main.ts api`, `main.ts worker`.
 * Reads the configuration from the environment, starts the platform, prints where it
 * listens, and stops gracefully on SIGINT / SIGTERM, or when the npm that launched it
 * is gone. A second signal forces exit; the database and Redis it started are then
 * sent SIGTERM on the way out (dev-services/managed-process.ts), not left running.
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
  const starting = startPlatform({ config, logger });

  // Installed before the start completes: a signal during the start still stops what
  // has been started (the database and Redis children) instead of orphaning it.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    starting
      .then((platform) => platform.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  watchLauncher(() => stop('launcher exited'));

  const platform = await starting;
  logger.info({ url: platform.url, mongo: redact(platform.mongoUrl), redis: redact(platform.redisUrl) }, 'metacrm is running');
  if (platform.url) {
    console.log(`\n  metacrm is running at ${platform.url}\n  designer: ${platform.url}/designer/\n`);
  }
}

/**
 * Under an npm script (`npm start`), stops the platform when the process that launched
 * it goes away. npm forwards SIGTERM to its script, but a launcher killed outright
 * (SIGKILL, or a shell between npm and node that dies of the signal) leaves node
 * re-parented and serving on its own. Off outside npm, where a process that outlives
 * its parent (nohup, a daemon) is meant to.
 */
function watchLauncher(onExit: () => void): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    onExit();
  }, 500);
  timer.unref();
}

/** Hides credentials in a connection string before it is logged. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
