import type { Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortText, viewSortKeys, type Bundle, type Entity, type View } from '@metacrm/metadata';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { compileFilter, compileSort } from '../../server/src/query/index.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
const { fieldTypes } = metadataToolkit(createRegistries()).registries;
let platform: TestPlatform;
let api: ApiClient;
let db: Db;

type Migration = {
  type: string;
  entity: string;
  index?: { name: string; fields: { field: string; direction: string }[]; views: string[] } | string;
};
type Publish = { version: number; migrations: Migration[] };
type Problems = { error: { code: string; details: { problems: { pointer: string; code: string; params?: Record<string, unknown> }[] } } };

/** Two more views beside the fixture's list and kanban: equality + sort + range, and a calendar. */
const bigNew: View = {
  key: 'big_new',
  type: 'list',
  entity: 'opportunity',
  label: l('Big new deals'),
  columns: [{ field: 'title' }],
  filter: {
    and: [
      { field: 'stage', op: 'eq', value: 'new' },
      { field: 'amount', op: 'gte', value: '1000' },
    ],
  },
  sort: [{ field: 'title', direction: 'asc' }],
};
const calendar: View = {
  key: 'closing',
  type: 'calendar',
  entity: 'opportunity',
  label: l('Closing'),
  dateField: 'close_date',
  titleField: 'title',
};

