import path from 'node:path';
import { parseAllowlist, type AllowEntry } from '../net/outbound-policy.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** What runs in this process: everything, the API alone, or a worker alone. */
export type Role = 'all' | 'api' | 'worker';

export interface Config {
  role: Role;
  host: string;
  port: number;
  dataDir: string;
  /** Unset means: start the embedded SecantusDB (role `all` only). */
  mongoUrl: string | undefined;
  /** Unset means: start a local redis-server (role `all` only). */
  redisUrl: string | undefined;
  /** The MongoDB database that holds this workspace. */
  database: string;
  /** Prefix of every BullMQ key, so several installations can share one Redis. */
  queuePrefix: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  logLevel: LogLevel;
  /** How long a graceful shutdown waits for in-flight requests and jobs. */
  shutdownTimeoutMs: number;
  /**
   * How long the readiness monitor waits for a database or Redis ping
   * (HEALTH_PING_TIMEOUT_MS; 1000 when absent). Two missed pings in a row mark the
   * dependency down and the API answers 503 until one answers again.
   */
  healthPingTimeoutMs?: number | undefined;
  /** Log database commands taking this many ms or longer (DB_SLOW_MS; off when absent). */
  slowCommandMs?: number | undefined;
  /**
   * How many proxies in front of the API set `X-Forwarded-For` / `X-Forwarded-Proto`
   * (TRUST_PROXY; 0 when absent: the headers are ignored, the socket's address counts).
   * Trusting a header no proxy of ours sets would let any client choose the address that
   * sign-in throttling and the audit log see.
   */
  trustProxy?: number | undefined;
  /**
   * How often a worker ticks the workflow scheduler (SCHEDULE_TICK_MS; 10000 when
   * absent): scheduled workflows fire at most this late. Set the same on every worker.
   */
  scheduleTickMs?: number | undefined;
  /**
   * How long a worker's hold on a workflow run (its lease) and on an event or run job
   * (BullMQ's lock) lasts without renewal (WORKER_LEASE_MS; 15000 when absent): a dead
   * worker's work is taken over this long after its last renewal. Renewed at a third of it.
   */
  workerLeaseMs?: number | undefined;
  /**
   * Receivers that workflow HTTP steps may reach although their address is not public
   * (OUTBOUND_ALLOWLIST); none when absent. Optional, like `mail`, so that a Config
   * built by hand (tests, benchmarks) needs neither.
   */
  outboundAllowlist?: AllowEntry[] | undefined;
  /** SMTP for send_email steps; unset: those steps fail with EMAIL_NOT_CONFIGURED. */
  mail?: MailConfig | undefined;
  /**
   * The app package installed on the first start (STANDARD_APP: `crm` by default, or
   * `none`). Absent in a Config built by hand (tests, benchmarks): nothing is installed.
   */
  standardApp?: 'crm' | 'none' | undefined;
}

/** Where workflow email goes: `SMTP_URL` (smtp:// or smtps://, credentials in it) and `MAIL_FROM`. */
export interface MailConfig {
  smtpUrl: string;
  from: string;
}

