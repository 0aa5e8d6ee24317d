import type { Db, Filter } from 'mongodb';
import { BadRequest } from '../errors/index.js';
import { containsRegex } from '../query/regex.js';
import { parseId, users, type UserDoc } from './user-model.js';

/** The most ids one lookup names (a page of a list, a board of 200 cards, their owners). */
export const DIRECTORY_MAX_IDS = 200;
const MAX_SEARCH = 50;

/**
 * A colleague as every signed-in user may see them: the name a record's user field
 * shows, and the initials of an avatar. The email only for holders of the `users`
 * admin right; nothing else of the account (roles, manager, sign-ins) ever.
 */
export interface DirectoryUser {
  id: string;
  name: string;
  initials: string;
  active: boolean;
  email?: string;
}

export interface DirectoryOptions {
  db: Db;
  /** The actor holds the `users` admin right: answers carry emails. */
  withEmail: boolean;
}

/**
 * The read-only user directory behind user fields. `/api/users` is user administration
 * (admins only); this answers what any signed-in user needs to read a record: the names
 * of the users its fields name (`ids`, inactive users included, as old records keep
 * naming them), and active users by name for a user picker (`q`).
 */
export class UserDirectory {
  constructor(private readonly options: DirectoryOptions) {}

  /** The users among `ids` (unknown and malformed ids are left out), in the order asked. */
  async byIds(ids: readonly string[]): Promise<DirectoryUser[]> {
    if (ids.length > DIRECTORY_MAX_IDS)
      throw BadRequest(`At most ${DIRECTORY_MAX_IDS} ids a lookup`, [
        { pointer: '/query/ids', code: 'OUT_OF_RANGE', params: { maxItems: DIRECTORY_MAX_IDS } },
      ]);
    const wanted = [...new Set(ids)].flatMap((id) => parseId(id) ?? []);
    if (wanted.length === 0) return [];
    const docs = await users(this.options.db)
      .find({ _id: { $in: wanted } }, { projection: PROJECTION })
      .toArray();
    const byId = new Map(docs.map((d) => [String(d._id), d]));
    return ids
      .flatMap((id) => byId.get(id.toLowerCase()) ?? [])
      .filter(unique)
      .map((d) => this.present(d));
  }

  /** Active users whose name (or, for user admins, email) contains `q`, by name. */
  async search(q: string, limit = 20): Promise<DirectoryUser[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH)
      throw BadRequest(`limit must be a whole number from 1 to ${MAX_SEARCH}`, [
        { pointer: '/query/limit', code: 'OUT_OF_RANGE', params: { min: 1, max: MAX_SEARCH } },
      ]);
    const text = q.trim().slice(0, 100);
    const filter: Filter<UserDoc> = { active: true };
    if (text)
      filter.$or = [{ name: containsRegex(text) }, ...(this.options.withEmail ? [{ email: containsRegex(text.toLowerCase(), true) }] : [])];
    const docs = await users(this.options.db).find(filter, { projection: PROJECTION }).sort({ name: 1, _id: 1 }).limit(limit).toArray();
    return docs.map((d) => this.present(d));
  }

  private present(doc: Pick<UserDoc, '_id' | 'name' | 'email' | 'active'>): DirectoryUser {
    const user: DirectoryUser = { id: String(doc._id), name: doc.name, initials: initialsOf(doc.name), active: doc.active };
    if (this.options.withEmail) user.email = doc.email;
    return user;
  }
}

const PROJECTION = { _id: 1, name: 1, email: 1, active: 1 } as const;

function unique(doc: { _id: unknown }, i: number, all: { _id: unknown }[]): boolean {
  return all.findIndex((d) => String(d._id) === String(doc._id)) === i;
}

/**
 * The letters of an avatar: the first letters of the first and last words ("Ada
 * Lovelace" → "AL"); a name without spaces (Chinese names) gives its first character
 * or two ("王小明" → "小明", as colleagues address each other by the given name).
 */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length > 1) return `${[...words[0]!][0]}${[...words[words.length - 1]!][0]}`.toUpperCase();
  const chars = [...words[0]!];
  if (/^\p{Script=Han}+$/u.test(words[0]!) && chars.length >= 3) return chars.slice(-2).join('');
  return chars
    .slice(0, /^\p{Script=Han}+$/u.test(words[0]!) ? 2 : 1)
    .join('')
    .toUpperCase();
}
