import { Decimal128, type Document, type ObjectId } from 'mongodb';
import { STATUSES, type CrmRecord } from '../lib/crm-record.js';
import type { Prng } from '../lib/prng.js';
import { tagKey } from './lead-bundle.js';

/**
 * The generated CRM record (bench/lib/crm-record.ts) in the two forms the records
 * benchmark needs: the engine's storage format, for the bulk load and for the bare
 * driver's writes, and the API form, for the engine's and the HTTP creates. Both come
 * from the same generated record, so engine and driver write the same data.
 */

/** A record's 20 field values as MongoDB stores them (no `_id`, no system fields). */
export type LeadValues = Document;

/** The generator's probability (0.347) as the percent field holds it: percentage points, one decimal ("34.7"). */
function percent(probability: number): string {
  return (probability * 100).toFixed(1);
}

/**
 * The 20 field values in the engine's storage format (server/src/record-storage/field-codec.ts):
 * Decimal128 for currency and percent, Date for date and date-time, ObjectId for the
 * lookup, the user reference as its hex string, option keys for the selects.
 */
export function storedValues(r: CrmRecord): LeadValues {
  return {
    name: r.name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    status: r.status,
    industry: r.industry,
    city: r.city,
    country: r.country,
    score: r.score,
    revenue: r.revenue,
    probability: Decimal128.fromString(percent(r.probability)),
    tags: r.tags.map(tagKey),
    is_active: r.is_active,
    created_on: r.created_on,
    updated_on: r.updated_on,
    owner_id: r.owner_id.toHexString(),
    notes: r.notes,
    account_id: r.account_id,
    postal_code: r.postal_code,
    website: r.website,
  };
}

/**
 * A loaded record as the engine stores it: the field values, then the system fields the
 * engine sets on create. The record's owner created it and owns it; `_ownerId` and the
 * `_…By` fields hold user ids as strings, as the engine writes them.
 */
export function leadDocument(r: CrmRecord): Document & { _id: ObjectId } {
  const owner = r.ownerId.toHexString();
  return {
    _id: r._id,
    ...storedValues(r),
    _version: 1,
    _createdAt: r.createdAt,
    _updatedAt: r.updatedAt,
    _createdBy: owner,
    _updatedBy: owner,
    _ownerId: owner,
    _deletedAt: null,
  };
}

/** The same record as a client sends it to create: decimals as strings, dates as text, references as hex ids. */
export function leadInput(r: CrmRecord): Record<string, unknown> {
  return {
    ...storedValues(r),
    revenue: r.revenue.toString(),
    probability: percent(r.probability),
    created_on: r.created_on.toISOString().slice(0, 10),
    updated_on: r.updated_on.toISOString(),
    account_id: r.account_id.toHexString(),
  };
}

/** An account the leads' lookup points at, as the engine stores it. */
export function accountDocument(_id: ObjectId, n: number, at: Date): Document & { _id: ObjectId } {
  return {
    _id,
    name: `Account ${n}`,
    _version: 1,
    _createdAt: at,
    _updatedAt: at,
    _createdBy: 'system',
    _updatedBy: 'system',
    _ownerId: 'system',
    _deletedAt: null,
  };
}

/** One edit of a lead, in API form and as stored: what a patch sends and what it sets. */
export interface LeadPatch {
  input: { status: string; score: number; updated_on: string };
  stored: { status: string; score: number; updated_on: Date };
}

/**
 * A typical edit: a new status and score, and the time of the contact that prompted it.
 * The time is new on every call, so every patch changes the record and writes its
 * history (a patch that changes nothing writes nothing, which would flatter the engine).
 */
export function leadPatch(rng: Prng, seq: number): LeadPatch {
  const at = new Date(Date.UTC(2026, 0, 1) + seq * 1000);
  const status = rng.pick(STATUSES);
  const score = rng.int(0, 100);
  return { input: { status, score, updated_on: at.toISOString() }, stored: { status, score, updated_on: at } };
}