async function putAll(bundle: Bundle): Promise<void> {
  for (const kind of ['entities', 'forms', 'views', 'rules'] as const) {
    for (const item of bundle[kind] as { key: string }[]) {
      const res = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
}

async function publish(dryRun = false): Promise<Publish> {
  const res = await api.post<Publish>(`/api/meta/publish${dryRun ? '?dryRun=true' : ''}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The indexes of a record collection, by name, as `field:1` lists. */
async function indexes(entity: string): Promise<Map<string, string[]>> {
  const list = await db.collection(`rec_${entity}`).indexes();
  return new Map(list.map((ix) => [String(ix.name), Object.entries(ix.key as Document).map(([f, d]) => `${f}:${String(d)}`)]));
}

const viewSteps = (p: Publish) => p.migrations.filter((m) => m.type === 'create_view_index' || m.type === 'drop_view_index');

/**
 * The query the record engine sends for a view, built by the engine's own compilers: the
 * view's filter (a kanban column adds its group, a calendar its window) and sort.
 */
function engineQuery(view: View, entity: Entity): { filter: Document; sortKeys: string[] } {
  const now = new Date();
  const extra =
    view.type === 'kanban'
      ? [{ field: view.groupBy, op: 'eq', value: 'new' }]
      : view.type === 'calendar'
        ? [{ field: view.dateField, op: 'between', value: ['2026-01-01', '2026-02-01'] }]
        : [];
  const filter = compileFilter({ and: [...(view.filter ? [view.filter] : []), ...extra] }, entity, { fieldTypes, now });
  const sort = compileSort(sortText(viewSortKeys(view)), entity, { fieldTypes });
  return { filter, sortKeys: sort.keys.map((k) => `${k.field}:${k.direction}`) };
}

/**
 * How a compiled MongoDB filter uses each field: `{$eq}` (or a bare value) is equality;
 * `$gt`..`$lte`, `$in` are ranges; `$ne`, `$nin`, `$not` narrow nothing an index can use.
 */
function fieldUse(filter: Document): { equality: string[]; range: string[] } {
  const equality: string[] = [];
  const range: string[] = [];
  const visit = (node: Document) => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$and') (value as Document[]).forEach(visit);
      else if (value === null || typeof value !== 'object' || '$eq' in value) equality.push(key);
      else if (['$gt', '$gte', '$lt', '$lte', '$in'].some((op) => op in value)) range.push(key);
    }
  };
  visit(filter);
  return { equality, range };
}

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

describe('indexes derived from views', () => {
  const opportunity = salesBundle().entities[1]!;
  const views = [...salesBundle().views, bigNew, calendar];

  // Checked against the engine's own compilers rather than with explain: SecantusDB's
  // planner scans the collection for the $and the filter compiler emits (MongoDB flattens
  // it), so its plans say nothing about whether a real MongoDB would use these indexes.
  it('are created at publish, shown in the migrations, and fit the exact query the engine sends', async () => {
    await putAll({ ...salesBundle(), views });
    const result = await publish();
    const created = viewSteps(result);
    expect(created.every((m) => m.type === 'create_view_index' && m.entity === 'opportunity')).toBe(true);
    const served = new Map(
      created.flatMap((m) =>
        typeof m.index === 'object'
          ? m.index.views.map((v) => [v, m.index as { name: string; fields: { field: string; direction: string }[] }] as const)
          : [],
      ),
    );
    expect([...served.keys()].sort()).toEqual(['big_new', 'closing', 'open_opportunities', 'pipeline']);
    expect(served.get('closing')?.name).toBe(served.get('open_opportunities')?.name); // one key, one index

    const stored = await indexes('opportunity');
    const expectations: Record<string, { equality: string[]; range: string[] }> = {
      open_opportunities: { equality: [], range: [] }, // close_date is both its range and its sort
      closing: { equality: [], range: [] },
      pipeline: { equality: ['stage:1'], range: [] },
      big_new: { equality: ['stage:1'], range: ['amount:1'] },
    };
    for (const view of views) {
      const name = served.get(view.key)!.name;
      const query = engineQuery(view, opportunity);
      const { equality, range } = expectations[view.key]!;
      const used = fieldUse(query.filter);
      expect(used.equality, view.key).toEqual(['_deletedAt', ...equality.map((k) => k.split(':')[0])]);
      expect(
        used.range.filter((f) => !query.sortKeys.some((k) => k.startsWith(`${f}:`))),
        view.key,
      ).toEqual(range.map((k) => k.split(':')[0]));
      // ESR: live records, equality, then the sort exactly as the query compiler emits it, then ranges.
      expect(stored.get(name), view.key).toEqual(['_deletedAt:1', ...equality, ...query.sortKeys, ...range]);
    }
  });

  it('are left alone by a publish that changes no key', async () => {
    const before = await indexes('opportunity');
    const relabelled = views.map((v) => ({ ...v, label: l(`${v.label.en}!`) }));
    for (const view of relabelled) expect((await api.put(`/api/meta/draft/views/${view.key}`, view)).status).toBe(200);
    expect(viewSteps(await publish(true))).toEqual([]);
    const result = await publish();
    expect(viewSteps(result)).toEqual([]);
    expect(await indexes('opportunity')).toEqual(before);
  });

  it('follow a changed sort and a removed view, never touching unique or declared indexes', async () => {
    const before = await indexes('opportunity');
    const resorted = { ...bigNew, sort: [{ field: 'amount', direction: 'desc' as const }] };
    expect((await api.put('/api/meta/draft/views/big_new', resorted)).status).toBe(200);
    const changed = await publish();
    const [drop, create] = viewSteps(changed);
    expect(drop).toMatchObject({ type: 'drop_view_index', entity: 'opportunity' });
    expect(create).toMatchObject({ type: 'create_view_index', entity: 'opportunity', index: { views: ['big_new'] } });
    const after = await indexes('opportunity');
    expect(after.has(drop!.index as string)).toBe(false);
    // amount is both a range and the sort: placed once, in the sort.
    expect(after.get((create!.index as { name: string }).name)).toEqual(['_deletedAt:1', 'stage:1', 'amount:-1', '_id:-1']);

    expect((await api.delete('/api/meta/draft/views/big_new')).status).toBe(204);
    const removed = await publish();
    expect(viewSteps(removed)).toEqual([
      {
        type: 'drop_view_index',
        entity: 'opportunity',
        index: (create!.index as { name: string }).name,
        preview: { records: 0, blocking: false },
      },
    ]);
    const now = await indexes('opportunity');
    expect([...now.keys()].filter((n) => n.startsWith('view_')).length).toBe(
      [...before.keys()].filter((n) => n.startsWith('view_')).length - 1,
    );
    expect(now.get('ix_by_stage')).toEqual(['stage:1', 'close_date:-1']);
    // Unique text is indexed on its hidden comparison key.
    expect((await indexes('account')).get('unique_code')).toEqual(['_uq_code:1']);
  });

  it('drop a view index no view needs that an interrupted publish left behind, and nothing else', async () => {
    const records = db.collection('rec_opportunity');
    await records.createIndex({ _deletedAt: 1, title: -1, _id: -1 }, { name: 'view_00000000deadbeef' });
    await records.createIndex({ title: 1 }, { name: 'made_by_hand' });
    expect((await api.put('/api/meta/draft/entities/account', { ...salesBundle().entities[0]!, label: l('Customer') })).status).toBe(200);
    await publish();
    const now = await indexes('opportunity');
    expect(now.has('view_00000000deadbeef')).toBe(false);
    expect(now.get('made_by_hand')).toEqual(['title:1']);
  });

  it('refuse a publish that would need more indexes than MongoDB allows on one collection', async () => {
    const wide: Entity = {
      key: 'wide',
      label: l('Wide'),
      displayField: 'f0',
      fields: Array.from({ length: 60 }, (_, i) => ({
        key: `f${i}`,
        type: 'integer' as const,
        label: l(`F${i}`),
        ...(i < 55 ? { unique: true } : {}),
      })),
    };
    expect((await api.put('/api/meta/draft/entities/wide', wide)).status).toBe(200);
    for (let i = 0; i < 7; i++) {
      const view = {
        key: `wide_${i}`,
        type: 'list',
        entity: 'wide',
        label: l(`W${i}`),
        columns: [{ field: 'f0' }],
        sort: [{ field: `f${i}`, direction: 'asc' }],
      };
      expect((await api.put(`/api/meta/draft/views/${view.key}`, view)).status).toBe(200);
    }
    const res = await api.post<Problems>('/api/meta/publish');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('METADATA_INVALID');
    expect(res.body.error.details.problems).toEqual([
      expect.objectContaining({
        pointer: '/entities/wide',
        code: 'TOO_MANY_INDEXES',
        params: expect.objectContaining({ entity: 'wide', needed: 65, allowed: 64 }),
      }),
    ]);
    expect(await db.listCollections({ name: 'rec_wide' }).toArray()).toEqual([]);
  });
});
