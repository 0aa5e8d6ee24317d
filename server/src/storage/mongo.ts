import { MongoClient, type Db } from 'mongodb';

export interface MongoOptions {
  /** How long an operation waits for a reachable server before failing (then 503). */
  serverSelectionTimeoutMS?: number;
  appName?: string;
}

/**
 * Connects the process's one MongoClient (it pools connections and follows replica
 * set changes itself). Services get a `Db` handed to them per request, never this
 * module, so that a workspace-per-database mode stays a change of wiring.
 */
export async function connectMongo(url: string, options: MongoOptions = {}): Promise<MongoClient> {
  const client = new MongoClient(url, {
    appName: options.appName ?? 'metacrm',
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 3000,
    connectTimeoutMS: 3000,
    // A socket to a server that died stops answering; do not wait forever on it.
    socketTimeoutMS: 60_000,
    maxPoolSize: 50,
    retryWrites: true,
    retryReads: true,
  });
  await client.connect();
  return client;
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
