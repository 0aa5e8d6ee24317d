import type { ClientSession, Db } from 'mongodb';
import { upsertAndUpdate } from '../storage/upsert.js';

export interface AutoNumberSettings {
  prefix?: string;
  dateFormat?: 'none' | 'YYYY' | 'YYYYMM' | 'YYYYMMDD';
  digits?: number;
  separator?: string;
}

/**
 * Issues the next number of an auto-number field with an atomic `$inc` on a counter
 * document, so concurrent creates never share one. With a date part the sequence
 * restarts for each period (Q-202611-00001, ...).
 */
export async function nextAutoNumber(
  db: Db,
  entity: string,
  field: string,
  settings: AutoNumberSettings,
  at: Date,
  session?: ClientSession,
): Promise<string> {
  const period = datePart(settings.dateFormat ?? 'none', at);
  const seq = String(await nextSequence(db, `${entity}.${field}${period ? `.${period}` : ''}`, session)).padStart(
    settings.digits ?? 5,
    '0',
  );
  const sep = settings.separator ?? '-';
  return [settings.prefix, period, seq].filter((part) => part !== undefined && part !== '').join(sep);
}

/** `count` numbers in a row for a batch of creates, from one atomic `$inc` of the counter. */
export async function nextAutoNumbers(
  db: Db,
  entity: string,
  field: string,
  settings: AutoNumberSettings,
  at: Date,
  count: number,
): Promise<string[]> {
  const period = datePart(settings.dateFormat ?? 'none', at);
  const last = await nextSequence(db, `${entity}.${field}${period ? `.${period}` : ''}`, undefined, count);
  const sep = settings.separator ?? '-';
  return Array.from({ length: count }, (_, i) =>
    [settings.prefix, period, String(last - count + 1 + i).padStart(settings.digits ?? 5, '0')]
      .filter((part) => part !== undefined && part !== '')
      .join(sep),
  );
}

/** The next value (1, 2, ...) of the named counter in the `counters` collection; atomic. */
export async function nextSequence(db: Db, id: string, session?: ClientSession, by = 1): Promise<number> {
  const counters = db.collection<{ _id: string; seq: number }>('counters');
  const counter = await upsertAndUpdate(counters, { _id: id }, { seq: 0 }, { $inc: { seq: by } }, session);
  return counter.seq;
}

function datePart(format: string, at: Date): string {
  const iso = at.toISOString();
  switch (format) {
    case 'YYYY':
      return iso.slice(0, 4);
    case 'YYYYMM':
      return iso.slice(0, 4) + iso.slice(5, 7);
    case 'YYYYMMDD':
      return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
    default:
      return '';
  }
}
