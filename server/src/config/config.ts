import path from 'node:path';
import { parseAllowlist, type AllowEntry } from './outbound-allowlist.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** What runs in this process: everything, the API alone, or a worker alone. */
export type Role = 'all' | 'api' | 'worker';

/** Which build of the embedded SecantusDB `npm start` runs: `secantusd-py` or `secantusd-rs`. */
export type EmbeddedDb = 'python' | 'rust';
/** The EMBEDDED_DB values, for messages and validation. */
export const EMBEDDED_DBS: readonly EmbeddedDb[] = ['python', 'rust'];

export interface Config {
  role: Role;
  host: string;
  port: number;
  dataDir: string;
  /** Unset means: start the embedded SecantusDB (role `all` only). */
  mongoUrl: string | undefined;
  /** Unset means: start a local redis-server (role `all` only). */
  redisUrl: string | undefined;
  /**
   * The embedded server to run when MONGODB_URL is unset (EMBEDDED_DB). Unset: the Rust
   * server where `npm run setup` built it, else the Python one; an existing data folder
   * keeps the server that wrote it.
   */
  embeddedDb?: EmbeddedDb | undefined;
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
  /** How long a resolved session or API token is trusted without reading it again (AUTH_CACHE_MS; 0: off). */
  credentialCacheMs: number;
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
  /** What keeps one caller's burst or slow clients from taking the API down; defaults when absent. */
  limits?: LoadLimits | undefined;
  /**
   * Files of attachment fields: the largest accepted (ATTACHMENT_MAX_BYTES; 20 MiB when
   * absent) and how long an upload may stay unattached before the sweep deletes it
   * (ATTACHMENT_ORPHAN_TTL_MS; a day when absent). Defaults when the whole is absent.
   */
  attachments?: { maxBytes: number; orphanTtlMs: number } | undefined;
}

/** The API's limits under load (README: Operating it → Limits under load). */
export interface LoadLimits {
  /** API_MAX_IN_FLIGHT: requests doing work at once in one API process. */
  maxInFlight: number;
  /** API_MAX_QUEUED: requests waiting for a place beyond those; more are refused with 503 at once. */
  maxQueued: number;
  /** API_QUEUE_TIMEOUT_MS: how long a request waits for a place before 503. */
  queueTimeoutMs: number;
  /** USER_MAX_IN_FLIGHT: requests in flight per user and per session (429 beyond). */
  perUser: number;
  /** TOKEN_MAX_IN_FLIGHT: requests in flight per API token (429 beyond). */
  perToken: number;
  /** DB_QUERY_TIMEOUT_MS: `maxTimeMS` of every read the API sends. */
  queryTimeoutMs: number;
  /** HTTP_HEADERS_TIMEOUT_MS: a request's headers must arrive within this. */
  headersTimeoutMs: number;
  /** HTTP_REQUEST_TIMEOUT_MS: a whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number;
  /** HTTP_BODY_TIMEOUT_MS: once a route reads a request body, it must arrive within this. */
  bodyTimeoutMs: number;
  /** HTTP_MAX_ANON_CONNECTIONS_PER_ADDRESS: connections per address not yet signed in; 0: no cap. */
  maxAnonymousConnectionsPerAddress: number;
}

/** The limits when no variable sets them; with proxies in front, the per-address cap is theirs to keep. */
export function defaultLoadLimits(trustProxy = 0): LoadLimits {
  return {
    maxInFlight: 32,
    maxQueued: 64,
    queueTimeoutMs: 2000,
    perUser: 16,
    perToken: 8,
    queryTimeoutMs: 15_000,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    bodyTimeoutMs: 10_000,
    maxAnonymousConnectionsPerAddress: trustProxy > 0 ? 0 : 128,
  };
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
  const credentialCacheMs = int('AUTH_CACHE_MS', 10_000, 0, 60_000);
  const scheduleTickMs = int('SCHEDULE_TICK_MS', 10_000, 1000, 3_600_000);
  const workerLeaseMs = int('WORKER_LEASE_MS', 15_000, 3_000, 600_000);
  const attachments = {
    maxBytes: int('ATTACHMENT_MAX_BYTES', 20 * 1024 * 1024, 1, 1024 ** 3),
    orphanTtlMs: int('ATTACHMENT_ORPHAN_TTL_MS', 86_400_000, 60_000, 30 * 86_400_000),
  };

  const mongoUrl = value('MONGODB_URL');
  if (mongoUrl !== undefined && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongoUrl)) {
    bad('MONGODB_URL', 'must be a MongoDB connection string starting with mongodb:// or mongodb+srv://');
  }
  const redisUrl = value('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl)) {
    bad('REDIS_URL', 'must be a Redis URL starting with redis:// or rediss://');
  }
  let embeddedDb: EmbeddedDb | undefined;
  try {
    embeddedDb = parseEmbeddedDb(value('EMBEDDED_DB'));
  } catch (err) {
    problems.push(...(err as ConfigError).problems);
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
  const limits = loadLimits(int, trustProxy, bad);
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
    embeddedDb,
    database,
    queuePrefix,
    adminEmail,
    adminPassword,
    logLevel,
    shutdownTimeoutMs,
    healthPingTimeoutMs,
    slowCommandMs,
    credentialCacheMs,
    trustProxy,
    scheduleTickMs,
    workerLeaseMs,
    outboundAllowlist,
    mail,
    limits,
    attachments,
    standardApp: standardApp as 'crm' | 'none',
  };
}

