import fc from 'fast-check';
import { ObjectId, type Collection, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SYSTEM_FIELDS,
  compareDecimals,
  createFieldTypeRegistry,
  fieldTraits,
  isSystemField,
  type Entity,
  type Field,
} from '@metacrm/metadata';
import { toStorage } from '../../server/src/record-storage/field-codec.js';
import { recordCollection } from '../../server/src/record-storage/record-collections.js';
import {
  combineQueries,
  compileFilter,
  compileSearch,
  compileSort,
  decodeCursor,
  encodeCursor,
  keysetFilter,
} from '../../server/src/query/index.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, testEnv } from '../helpers/env.js';

/**
 * The query compiler against the real database: what find() returns for a compiled
 * filter must be what a plain in-memory reading of the same filter selects, and keyset
 * paging must visit every live record once, in order, for every sort.
 */

const env = testEnv(import.meta.url);
const fieldTypes = createFieldTypeRegistry();
const NOW = new Date('2026-03-31T23:30:00.000Z'); // 1 April, 07:30 in Shanghai
const ZONE = 'Asia/Shanghai';
const l = (en: string) => ({ 'zh-CN': en, en });
const base = salesBundle().entities.find((e) => e.key === 'opportunity');
if (!base) throw new Error('no opportunity in the sales fixture');
// The fixture's opportunity, plus the field kinds it lacks: multi-select, boolean, integer, long text.
const entity: Entity = {
  ...base,
  fields: [
    ...base.fields,
    {
      key: 'tags',
      type: 'multi_select',
      label: l('Tags'),
      options: [
        { key: 'hot', label: l('Hot') },
        { key: 'vip', label: l('VIP') },
        { key: 'renewal', label: l('Renewal') },
      ],
    },
    { key: 'urgent', type: 'boolean', label: l('Urgent') },
    { key: 'seats', type: 'integer', label: l('Seats') },
    { key: 'notes', type: 'long_text', label: l('Notes') },
  ],
};
/** The field `key`, or a stand-in typed like the system field (the _id is an ObjectId: a lookup). */
function fieldOf(key: string): Field {
  const type = !isSystemField(key) ? undefined : key === '_id' ? 'lookup' : SYSTEM_FIELDS[key];
  const field = type ? ({ key, type, label: l(key) } as Field) : entity.fields.find((f) => f.key === key);
  if (!field) throw new Error(`no field ${key}`);
  return field;
}

type Kind = 'string' | 'decimal' | 'integer' | 'boolean' | 'date' | 'datetime' | 'id' | 'options';
type Rec = Record<string, unknown> & { _id: string };
const hex = (n: number): string => `65a1b2c3d4e5f6071829${n.toString(16).padStart(4, '0')}`;

