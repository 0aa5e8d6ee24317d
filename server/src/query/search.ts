import type { Document } from 'mongodb';
import type { Entity, Field } from '@metacrm/metadata';
import { resolveField, type FieldOptions, type QueryField } from './query-fields.js';
import { QueryError } from './query.errors.js';
import { containsRegex } from './regex.js';

/** Bounds on free-text search: each word costs one regex per searched field. */
export const SEARCH_LIMITS = { length: 200, words: 5 } as const;

/** A query that matches no record. */
const NOTHING: Document = { _id: { $in: [] } };

interface Option {
  key: string;
  label?: Record<string, string>;
}

type Searched = { kind: 'text'; name: string } | { kind: 'options'; name: string; options: Option[] };

/**
 * Compiles free text `q` into a MongoDB query: every word must match at least one
 * searched field (an AND of per-word ORs). Searched fields:
 * - text-like fields, i.e. string fields whose type allows `contains` (text, long_text,
 *   email, phone, url, auto_number, text formulas, plugin types alike): a
 *   case-insensitive regex on the escaped word;
 * - single and multi selects: the options whose key or label (in either language)
 *   contains the word, since users type what they see, not option keys.
 * rich_text is left out: its HTML markup would match words such as "div".
 * Fields that `canRead` refuses are not searched (silently: the search box names none).
 * The engine has no $text index (nor does SecantusDB); real MongoDB runs the same regexes.
 *
 * @returns `{}` for a blank q
 * @throws QueryError 400 SEARCH_INVALID for more than 200 characters or 5 words
 */
export function compileSearch(q: string, entity: Entity, options: FieldOptions): Document {
  if (typeof q !== 'string') throw new QueryError('SEARCH_INVALID', 'The search must be text', '/q');
  const text = q.trim();
  if (text === '') return {};
  if (text.length > SEARCH_LIMITS.length)
    throw new QueryError('SEARCH_INVALID', `A search may be at most ${SEARCH_LIMITS.length} characters long`, '/q');
  // MongoDB refuses NUL in a regular expression.
  if (text.includes('\0')) throw new QueryError('SEARCH_INVALID', 'The search may not contain NUL characters', '/q');
  const words = [...new Map(text.split(/\s+/).map((w) => [w.toLowerCase(), w])).values()];
  if (words.length > SEARCH_LIMITS.words)
    throw new QueryError('SEARCH_INVALID', `A search may have at most ${SEARCH_LIMITS.words} words`, '/q');
  const fields = searchedFields(entity, options);
  const clauses: Document[] = [];
  for (const word of words) {
    const branches = fields.flatMap((f) => wordBranch(f, word));
    if (branches.length === 0) return NOTHING;
    clauses.push({ $or: branches });
  }
  return clauses.length === 1 ? (clauses[0] ?? NOTHING) : { $and: clauses };
}

function searchedFields(entity: Entity, options: FieldOptions): Searched[] {
  const searched: Searched[] = [];
  for (const field of entity.fields) {
    const ref = resolveField(field.key, entity, options.fieldTypes);
    if (!ref || (options.canRead && !options.canRead(ref.name))) continue;
    if (ref.options) searched.push({ kind: 'options', name: ref.name, options: optionsOf(field) });
    else if (isTextLike(ref)) searched.push({ kind: 'text', name: ref.name });
  }
  return searched;
}

function isTextLike(ref: QueryField): boolean {
  return ref.traits.value === 'string' && ref.traits.operators.includes('contains') && ref.traits.searchable !== false;
}

function wordBranch(field: Searched, word: string): Document[] {
  if (field.kind === 'text') return [{ [field.name]: containsRegex(word) }];
  const needle = word.toLowerCase();
  const keys = field.options
    .filter((o) => [o.key, ...Object.values(o.label ?? {})].some((s) => String(s).toLowerCase().includes(needle)))
    .map((o) => o.key);
  return keys.length > 0 ? [{ [field.name]: { $in: keys } }] : [];
}

function optionsOf(field: Field): Option[] {
  const options = (field as { options?: unknown }).options;
  return Array.isArray(options) ? (options as Option[]) : [];
}