/**
 * Reads EMBEDDED_DB (`python` or `rust`; undefined when unset or empty). The test
 * global setup and the benchmarks read it alone, without the rest of the configuration.
 */
export function parseEmbeddedDb(raw: string | undefined): EmbeddedDb | undefined {
  const v = raw?.trim();
  if (v === undefined || v === '') return undefined;
  if (!(EMBEDDED_DBS as readonly string[]).includes(v))
    throw new ConfigError([{ variable: 'EMBEDDED_DB', message: `must be one of ${EMBEDDED_DBS.join(', ')} (got ${JSON.stringify(v)})` }]);
  return v as EmbeddedDb;
}

/** The LoadLimits variables, each a whole number in its range; the request timeout covers the headers'. */
function loadLimits(
  int: (name: string, fallback: number, min: number, max: number) => number,
  trustProxy: number,
  bad: (variable: string, message: string) => void,
): LoadLimits {
  const defaults = defaultLoadLimits(trustProxy);
  const limits: LoadLimits = {
    maxInFlight: int('API_MAX_IN_FLIGHT', defaults.maxInFlight, 1, 100_000),
    maxQueued: int('API_MAX_QUEUED', defaults.maxQueued, 0, 100_000),
    queueTimeoutMs: int('API_QUEUE_TIMEOUT_MS', defaults.queueTimeoutMs, 1, 600_000),
    perUser: int('USER_MAX_IN_FLIGHT', defaults.perUser, 1, 100_000),
    perToken: int('TOKEN_MAX_IN_FLIGHT', defaults.perToken, 1, 100_000),
    queryTimeoutMs: int('DB_QUERY_TIMEOUT_MS', defaults.queryTimeoutMs, 100, 3_600_000),
    headersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', defaults.headersTimeoutMs, 500, 600_000),
    requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', defaults.requestTimeoutMs, 500, 3_600_000),
    bodyTimeoutMs: int('HTTP_BODY_TIMEOUT_MS', defaults.bodyTimeoutMs, 100, 3_600_000),
    maxAnonymousConnectionsPerAddress: int(
      'HTTP_MAX_ANON_CONNECTIONS_PER_ADDRESS',
      defaults.maxAnonymousConnectionsPerAddress,
      0,
      1_000_000,
    ),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    bad('HTTP_HEADERS_TIMEOUT_MS', `must not be longer than HTTP_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`);
  return limits;
}

/** SMTP_URL and MAIL_FROM, set together or not at all. */
function mailConfig(
  smtpUrl: string | undefined,
  from: string | undefined,
  bad: (variable: string, message: string) => void,
): MailConfig | undefined {
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s/]+(:\d+)?\/?(\?\S*)?$/.test(smtpUrl))
    bad('SMTP_URL', 'must be an SMTP URL such as smtp://user:password@host:587 or smtps://host:465');
  if (from !== undefined && !EMAIL.test(from.replace(/^[^<>\r\n]*<([^<>\r\n]+)>$/, '$1')))
    bad('MAIL_FROM', 'must be an email address, optionally with a name: metacrm <crm@example.com>');
  if ((smtpUrl === undefined) !== (from === undefined)) {
    bad(smtpUrl === undefined ? 'SMTP_URL' : 'MAIL_FROM', 'SMTP_URL and MAIL_FROM are set together or not at all');
    return undefined;
  }
  return smtpUrl === undefined || from === undefined ? undefined : { smtpUrl, from };
}
