import { MongoClient, type CommandStartedEvent } from 'mongodb';
import type { Operation } from '../lib/measure.js';

/** The commands one run of an operation sent, in order, and what it answered. */
export interface RoundTrips {
  /** e.g. `find, insert ×4, commitTransaction, find`. */
  commands: string;
  /** The size of the answer: `50 records`, `51 documents`, or `-`. */
  answer: string;
}

/** `find, insert, insert, find` → `find, insert ×2, find`. */
function collapse(names: readonly string[]): string {
  const runs: { name: string; count: number }[] = [];
  for (const name of names) {
    const last = runs.at(-1);
    if (last?.name === name) last.count += 1;
    else runs.push({ name, count: 1 });
  }
  return runs.map((r) => (r.count > 1 ? `${r.name} ×${r.count}` : r.name)).join(', ') || 'none';
}

function describe(result: unknown): string {
  if (Array.isArray(result)) return `${result.length} documents`;
  const records = (result as { records?: unknown } | null)?.records;
  return Array.isArray(records) ? `${records.length} records` : '-';
}

/**
 * Counts the database commands of one run of an operation through a client opened
 * with command monitoring. The measured runs use a client without it (monitoring
 * costs CPU); this one runs each operation once, before measuring, so a reader can see
 * that the engine and the bare driver make the same round trips and that the
 * comparison is of the work around them.
 */
export class RoundTripProbe {
  private constructor(readonly client: MongoClient) {}

  static async open(url: string): Promise<RoundTripProbe> {
    const client = new MongoClient(url, { monitorCommands: true, maxPoolSize: 4, serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    return new RoundTripProbe(client);
  }

  async run(op: Operation): Promise<RoundTrips> {
    const names: string[] = [];
    const listener = (event: CommandStartedEvent) => names.push(event.commandName);
    this.client.on('commandStarted', listener);
    try {
      const result = await op();
      return { commands: collapse(names), answer: describe(result) };
    } finally {
      this.client.off('commandStarted', listener);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
