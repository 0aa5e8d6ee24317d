import { Decimal128, ObjectId } from 'mongodb';
import { Prng } from './prng.js';

/** The select list of the `status` field; list benchmarks filter on one of these. */
export const STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;

/** One value of {@link STATUSES}. */
export type Status = (typeof STATUSES)[number];

/**
 * A stored record of a 20-field CRM entity (a lead / contact hybrid), with the system
 * fields the record engine sets. `created_on` / `updated_on` are business dates (as an
 * import from another CRM carries them); `createdAt` / `updatedAt` are the engine's.
 */
export interface CrmRecord {
  _id: ObjectId;
  name: string;
  email: string;
  phone: string;
  company: string;
  status: Status;
  industry: string;
  city: string;
  country: string;
  score: number;
  revenue: Decimal128;
  probability: number;
  tags: string[];
  is_active: boolean;
  created_on: Date;
  updated_on: Date;
  owner_id: ObjectId;
  notes: string;
  account_id: ObjectId;
  postal_code: string;
  website: string;
  _version: number;
  createdAt: Date;
  updatedAt: Date;
  ownerId: ObjectId;
  deletedAt: null;
}

const FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kofi',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoe',
];
const LAST = [
  'Adler',
  'Brandt',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Haddad',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Yilmaz',
  'Zhang',
];
const COMPANY_A = [
  'Acme',
  'Blue',
  'Cedar',
  'Delta',
  'Everest',
  'Falcon',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orion',
  'Pioneer',
];
const COMPANY_B = [
  'Analytics',
  'Bank',
  'Consulting',
  'Dynamics',
  'Energy',
  'Foods',
  'Health',
  'Industries',
  'Logistics',
  'Media',
  'Robotics',
  'Software',
  'Systems',
  'Telecom',
];
const INDUSTRIES = [
  'Agriculture',
  'Banking',
  'Construction',
  'Education',
  'Energy',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Manufacturing',
  'Media',
  'Retail',
  'Technology',
  'Telecommunications',
  'Transport',
];
const PLACES: readonly (readonly [city: string, country: string])[] = [
  ['Amsterdam', 'NL'],
  ['Berlin', 'DE'],
  ['Chicago', 'US'],
  ['Dublin', 'IE'],
  ['Lisbon', 'PT'],
  ['Lyon', 'FR'],
  ['Madrid', 'ES'],
  ['Milan', 'IT'],
  ['Osaka', 'JP'],
  ['Oslo', 'NO'],
  ['São Paulo', 'BR'],
  ['Seoul', 'KR'],
  ['Sydney', 'AU'],
  ['Toronto', 'CA'],
  ['Warsaw', 'PL'],
];
/** The options of the `tags` multi-select; a record carries 0 to 4 of them. */
export const TAGS = [
  'vip',
  'newsletter',
  'trade-show',
  'referral',
  'partner',
  'enterprise',
  'smb',
  'renewal',
  'upsell',
  'churn-risk',
  'webinar',
  'inbound',
];
const WORDS = [
  'call',
  'follow',
  'up',
  'budget',
  'approved',
  'next',
  'quarter',
  'demo',
  'scheduled',
  'pricing',
  'questions',
  'about',
  'integration',
  'with',
  'their',
  'erp',
  'decision',
  'maker',
  'is',
  'the',
  'cfo',
  'sent',
  'proposal',
  'waiting',
  'for',
  'legal',
  'review',
  'contract',
  'renewal',
  'in',
  'march',
];

/** 2026-01-01T00:00:00Z: every generated date lies before it, so data never depends on the clock. */
const BASE_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;
const BASE_SECONDS_HEX = Math.floor(BASE_MS / 1000)
  .toString(16)
  .padStart(8, '0');

/** A deterministic ObjectId: fixed timestamp, a kind byte, then a counter, so ids increase like driver-made ones. */
function objectId(kind: number, n: number): ObjectId {
  return ObjectId.createFromHexString(BASE_SECONDS_HEX + kind.toString(16).padStart(2, '0') + n.toString(16).padStart(14, '0'));
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z0-9]+/g, '');
}

/** Options of {@link CrmRecordGenerator}. */
export interface CrmRecordGeneratorOptions {
  /** Number of distinct users that own records (default 25). */
  owners?: number;
  /** Number of distinct accounts the `account_id` lookup points at (default 1,000). */
  accounts?: number;
}

/**
 * Generates CRM records from a seed: the same seed yields the same records, ids
 * included, in the same order. Later benchmarks reuse it so that all of them measure
 * the same data.
 */
export class CrmRecordGenerator {
  /** The user ids that appear in `ownerId` / `owner_id`. */
  readonly owners: readonly ObjectId[];
  /** The account ids that appear in `account_id`. */
  readonly accounts: readonly ObjectId[];
  private readonly rng: Prng;
  private seq = 0;

  constructor(seed = 1, options: CrmRecordGeneratorOptions = {}) {
    this.rng = new Prng(seed);
    this.owners = Array.from({ length: options.owners ?? 25 }, (_, i) => objectId(0x01, i + 1));
    this.accounts = Array.from({ length: options.accounts ?? 1000 }, (_, i) => objectId(0x02, i + 1));
  }

  /** The next record, as the engine would store it on create (`_version` 1). */
  next(): CrmRecord {
    const r = this.rng;
    this.seq += 1;
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    const company = `${r.pick(COMPANY_A)} ${r.pick(COMPANY_B)}`;
    const domain = `${slug(company)}.example`;
    const [city, country] = r.pick(PLACES);
    const createdOn = new Date(BASE_MS - r.int(30, 1500) * DAY_MS);
    const updatedOn = new Date(createdOn.getTime() + r.int(0, 29) * DAY_MS);
    const createdAt = new Date(BASE_MS - r.int(0, 700) * DAY_MS - r.int(0, DAY_MS - 1));
    const owner = r.pick(this.owners);
    return {
      _id: objectId(0x10, this.seq),
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}${this.seq}@${domain}`,
      phone: `+${r.int(1, 99)} ${r.int(100, 999)} ${r.int(100000, 9999999)}`,
      company,
      status: r.pick(STATUSES),
      industry: r.pick(INDUSTRIES),
      city,
      country,
      score: r.int(0, 100),
      revenue: Decimal128.fromString((r.int(0, 500_000_000) / 100).toFixed(2)),
      probability: Math.round(r.float(0, 1) * 1000) / 1000,
      tags: r.sample(TAGS, r.int(0, 4)),
      is_active: r.chance(0.85),
      created_on: createdOn,
      updated_on: updatedOn,
      owner_id: owner,
      notes: this.sentence(r.int(12, 60)),
      account_id: r.pick(this.accounts),
      postal_code: String(r.int(10000, 99999)),
      website: `https://www.${domain}`,
      _version: 1,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + r.int(0, 90) * DAY_MS),
      ownerId: owner,
      deletedAt: null,
    };
  }

  /** The next `count` records. */
  batch(count: number): CrmRecord[] {
    return Array.from({ length: count }, () => this.next());
  }

  /** A typical two-field edit (status and score), as a versioned update sets them. */
  patch(): Pick<CrmRecord, 'status' | 'score'> {
    return { status: this.rng.pick(STATUSES), score: this.rng.int(0, 100) };
  }

  private sentence(words: number): string {
    return Array.from({ length: words }, () => this.rng.pick(WORDS)).join(' ');
  }
}