/** One bad environment variable: its name and what is wrong with it. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown at start when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME = /^[A-Za-z0-9_-]{1,48}$/;

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, role: Role, cwd = process.cwd()): Config {
  const problems: ConfigProblem[] = [];
  const bad = (variable: string, message: string) => problems.push({ variable, message });
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };

  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      bad(name, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return n;
  };

  const port = int('PORT', 3000, 1, 65535);
  const shutdownTimeoutMs = int('SHUTDOWN_TIMEOUT_MS', 15_000, 0, 600_000);
  const healthPingTimeoutMs = int('HEALTH_PING_TIMEOUT_MS', 1000, 100, 120_000);
  const slowCommandMs = value('DB_SLOW_MS') === undefined ? undefined : int('DB_SLOW_MS', 0, 1, 600_000);
  const trustProxy = int('TRUST_PROXY', 0, 0, 10);
  const scheduleTickMs = int('SCHEDULE_TICK_MS', 10_000, 1000, 3_600_000);
  const workerLeaseMs = int('WORKER_LEASE_MS', 15_000, 3_000, 600_000);

  const mongoUrl = value('MONGODB_URL');
  if (mongoUrl !== undefined && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongoUrl)) {
    bad('MONGODB_URL', 'must be a MongoDB connection string starting with mongodb:// or mongodb+srv://');
  }
  const redisUrl = value('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl)) {
    bad('REDIS_URL', 'must be a Redis URL starting with redis:// or rediss://');
  }
  if (role !== 'all') {
    if (mongoUrl === undefined) bad('MONGODB_URL', `is required for \`${role}\` (only \`npm start\` starts an embedded database)`);
    if (redisUrl === undefined) bad('REDIS_URL', `is required for \`${role}\` (only \`npm start\` starts a local Redis)`);
  }

  const adminEmail = value('ADMIN_EMAIL');
  if (adminEmail !== undefined && !EMAIL.test(adminEmail)) bad('ADMIN_EMAIL', 'must be an email address');
  const adminPassword = env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword.length < 10) bad('ADMIN_PASSWORD', 'must be at least 10 characters long');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    bad(adminEmail === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD', 'ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all');
  }

  const logLevel = (value('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) bad('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  const database = value('MONGODB_DATABASE') ?? 'metacrm';
  if (!NAME.test(database)) bad('MONGODB_DATABASE', 'must be 1-48 letters, digits, _ or -');
  const queuePrefix = value('QUEUE_PREFIX') ?? 'metacrm';
  if (!NAME.test(queuePrefix)) bad('QUEUE_PREFIX', 'must be 1-48 letters, digits, _ or -');

  let outboundAllowlist: AllowEntry[] = [];
  try {
    outboundAllowlist = parseAllowlist(value('OUTBOUND_ALLOWLIST'));
  } catch (err) {
    bad('OUTBOUND_ALLOWLIST', `must be comma-separated host or host:port entries: ${(err as Error).message}`);
  }
  const mail = mailConfig(value('SMTP_URL'), value('MAIL_FROM'), bad);
  const standardApp = value('STANDARD_APP') ?? 'crm';
  if (standardApp !== 'crm' && standardApp !== 'none') bad('STANDARD_APP', `must be crm or none (got ${JSON.stringify(standardApp)})`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    role,
    host: value('HOST') ?? '127.0.0.1',
    port,
    dataDir: path.resolve(cwd, value('DATA_DIR') ?? './data'),
    mongoUrl,
    redisUrl,
    database,
    queuePrefix,
    adminEmail,
    adminPassword,
    logLevel,
    shutdownTimeoutMs,
    healthPingTimeoutMs,
    slowCommandMs,
    trustProxy,
    scheduleTickMs,
    workerLeaseMs,
    outboundAllowlist,
    mail,
    standardApp: standardApp as 'crm' | 'none',
  };
}

/** SMTP_URL and MAIL_FROM, set together or not at all. */
function mailConfig(smtpUrl: string | undefined, from: string | undefined, bad: (variable: string, message: string) => void): MailConfig | undefined {
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s/]+(:\d+)?\/?(\?\S*)?$/.test(smtpUrl)) bad('SMTP_URL', 'must be an SMTP URL such as smtp://user:password@host:587 or smtps://host:465');
  if (from !== undefined && !EMAIL.test(from.replace(/^[^<>\r\n]*<([^<>\r\n]+)>$/, '$1'))) bad('MAIL_FROM', 'must be an email address, optionally with a name: metacrm <crm@example.com>');
  if ((smtpUrl === undefined) !== (from === undefined)) {
    bad(smtpUrl === undefined ? 'SMTP_URL' : 'MAIL_FROM', 'SMTP_URL and MAIL_FROM are set together or not at all');
    return undefined;
  }
  return smtpUrl === undefined || from === undefined ? undefined : { smtpUrl, from };
}
