import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Bundle } from '@metacrm/metadata';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { aggregateRecords } from '../../server/src/records/aggregate-records.js';
import { compiledEntity } from '../../server/src/records/compiled-entity.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * Aggregates over HTTP against the real store: every expected value is computed here,
 * from the inputs, with BigInt and Intl, never read back from the engine.
 */

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;

type Key = { value: string | boolean | null; label?: Record<string, string>; color?: string };
type Answer = {
  groups: { keys: Key[]; values: (number | string | null)[] }[];
  total: { values: (number | string | null)[] };
  truncated: boolean;
};
type Err = { error: { code: string; details: { problems: { pointer: string }[]; field?: string } } };

const STAGES = ['new', 'won', 'lost'] as const;
const STAGE_LABELS = { new: { 'zh-CN': '新建', en: 'New' }, won: { 'zh-CN': '赢单', en: 'Won' }, lost: { 'zh-CN': '输单', en: 'Lost' } };
const COLORS = { new: '#3b82f6', won: '#22c55e', lost: '#ef4444' };
const DELETED = new Set([10, 21, 32, 43]);

interface Input {
  i: number;
  stage: (typeof STAGES)[number];
  amount?: string;
  quantity?: number;
  account?: 'acme' | 'globex';
  partner?: 'acme' | 'globex';
  close_date?: string;
  closed_at?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Opportunity i: stages, amounts, accounts and dates spread out, with gaps and month / zone boundaries. */
function input(i: number): Input {
  const stage = STAGES[(i * 7 + Math.floor(i / 4)) % 3]!;
  const row: Input = { i, stage };
  if (!(i % 7 === 3 && stage !== 'won'))
    row.amount = i < 3 ? ['0.10', '0.20', '0.30'][i]! : `${(i * 7919) % 100_000}.${pad((i * 37) % 100)}`;
  if (i % 4 !== 0) row.quantity = i === 13 ? 2_000_000_000 : i === 14 ? 3_000_000_000 : i * 3 + 1;
  if (i % 6 !== 5) row.account = i % 2 === 0 ? 'acme' : 'globex';
  if (i % 5 === 0) row.partner = i % 2 === 0 ? 'globex' : 'acme';
  if (i % 10 !== 9)
    row.close_date = i === 4 ? '2026-03-31' : i === 5 ? '2026-04-01' : `2026-${pad((i % 12) + 1)}-${pad(((i * 5) % 28) + 1)}`;
  if (i % 3 === 0 || i === 7)
    row.closed_at =
      i === 6
        ? '2026-03-31T17:00:00.000Z'
        : i === 7
          ? '2026-03-31T15:00:00.000Z'
          : `2026-${pad((i % 12) + 1)}-${pad((i % 28) + 1)}T${pad(i % 24)}:30:00.000Z`;
  return row;
}

const inputs = Array.from({ length: 60 }, (_, i) => input(i));
const live = inputs.filter((r) => !DELETED.has(r.i));
const accountIds: Record<string, string> = {};

const cents = (amount: string) => BigInt(amount.replace('.', ''));
const money = (c: bigint) => `${c / 100n}.${pad(Number(c % 100n))}`;
const sumOf = (rows: Input[]) => money(rows.reduce((s, r) => s + (r.amount ? cents(r.amount) : 0n), 0n));
/** numerator / denominator rounded half-even to a whole number. */
function halfEven(numerator: bigint, denominator: bigint): bigint {
  let q = numerator / denominator;
  const twice = 2n * (numerator % denominator);
  if (twice > denominator || (twice === denominator && q % 2n === 1n)) q += 1n;
  return q;
}
/** The mean of the amounts, half-even to 4 places (the scale, 2, plus 2). */
function meanOf(rows: Input[]): string | null {
  const amounts = rows.flatMap((r) => (r.amount ? [cents(r.amount)] : []));
  if (amounts.length === 0) return null;
  const q = halfEven(amounts.reduce((a, b) => a + b, 0n) * 100n, BigInt(amounts.length));
  return `${q / 10_000n}.${String(q % 10_000n).padStart(4, '0')}`;
}
/** 'acme/globex' as the engine sorts it: no value first, then by id (Acme was created first). */
const order = (pair: string) =>
  pair
    .split('/')
    .map((c) => ({ '': '0', acme: '1', globex: '2' })[c] ?? '?')
    .join('/');
const by =
  <K>(rows: Input[], key: (r: Input) => K) =>
  (k: K) =>
    rows.filter((r) => key(r) === k);
const monthIn = (iso: string, timeZone: string) =>
  `${new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(new Date(iso))}-01`;

function bundle(): Bundle {
  const b = salesBundle();
  const opportunity = b.entities.find((e) => e.key === 'opportunity')!;
  opportunity.fields = [
    ...opportunity.fields.map((f) =>
      f.key === 'stage' ? { ...f, options: STAGES.map((key) => ({ key, label: STAGE_LABELS[key], color: COLORS[key] })) } : f,
    ),
    { key: 'quantity', type: 'integer', label: { 'zh-CN': '数量', en: 'Quantity' } },
    { key: 'closed_at', type: 'datetime', label: { 'zh-CN': '成交时间', en: 'Closed at' } },
    {
      key: 'partner',
      type: 'lookup',
      label: { 'zh-CN': '伙伴', en: 'Partner' },
      target: 'account',
      displayField: 'code',
      onDelete: 'set_null',
    },
  ] as typeof opportunity.fields;
  return b;
}

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  const b = bundle();
  for (const kind of ['entities', 'rules'] as const) for (const item of b[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  for (const [name, code] of [
    ['Acme', 'acme'],
    ['Globex', 'globex'],
  ] as const) {
    accountIds[code] = (await api.post<{ id: string }>('/api/records/account', { name, code })).body.id;
  }
  for (const { i, account, partner, ...values } of inputs) {
    const links = { ...(account ? { account: accountIds[account] } : {}), ...(partner ? { partner: accountIds[partner] } : {}) };
    const res = await api.post<{ id: string }>('/api/records/opportunity', { title: `Deal ${i}`, ...values, ...links });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (DELETED.has(i)) expect((await api.delete(`/api/records/opportunity/${res.body.id}`)).status).toBe(204);
  }
});
afterAll(async () => {
  await platform?.stop();
});

const aggregate = (body: unknown) => api.post<Answer>('/api/records/opportunity/aggregate', body);

describe('POST /api/records/{entity}/aggregate', () => {
  it('counts by stage in option order with labels and colors, deleted records left out', async () => {
    const res = await aggregate({ groupBy: [{ field: 'stage' }], measures: [{ fn: 'count' }] });
    expect(res.status).toBe(200);
    const stage = by(live, (r) => r.stage);
    expect(res.body).toEqual({
      groups: STAGES.map((s) => ({ keys: [{ value: s, label: STAGE_LABELS[s], color: COLORS[s] }], values: [stage(s).length] })),
      total: { values: [56] },
      truncated: false,
    });
  });

  it('sums, averages and bounds amounts by stage exactly', async () => {
    const measures = [
      { fn: 'sum', field: 'amount' },
      { fn: 'avg', field: 'amount' },
      { fn: 'min', field: 'amount' },
      { fn: 'max', field: 'close_date' },
      { fn: 'count', field: 'amount' },
    ];
    const res = await aggregate({ groupBy: [{ field: 'stage' }], measures });
    const stage = by(live, (r) => r.stage);
    const minAmount = (rows: Input[]) => money(rows.flatMap((r) => (r.amount ? [cents(r.amount)] : [])).reduce((a, b) => (b < a ? b : a)));
    const maxDate = (rows: Input[]) =>
      rows
        .flatMap((r) => (r.close_date ? [r.close_date] : []))
        .sort()
        .at(-1);
    expect(res.body.groups.map((g) => g.values)).toEqual(
      STAGES.map((s) => [
        sumOf(stage(s)),
        meanOf(stage(s)),
        minAmount(stage(s)),
        maxDate(stage(s)),
        stage(s).filter((r) => r.amount).length,
      ]),
    );
    expect(res.body.total.values).toEqual([sumOf(live), meanOf(live), '0.10', maxDate(live), live.filter((r) => r.amount).length]);
  });

  it('sums whole numbers as numbers, exactly past 32 bits', async () => {
    const res = await aggregate({
      measures: [
        { fn: 'sum', field: 'quantity' },
        { fn: 'max', field: 'quantity' },
        { fn: 'avg', field: 'quantity' },
      ],
    });
    const quantities = live.flatMap((r) => (r.quantity === undefined ? [] : [r.quantity]));
    const sum = quantities.reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(2 ** 32);
    expect(res.body.total.values[0]).toBe(sum);
    expect(res.body.total.values[1]).toBe(3_000_000_000);
    const mean = halfEven(BigInt(sum) * 100n, BigInt(quantities.length));
    expect(res.body.total.values[2]).toBe(`${mean / 100n}.${pad(Number(mean % 100n))}`);
    expect(res.body.groups).toEqual([{ keys: [], values: res.body.total.values }]);
  });

  it.each(['UTC', 'Asia/Shanghai'])('buckets a date-time by month in %s, where one record crosses the month', async (timeZone) => {
    const res = await aggregate({ groupBy: [{ field: 'closed_at', bucket: 'month' }], measures: [{ fn: 'count' }], timeZone, limit: 1000 });
    const months = new Map<string | null, number>();
    for (const r of live)
      months.set(
        r.closed_at ? monthIn(r.closed_at, timeZone) : null,
        (months.get(r.closed_at ? monthIn(r.closed_at, timeZone) : null) ?? 0) + 1,
      );
    const expected = [...months]
      .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
      .map(([value, n]) => ({ keys: [{ value }], values: [n] }));
    expect(res.body.groups).toEqual(expected);
    expect(monthIn('2026-03-31T17:00:00.000Z', timeZone)).toBe(timeZone === 'UTC' ? '2026-03-01' : '2026-04-01');
  });

  it('buckets a date by quarter in UTC whatever the zone, so a date never moves', async () => {
    const body = { groupBy: [{ field: 'close_date', bucket: 'quarter' }], measures: [{ fn: 'count' }] };
    const [utc, newYork] = await Promise.all([aggregate(body), aggregate({ ...body, timeZone: 'America/New_York' })]);
    const quarter = (d: string) => `2026-${pad(Math.floor((Number(d.slice(5, 7)) - 1) / 3) * 3 + 1)}-01`;
    const count = (q: string | null) => live.filter((r) => (r.close_date ? quarter(r.close_date) : null) === q).length;
    expect(utc.body.groups).toEqual(
      [null, '2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'].map((value) => ({ keys: [{ value }], values: [count(value)] })),
    );
    expect(newYork.body).toEqual(utc.body);
  });

  it('groups by stage and account with account names, the no-account group first', async () => {
    const res = await aggregate({ groupBy: [{ field: 'stage' }, { field: 'account' }], measures: [{ fn: 'sum', field: 'amount' }] });
    const accounts = [
      [null, undefined],
      [accountIds.acme, 'acme'],
      [accountIds.globex, 'globex'],
    ] as const;
    const expected = STAGES.flatMap((s) =>
      accounts.flatMap(([id, code]) => {
        const rows = live.filter((r) => r.stage === s && r.account === code);
        if (rows.length === 0) return [];
        const account = code
          ? { value: id!, label: { 'zh-CN': code === 'acme' ? 'Acme' : 'Globex', en: code === 'acme' ? 'Acme' : 'Globex' } }
          : { value: null };
        return [{ keys: [{ value: s, label: STAGE_LABELS[s], color: COLORS[s] }, account], values: [sumOf(rows)] }];
      }),
    );
    expect(res.body.groups).toEqual(expected);
  });

  it('filters, sorts by a measure and truncates at the limit', async () => {
    const res = await aggregate({
      filter: { field: 'stage', op: 'ne', value: 'lost' },
      groupBy: [{ field: 'account' }],
      measures: [{ fn: 'count' }, { fn: 'avg', field: 'amount' }],
      sort: { by: 'measure', index: 1, direction: 'desc' },
      limit: 2,
    });
    const kept = live.filter((r) => r.stage !== 'lost');
    const rows = (['acme', 'globex', undefined] as const).map((code) => ({ code, rows: kept.filter((r) => r.account === code) }));
    const ranked = rows.sort((a, b) => Number(meanOf(b.rows)) - Number(meanOf(a.rows))).slice(0, 2);
    expect(res.body.groups.map((g) => [g.keys[0]!.value, ...g.values])).toEqual(
      ranked.map(({ code, rows: r }) => [code ? accountIds[code] : null, r.length, meanOf(r)]),
    );
    expect(res.body.truncated).toBe(true);
    expect(res.body.total.values).toEqual([kept.length, meanOf(kept)]);
  });

  it('names two lookups to one target with one query, each by its own display field', async () => {
    const client = new MongoClient(env.mongoUrl, { monitorCommands: true });
    const commands: string[] = [];
    client.on('commandStarted', (e) => commands.push(`${e.commandName} ${String(e.command[e.commandName])}`));
    try {
      const b = bundle();
      const snapshot = { version: 1, bundle: b, entity: (key: string) => b.entities.find((e) => e.key === key) };
      const { registries } = metadataToolkit(createRegistries());
      const compiled = compiledEntity(snapshot, 'opportunity', registries)!;
      const body = { groupBy: [{ field: 'account' }, { field: 'partner' }], measures: [{ fn: 'count' }] };
      const result = await aggregateRecords(client.db(env.dbName), compiled, registries, body, { entityOf: snapshot.entity });
      expect(commands).toEqual(['aggregate rec_opportunity', 'find rec_account']);
      const name = (code?: string) =>
        code
          ? { value: accountIds[code]!, label: { 'zh-CN': code === 'acme' ? 'Acme' : 'Globex', en: code === 'acme' ? 'Acme' : 'Globex' } }
          : { value: null };
      const partner = (code?: string) => (code ? { value: accountIds[code]!, label: { 'zh-CN': code, en: code } } : { value: null });
      const pairs = [...new Set(live.map((r) => `${r.account ?? ''}/${r.partner ?? ''}`))].sort((a, b) => order(a).localeCompare(order(b)));
      expect(result.groups).toEqual(
        pairs.map((pair) => {
          const [a, p] = pair.split('/').map((c) => c || undefined);
          return { keys: [name(a), partner(p)], values: [live.filter((r) => r.account === a && r.partner === p).length] };
        }),
      );
    } finally {
      await client.close();
    }
  });

  it('groups by owner and answers zeros when nothing matches', async () => {
    const owners = await aggregate({ groupBy: [{ field: '_ownerId' }], measures: [{ fn: 'count' }] });
    expect(owners.body.groups).toEqual([{ keys: [{ value: platform.admin.id }], values: [56] }]);
    const none = await aggregate({
      filter: { field: 'title', op: 'eq', value: 'nothing' },
      groupBy: [{ field: 'stage' }],
      measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }, { fn: 'min', field: 'close_date' }],
    });
    expect(none.body).toEqual({ groups: [], total: { values: [0, '0.00', null] }, truncated: false });
  });