/** Per field: its kind and the pool that both the data and the filters draw from, so that filters hit. */
interface Spec {
  kind: Kind;
  pool: readonly unknown[];
  text?: readonly string[];
}
const FIELDS = {
  title: {
    kind: 'string',
    pool: ['Acme', 'acme corp', 'ACME (EU)', 'a.c.m.e', 'Globex', '100% deal', 'c++ rollout', '赢单 大客户', 'Zeta', 'beta'],
    text: ['acme', 'ACME', '(eu)', '.', 'c++', '100%', '赢单', 'a.c', 'corp', 'e', 'zz'],
  },
  account: { kind: 'id', pool: [hex(1), hex(2), hex(3), hex(4), hex(99)] },
  amount: { kind: 'decimal', pool: ['0', '10.5', '10.50', '99.99', '1000', '1500.25', '-5.25', '250000.00', '7'] },
  probability: { kind: 'decimal', pool: ['0', '10', '25', '50', '75', '100'] },
  expected: { kind: 'decimal', pool: ['0', '2.5', '100.125', '750', '12.5'] },
  stage: { kind: 'string', pool: ['new', 'won', 'lost'] },
  close_date: {
    kind: 'date',
    pool: [
      '2026-01-15',
      '2026-03-29',
      '2026-03-31',
      '2026-04-01',
      '2026-04-02',
      '2026-04-30',
      '2026-05-01',
      '2026-06-30',
      '2026-07-01',
      '2025-12-31',
    ],
  },
  tags: { kind: 'options', pool: ['hot', 'vip', 'renewal'] },
  urgent: { kind: 'boolean', pool: [true, false] },
  seats: { kind: 'integer', pool: [-3, 0, 1, 5, 12, 40] },
  notes: { kind: 'string', pool: [], text: ['call', 'CALL back', '[x]', 'price?', 'note'] },
  _createdAt: {
    kind: 'datetime',
    pool: [
      '2026-03-31T15:59:59.999Z',
      '2026-03-31T16:00:00.000Z',
      '2026-03-25T16:00:00.000Z',
      '2026-04-01T03:00:00.000Z',
      '2026-03-20T08:00:00.000Z',
      '2026-04-05T23:00:00.000Z',
    ],
  },
  _ownerId: { kind: 'id', pool: [hex(201), hex(202), hex(203)] },
  _createdBy: { kind: 'id', pool: ['system', hex(201), hex(202)] },
  _version: { kind: 'integer', pool: [1, 2, 3, 4] },
} satisfies Record<string, Spec>;
const specOf = (field: string): Spec | undefined => (FIELDS as Record<string, Spec>)[field];
// Local calendar days in Shanghai, written out by hand: [first day, day after the last).
const PERIODS: Record<string, [string, string]> = {
  today: ['2026-04-01', '2026-04-02'],
  yesterday: ['2026-03-31', '2026-04-01'],
  tomorrow: ['2026-04-02', '2026-04-03'],
  this_week: ['2026-03-30', '2026-04-06'],
  last_week: ['2026-03-23', '2026-03-30'],
  this_month: ['2026-04-01', '2026-05-01'],
  last_month: ['2026-03-01', '2026-04-01'],
  this_quarter: ['2026-04-01', '2026-07-01'],
  last_quarter: ['2026-01-01', '2026-04-01'],
  next_quarter: ['2026-07-01', '2026-10-01'],
  this_year: ['2026-01-01', '2027-01-01'],
  last_7_days: ['2026-03-26', '2026-04-02'],
  next_30_days: ['2026-04-01', '2026-05-01'],
  last_2_weeks: ['2026-03-16', '2026-03-30'],
  last_3_months: ['2026-01-01', '2026-04-01'],
};

/** A small deterministic generator, so a failure replays with the same data. */
function random(seed: number): <T>(items: readonly T[]) => T {
  let state = seed;
  return (items) => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return items[Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * items.length)] as (typeof items)[number];
  };
}

/** 300 records in API form; a field is absent about one time in five, one record in ten is deleted. */
function generate(): Rec[] {
  const pick = random(42);
  const maybe = <T>(value: T): T | undefined => (pick([1, 2, 3, 4, 5]) === 1 ? undefined : value);
  return Array.from({ length: 300 }, (_, n) => {
    const created = pick([0, 1])
      ? pick(FIELDS._createdAt.pool as string[])
      : new Date(Date.UTC(2026, 2, 10) + n * 3_600_000 * 2.7).toISOString();
    const rec: Record<string, unknown> = {
      _id: new ObjectId().toHexString(),
      _version: pick([1, 2, 3, 4]),
      _createdAt: created,
      _updatedAt: created,
      _createdBy: pick(FIELDS._createdBy.pool),
      _ownerId: pick(FIELDS._ownerId.pool),
      _deletedAt: pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) === 1 ? NOW.toISOString() : null,
      title: pick(FIELDS.title.pool),
      notes: maybe(`${pick(['Call', 'call back', 'See [x]', 'price? ok'])} ${n}`),
      tags: maybe(pick([[], ['hot'], ['vip', 'hot'], ['renewal'], ['vip', 'renewal', 'hot']])),
    };
    for (const key of ['account', 'amount', 'probability', 'expected', 'stage', 'close_date', 'urgent', 'seats'])
      rec[key] = maybe(pick(specOf(key)?.pool ?? []));
    for (const key of Object.keys(rec)) if (rec[key] === undefined) delete rec[key];
    return rec as Rec;
  });
}

function toDocument(rec: Rec): Document {
  const doc: Document = {};
  for (const [key, value] of Object.entries(rec)) {
    if (key === '_deletedAt') doc[key] = value === null ? null : new Date(String(value));
    else doc[key] = toStorage(fieldOf(key), value);
  }
  return doc;
}

