import type { Db, Document } from 'mongodb';
import type { ViewList } from '@metacrm/metadata';
import type { ListOptions } from '../../server/src/records/record-list.js';
import { combineQueries, compileFilter, compileSort } from '../../server/src/query/index.js';
import type { CrmRecord } from '../lib/crm-record.js';
import { Prng } from '../lib/prng.js';
import { LEAD, LEAD_VIEW } from './lead-bundle.js';
import { leadInput, storedValues, type LeadValues } from './lead-data.js';
import type { World } from './world.js';

/**
 * The list the list figures measure, in both forms: the options the engine gets (the
 * view's filter and sort, a page of 50) and the query the engine's query compiler makes
 * of them, which the bare driver runs as it is. Compiled once, before measuring, with
 * the engine's own compiler, so the two cannot differ.
 */
export interface ListQuery {
  options: ListOptions;
  filter: Document;
  sort: Document;
  /** The engine asks for one more than a page, to know whether another page follows. */
  limit: number;
}

/** The list of the benchmark's view (see lead-bundle.ts). */
export function viewListQuery(world: World): ListQuery {
  const view = world.snapshot.bundle.views.find((v): v is ViewList & typeof v => v.key === LEAD_VIEW && v.type === 'list');
  const entity = world.snapshot.entity(LEAD);
  if (!view || !entity) throw new Error(`the published metadata has no list view ${LEAD_VIEW} over ${LEAD}`);
  const sort = (view.sort ?? []).map((s) => `${s.direction === 'desc' ? '-' : ''}${s.field}`).join(',');
  const pageSize = view.pageSize ?? 50;
  const fieldTypes = { fieldTypes: world.registries.fieldTypes };
  const filter = combineQueries(compileFilter(view.filter, entity, { ...fieldTypes, now: new Date() }));
  return {
    options: { filter: view.filter, sort, limit: pageSize },
    filter,
    sort: compileSort(sort, entity, fieldTypes).spec,
    limit: pageSize + 1,
  };
}

/** A record to create, in API form for the engine and in storage form for the driver. */
export interface CreateItem {
  input: Record<string, unknown>;
  stored: LeadValues;
}

/**
 * Records to create, generated and converted before a measurement starts, so neither
 * the engine's figures nor the driver's include the benchmark's own data generation.
 */
export class CreatePool {
  private items: CreateItem[] = [];

  constructor(private readonly next: () => CrmRecord) {}

  /** Prepares exactly `n` records: a measurement starts at most iterations + warm-up operations. */
  fill(n: number): void {
    this.items = Array.from({ length: n }, () => {
      const record = this.next();
      return { input: leadInput(record), stored: storedValues(record) };
    });
    this.items.reverse();
  }

  take(): CreateItem {
    const item = this.items.pop();
    if (!item) throw new Error('the create pool ran dry: fill it with iterations + warm-up records');
    return item;
  }
}

/**
 * What one set of operations works with: the world, the database handle to use (the
 * benchmark's, or a monitored one when counting round trips), its random picks, the
 * list and the records to create.
 */
export interface OpContext {
  world: World;
  db: Db;
  rng: Prng;
  list: ListQuery;
  creates: CreatePool;
  /** Sequence of patches, which makes every patch's contact time new. */
  patches: { seq: number };
}

export function opContext(world: World, db: Db, seed: number): OpContext {
  return {
    world,
    db,
    rng: new Prng(seed),
    list: viewListQuery(world),
    creates: new CreatePool(() => world.generator.next()),
    patches: { seq: 0 },
  };
}

/** A random loaded record. */
export function pick(ctx: OpContext): number {
  return ctx.rng.int(0, ctx.world.ids.length - 1);
}

/**
 * Reserves a random loaded record that no patch in flight is changing, so concurrent
 * patches never meet on one record; `release` frees it.
 */
export function reserve(ctx: OpContext): number {
  const { busy, ids } = ctx.world;
  if (busy.size >= ids.length) throw new Error('more patches in flight than records');
  for (;;) {
    const i = ctx.rng.int(0, ids.length - 1);
    if (!busy.has(i)) {
      busy.add(i);
      return i;
    }
  }
}

export function release(ctx: OpContext, i: number): void {
  ctx.world.busy.delete(i);
}