  it.each<[string, unknown, number, string, string]>([
    ['an unknown key', { measures: [{ fn: 'count' }], having: 1 }, 400, 'AGGREGATE_INVALID', '/having'],
    [
      'a bucket on a select',
      { groupBy: [{ field: 'stage', bucket: 'month' }], measures: [{ fn: 'count' }] },
      400,
      'AGGREGATE_INVALID',
      '/groupBy/0/bucket',
    ],
    ['a group on text', { groupBy: [{ field: 'title' }], measures: [{ fn: 'count' }] }, 400, 'AGGREGATE_INVALID', '/groupBy/0/field'],
    ['a sum of a date', { measures: [{ fn: 'sum', field: 'close_date' }] }, 400, 'AGGREGATE_INVALID', '/measures/0/field'],
    [
      'too many groups',
      { groupBy: [{ field: 'stage' }, { field: 'account' }, { field: '_ownerId' }], measures: [{ fn: 'count' }] },
      400,
      'AGGREGATE_INVALID',
      '/groupBy',
    ],
    [
      'a filter on an unknown field',
      { measures: [{ fn: 'count' }], filter: { field: 'colour', op: 'eq', value: 1 } },
      400,
      'FILTER_FIELD_UNKNOWN',
      '/filter/field',
    ],
    ['an unknown time zone', { measures: [{ fn: 'count' }], timeZone: 'Mars/Olympus' }, 400, 'TIME_ZONE_INVALID', '/timeZone'],
  ])('refuses %s', async (_what, body, status, code, pointer) => {
    const res = await api.post<Err>('/api/records/opportunity/aggregate', body);
    expect({ status: res.status, code: res.body.error.code, pointer: res.body.error.details.problems[0]?.pointer }).toEqual({
      status,
      code,
      pointer,
    });
  });

  it('answers 404 for an unknown entity and 415 for a body that is not JSON', async () => {
    expect((await api.post<Err>('/api/records/nothing/aggregate', { measures: [{ fn: 'count' }] })).body.error.code).toBe(
      'ENTITY_NOT_FOUND',
    );
    expect((await api.post<Err>('/api/records/opportunity/aggregate', 'x', { 'Content-Type': 'text/plain' })).status).toBe(415);
  });
});