/** Compares two API values of one kind the way MongoDB orders their stored forms; undefined (no value) first. */
function compare(kind: Kind, a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (kind === 'decimal') return compareDecimals(String(a), String(b));
  if (kind === 'integer') return Number(a) - Number(b);
  if (kind === 'datetime') return Date.parse(String(a)) - Date.parse(String(b));
  if (kind === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

const shanghaiDay = (iso: string): string => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

/** The filter language read directly, without the compiler or MongoDB. */
function matches(filter: Document, rec: Rec): boolean {
  if (filter.and) return (filter.and as Document[]).every((f) => matches(f, rec));
  if (filter.or) return (filter.or as Document[]).some((f) => matches(f, rec));
  if (filter.not) return !matches(filter.not as Document, rec);
  const { field, op, value } = filter as { field: string; op: string; value: unknown };
  const kind = specOf(field)?.kind ?? 'string';
  const v = rec[field];
  const has = v !== undefined && !(Array.isArray(v) && v.length === 0);
  const is = (x: unknown): boolean => (Array.isArray(v) ? v.includes(x) : has && compare(kind, v, x) === 0);
  const text = typeof v === 'string' ? v.toLowerCase() : undefined;
  const needle = String(value).toLowerCase();
  switch (op) {
    case 'isEmpty':
      return !has;
    case 'isNotEmpty':
      return has;
    case 'eq':
      return is(value);
    case 'ne':
      return !is(value);
    case 'gt':
      return has && compare(kind, v, value) > 0;
    case 'gte':
      return has && compare(kind, v, value) >= 0;
    case 'lt':
      return has && compare(kind, v, value) < 0;
    case 'lte':
      return has && compare(kind, v, value) <= 0;
    case 'in':
      return (value as unknown[]).some(is);
    case 'nin':
      return !(value as unknown[]).some(is);
    case 'between':
      return has && compare(kind, v, (value as unknown[])[0]) >= 0 && compare(kind, v, (value as unknown[])[1]) <= 0;
    case 'contains':
      return kind === 'options' ? is(value) : text !== undefined && text.includes(needle);
    case 'notContains':
      return kind === 'options' ? !is(value) : !(text !== undefined && text.includes(needle));
    case 'startsWith':
      return text !== undefined && text.startsWith(needle);
    case 'relative': {
      if (!has) return false;
      const day = kind === 'date' ? String(v) : shanghaiDay(String(v));
      const [from, to] = PERIODS[String(value)] ?? ['', ''];
      return day >= from && day < to;
    }
    default:
      throw new Error(`no reference for ${op}`);
  }
}

const opsOf = (field: string): readonly string[] => fieldTraits(fieldOf(field), fieldTypes)?.operators ?? [];

function operand(field: string, op: string): fc.Arbitrary<unknown> {
  const spec = specOf(field);
  if (!spec) throw new Error(field);
  const one = spec.kind === 'string' && spec.pool.length === 0 ? fc.constantFrom(...(spec.text ?? [])) : fc.constantFrom(...spec.pool);
  if (op === 'isEmpty' || op === 'isNotEmpty') return fc.constant(undefined);
  if (op === 'in' || op === 'nin') return fc.array(one, { maxLength: 4 });
  if (op === 'between') return fc.tuple(one, one);
  if (op === 'relative') return fc.constantFrom(...Object.keys(PERIODS));
  if ((op === 'contains' || op === 'notContains' || op === 'startsWith') && spec.kind !== 'options')
    return fc.constantFrom(...(spec.text ?? []));
  return one;
}

const condition: fc.Arbitrary<Document> = fc
  .constantFrom(...Object.keys(FIELDS))
  .chain((field) => fc.constantFrom(...opsOf(field)).map((op) => ({ field, op })))
  .chain(({ field, op }) => operand(field, op).map((value) => (value === undefined ? { field, op } : { field, op, value })));

const { filter: filterArb } = fc.letrec<{ filter: Document }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    condition,
    fc.record({ and: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('filter') }),
  ),
}));

let records: Rec[];
let live: Rec[];
let coll: Collection<Document>;

beforeAll(async () => {
  const { db } = await openTestDb(env);
  coll = recordCollection(db, entity.key);
  records = generate();
  live = records.filter((r) => r._deletedAt === null);
  await coll.insertMany(records.map(toDocument));
});

const idsOf = async (query: Document, sort: Document = { _id: 1 }): Promise<string[]> =>
  (await coll.find(query, { projection: { _id: 1 }, sort }).toArray()).map((d) => String(d._id));
