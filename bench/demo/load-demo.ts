/**
 * Loads the demo data set through the record engine's bulk path (runBulk: each record
 * through the whole write pipeline, as `POST /api/records/{entity}/bulk` does), as the
 * sales reps who own it, several batches in flight.
 */
import type { Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import type { Actor } from '../../server/src/actor/actor.js';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { CredentialCache } from '../../server/src/auth/credential-cache.js';
import { UsersService } from '../../server/src/auth/users.service.js';
import type { MetadataSnapshot } from '../../server/src/metadata/metadata-cache.js';
import type { MetadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { runBulk } from '../../server/src/records/bulk.js';
import { RecordService } from '../../server/src/records/record.service.js';
import { DemoData, type Company, type DemoRecord } from './demo-data.js';

/** Shares of the record count per entity (they add up to 1). */
export const DEMO_SHARES = { customer: 0.2, contact: 0.25, activity: 0.35, lead: 0.1, opportunity: 0.07, ticket: 0.03 } as const;
const REPS = [
  ['王伟', 'wang.wei'],
  ['李娜', 'li.na'],
  ['张敏', 'zhang.min'],
  ['刘洋', 'liu.yang'],
  ['陈静', 'chen.jing'],
  ['Emma Wilson', 'emma.wilson'],
  ['James Lee', 'james.lee'],
  ['Olivia Brown', 'olivia.brown'],
] as const;

export interface DemoOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  toolkit: MetadataToolkit;
  records: number;
  seed: number;
  anchor: Date;
  batch: number;
  inFlight: number;
  onProgress?: (entity: string, done: number, total: number) => void;
}

export interface DemoResult {
  perEntity: Record<string, { created: number; failed: number; ms: number }>;
  created: number;
  failed: number;
  ms: number;
  firstErrors: string[];
}

/** The demo users: a sales manager and eight reps who report to them (created once). */
export async function demoTeam(db: Db, snapshot: MetadataSnapshot): Promise<Actor[]> {
  // Creating users changes no one's credentials: a cache of its own, tied to no process, is enough.
  const users = new UsersService({
    db,
    credentials: new CredentialCache(),
    actor: SYSTEM_ACTOR,
    roleKeys: new Set(snapshot.bundle.roles.map((r) => r.key)),
  });
  const ensure = async (email: string, name: string, roles: string[], managerId?: string): Promise<string> => {
    const found = await db.collection('users').findOne({ email }, { projection: { _id: 1 } });
    if (found) return String(found._id);
    const created = await users.create({
      email,
      name,
      password: `demo-${new ObjectId().toHexString()}`,
      roles,
      ...(managerId ? { managerId } : {}),
    });
    return created.id;
  };
  const manager = await ensure('demo.manager@metacrm.local', '赵经理', ['sales_manager']);
  const reps: Actor[] = [];
  for (const [name, login] of REPS)
    reps.push({ kind: 'user', id: await ensure(`demo.${login}@metacrm.local`, name, ['sales_rep'], manager), name, roles: ['sales_rep'] });
  return reps;
}

/** Generates and writes the data set; deterministic for a seed, an anchor date and a count. */
export async function loadDemo(options: DemoOptions): Promise<DemoResult> {
  const data = new DemoData(options.seed, options.anchor);
  const reps = await demoTeam(options.db, options.snapshot);
  const services = reps.map(
    (actor, i) =>
      new RecordService({
        db: options.db,
        snapshot: options.snapshot,
        registries: options.toolkit.registries,
        actor,
        requestId: `demo:${options.seed}:${i}`,
      }),
  );
  const count = (entity: keyof typeof DEMO_SHARES) => Math.max(1, Math.round(options.records * DEMO_SHARES[entity]));
  const result: DemoResult = { perEntity: {}, created: 0, failed: 0, ms: 0, firstErrors: [] };
  const started = Date.now();
  const write = async (entity: string, items: { rep: number; values: DemoRecord }[]): Promise<(string | undefined)[]> => {
    const t0 = Date.now();
    const ids: (string | undefined)[] = new Array(items.length);
    const batches: { rep: number; at: number[] }[] = [];
    // One batch per rep and slice, so each is written by the rep who owns its records.
    for (let rep = 0; rep < reps.length; rep++) {
      const mine = items.map((item, i) => (item.rep === rep ? i : -1)).filter((i) => i >= 0);
      for (let i = 0; i < mine.length; i += options.batch) batches.push({ rep, at: mine.slice(i, i + options.batch) });
    }
    let next = 0;
    let done = 0;
    const stats = { created: 0, failed: 0 };
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const { results } = await runBulk(services[batch.rep]!, entity, {
          operations: batch.at.map((i) => ({ op: 'create', data: items[i]!.values })),
          form: null,
        });
        results.forEach((r, k) => {
          if (r.record) ids[batch.at[k]!] = r.record.id;
          else if (result.firstErrors.length < 10) result.firstErrors.push(`${entity}: ${JSON.stringify(r.error).slice(0, 300)}`);
        });
        stats.created += results.filter((r) => r.record).length;
        stats.failed += results.filter((r) => !r.record).length;
        done += batch.at.length;
        options.onProgress?.(entity, done, items.length);
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, worker));
    result.perEntity[entity] = { ...stats, ms: Date.now() - t0 };
    result.created += stats.created;
    result.failed += stats.failed;
    return ids;
  };

  const companies: Company[] = Array.from({ length: count('customer') }, () => data.company());
  const customerIds = await write(
    'customer',
    companies.map((c, i) => ({ rep: i % reps.length, values: data.customer(c) })),
  );
  const live = companies
    .map((c, i) => ({ company: c, id: customerIds[i], rep: i % reps.length }))
    .filter((c): c is { company: Company; id: string; rep: number } => c.id !== undefined);
  const contactItems = Array.from({ length: count('contact') }, (_, i) => {
    const owner = live[i % live.length]!;
    return { rep: owner.rep, values: data.contact(owner.company, owner.id), of: i % live.length };
  });
  const contactIds = await write('contact', contactItems);
  const contactOf = new Map<number, string>();
  contactItems.forEach((c, i) => contactIds[i] && !contactOf.has(c.of) && contactOf.set(c.of, contactIds[i]!));
  const around = (i: number) => {
    const k = data.pick([i % live.length, (i * 7) % live.length]);
    return { ...live[k]!, contact: contactOf.get(k) };
  };
  await write(
    'activity',
    Array.from({ length: count('activity') }, (_, i) => {
      const c = around(i);
      return { rep: c.rep, values: data.activity(c.id, c.contact, c.company.chinese) };
    }),
  );
  await write(
    'lead',
    Array.from({ length: count('lead') }, (_, i) => ({ rep: i % reps.length, values: data.lead() })),
  );
  await write(
    'opportunity',
    Array.from({ length: count('opportunity') }, (_, i) => {
      const c = around(i);
      return {
        rep: c.rep,
        values: data.opportunity(c.id, c.contact, `${String(c.company.values.name)} - ${c.company.chinese ? '项目' : 'deal'} ${i + 1}`),
      };
    }),
  );
  await write(
    'ticket',
    Array.from({ length: count('ticket') }, (_, i) => {
      const c = around(i);
      return { rep: c.rep, values: data.ticket(c.id, c.company.chinese) };
    }),
  );
  result.ms = Date.now() - started;
  return result;
}
