import { MongoClient, type CommandFailedEvent, type CommandStartedEvent, type CommandSucceededEvent, type Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';

export interface MongoOptions {
  /** How long an operation waits for a reachable server before failing (then 503). */
  serverSelectionTimeoutMS?: number;
  appName?: string;
  /** Logs every command that takes this long or longer (DB_SLOW_MS), when set with `logger`. */
  slowCommandMs?: number | undefined;
  logger?: Logger;
  /** Connections at most (50 when absent); the readiness pinger's own client needs one. */
  maxPoolSize?: number;
  /** Emits command events, for replyCounter. */
  monitorCommands?: boolean;
}

/**
 * Connects the process's one MongoClient (it pools connections and follows replica
 * set changes itself). Services get a `Db` handed to them per request, never this
 * module, so that a workspace-per-database mode stays a change of wiring.
 */
export async function connectMongo(url: string, options: MongoOptions = {}): Promise<MongoClient> {
  const slow = options.slowCommandMs !== undefined && options.logger !== undefined;
  const client = new MongoClient(url, {
    appName: options.appName ?? 'metacrm',
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 3000,
    connectTimeoutMS: 3000,
    // A socket to a server that died stops answering; do not wait forever on it.
    socketTimeoutMS: 60_000,
    maxPoolSize: options.maxPoolSize ?? 50,
    retryWrites: true,
    retryReads: true,
    monitorCommands: slow || options.monitorCommands === true,
  });
  if (slow) logSlowCommands(client, options.slowCommandMs!, options.logger!);
  await client.connect();
  return client;
}

/**
 * Logs the commands that take `thresholdMs` or longer, by name and collection (never
 * their filters or documents, which hold customer data), to find what a slow database
 * spends its time on. A change stream's getMore waits for changes by design and is
 * left out: its cursors are known from the aggregate that opened them.
 */
function logSlowCommands(client: MongoClient, thresholdMs: number, logger: Logger): void {
  const started = new Map<
    number,
    { command: string; collection: unknown; database: string; changeStream: boolean; tail: string | undefined }
  >();
  /** Open change-stream cursors; a cursor leaves when killed or when its getMore fails. */
  const tailing = new Set<string>();
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const { command, commandName } = event;
    if (commandName === 'killCursors') for (const id of (command.cursors as unknown[]) ?? []) tailing.delete(String(id));
    const tail = commandName === 'getMore' && tailing.has(String(command.getMore)) ? String(command.getMore) : undefined;
    const changeStream = commandName === 'aggregate' && Array.isArray(command.pipeline) && command.pipeline[0]?.$changeStream !== undefined;
    started.set(event.requestId, {
      command: commandName,
      collection: commandName === 'getMore' ? command.collection : command[commandName],
      database: event.databaseName,
      changeStream,
      tail,
    });
  });
  const finished = (event: CommandSucceededEvent | CommandFailedEvent) => {
    const command = started.get(event.requestId);
    started.delete(event.requestId);
    if (!command) return;
    const failed = 'failure' in event;
    if (command.tail !== undefined) {
      if (failed) tailing.delete(command.tail);
      return;
    }
    const cursor = failed ? undefined : (event.reply as { cursor?: { id?: unknown } }).cursor?.id;
    if (command.changeStream && cursor !== undefined) tailing.add(String(cursor));
    if (event.duration >= thresholdMs) {
      const collection = typeof command.collection === 'string' ? command.collection : undefined;
      logger.warn(
        { command: command.command, collection, database: command.database, ms: Math.round(event.duration), failed: failed || undefined },
        'slow database command',
      );
    }
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);
}

/**
 * Counts the commands the server answered (a client made with `monitorCommands`): the
 * readiness monitor's sign that a server whose ping is late is busy, not gone.
 */
export function replyCounter(client: MongoClient): () => number {
  let replies = 0;
  client.on('commandSucceeded', () => {
    replies++;
  });
  return () => replies;
}

/** Sends `ping` with a deadline; rejects when the server does not answer in time. */
export async function pingDatabase(db: Db, timeoutMs: number): Promise<void> {
  await withTimeout(db.command({ ping: 1 }, { timeoutMS: timeoutMs }), timeoutMs, 'database ping');
}

/** Rejects with a timeout error when `promise` has not settled after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