const compile = (filter: unknown, options: { deletedOnly?: boolean; includeDeleted?: boolean } = {}): Document =>
  compileFilter(filter, entity, { fieldTypes, now: NOW, timeZone: ZONE, ...options });

describe('compiled filters on the real database', () => {
  it('select exactly the records an in-memory reading of 300 random filters selects', async () => {
    let informative = 0;
    await fc.assert(
      fc.asyncProperty(filterArb, async (filter) => {
        const expected = live
          .filter((r) => matches(filter, r))
          .map((r) => r._id)
          .sort();
        if (expected.length > 0 && expected.length < live.length) informative += 1;
        expect(await idsOf(compile(filter))).toEqual(expected);
      }),
      { numRuns: 300, seed: 20260331 },
    );
    // Most filters must select some records and not others, or the property says little.
    expect(informative).toBeGreaterThan(150);
  });

  it('lists the recycle bin with deletedOnly, or with a condition on _deletedAt', async () => {
    const deleted = records
      .filter((r) => r._deletedAt !== null)
      .map((r) => r._id)
      .sort();
    expect(deleted.length).toBeGreaterThan(10);
    expect(await idsOf(compile(undefined, { deletedOnly: true }))).toEqual(deleted);
    // Live records store _deletedAt: null, which counts as empty.
    expect(await idsOf(compile({ field: '_deletedAt', op: 'isNotEmpty' }, { includeDeleted: true }))).toEqual(deleted);
    expect(await idsOf(compile({ field: '_deletedAt', op: 'isEmpty' }, { includeDeleted: true }))).toEqual(live.map((r) => r._id).sort());
  });

  it.each(['acme', 'ACME (eu)', 'c++ acme', '100%', '赢单', 'call hot', 'renewal', 'a.c.m.e', 'zz'])(
    'searches %j like a plain reading',
    async (q) => {
      const words = q.toLowerCase().split(' ');
      // What a select shows for a value: its key and its labels.
      const shown = (field: string, key: unknown): string[] => {
        const option = (fieldOf(field) as { options?: { key: string; label: Record<string, string> }[] }).options?.find(
          (o) => o.key === key,
        );
        return option ? [option.key, ...Object.values(option.label)] : [];
      };
      const texts = (r: Rec): string[] =>
        [r.title, r.notes, ...shown('stage', r.stage), ...((r.tags as string[] | undefined) ?? []).flatMap((t) => shown('tags', t))].filter(
          (t): t is string => typeof t === 'string',
        );
      const hit = (r: Rec, w: string): boolean => texts(r).some((t) => t.toLowerCase().includes(w));
      const expected = live
        .filter((r) => words.every((w) => hit(r, w)))
        .map((r) => r._id)
        .sort();
      expect(await idsOf(combineQueries(compile(undefined), compileSearch(q, entity, { fieldTypes })))).toEqual(expected);
    },
  );
});

const SORTS = [
  undefined,
  'amount',
  '-amount',
  'close_date',
  '-close_date',
  'title,-amount',
  '-title',
  'stage,-close_date',
  'account',
  '-account,seats',
  'urgent,-seats',
  '-expected',
  '-probability,title',
  '_version,-_createdAt',
  '-_ownerId',
  '_id',
  '-_id',
];

describe('keyset paging on the real database', () => {
  it.each(SORTS)('visits every live record once, in order, 25 at a time, sorted by %j', async (sort) => {
    const { spec, keys } = compileSort(sort, entity, { fieldTypes });
    const order = (a: Rec, b: Rec): number => {
      for (const key of keys) {
        const cmp = compare(specOf(key.field)?.kind ?? 'id', a[key.field], b[key.field]);
        if (cmp !== 0) return cmp * key.direction;
      }
      return 0;
    };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page += 1) {
      const after = cursor === undefined ? {} : keysetFilter(keys, decodeCursor(cursor, keys));
      const docs = await coll.find(combineQueries(compile(undefined), after), { sort: spec, limit: 25 }).toArray();
      seen.push(...docs.map((d) => String(d._id)));
      const last = docs.at(-1);
      if (docs.length < 25 || !last) break;
      cursor = encodeCursor(keys, last);
    }
    expect(seen).toEqual([...live].sort(order).map((r) => r._id));
  });
});
