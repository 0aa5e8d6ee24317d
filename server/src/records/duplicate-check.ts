import { ObjectId, type Db, type Document } from 'mongodb';
import { localizeProblems, makeProblem, normalizeUniqueText, type Entity, type Language, type Problem } from '@metacrm/metadata';
import { USERS } from '../auth/user-model.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { CompiledEntity } from './compiled-entity.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { ApiRecord, Values } from './record-document.js';
import { withScope, type RelatedAccess } from './related-access.js';

type DuplicateRule = NonNullable<Entity['duplicateRules']>[number];

/** One record to check: its values after defaults and formulas, and its own id (an update) to leave out. */
export interface DuplicateCandidate {
  values: Values;
  /** The fields the write sets: an update checks only the rules whose field it changes. */
  changed?: ReadonlySet<string> | undefined;
  id?: ObjectId | undefined;
}

/** What one record's duplicate rules found: the warnings and the refusals, as problems on the checked field. */
export interface DuplicateFindings {
  warn: Problem[];
  block: Problem[];
}

/** The most matches one rule reports per record: enough to tell the user, never a listing. */
const MATCHES_PER_RULE = 5;

/**
 * The duplicate check (查重) of an entity's `duplicateRules`, for a batch of records at
 * once (one query per rule and match entity, so a bulk load pays a few round trips
 * per batch, not per record). Values compare once Unicode-normalized, trimmed and
 * lower-cased (normalizeUniqueText). The query looks for a few spellings of the value
 * (variants) so that it reads the match field's index where the entity declares one
 * instead of scanning: a stored value in some other mixed case ('McKinsey' for
 * 'mckinsey') is not found, a known limit. Each match
 * is a DUPLICATE_RECORD problem on the checked field naming the matching entity, the
 * match field and the match's owner (id and name, or none); the record's id and
 * display name only when `access` lets the writer read that record, so the check
 * never reveals what the writer may not see.
 */
export async function findDuplicates(
  db: Db,
  snapshot: MetadataSnapshot,
  compiled: CompiledEntity,
  candidates: DuplicateCandidate[],
  access: RelatedAccess,
  writer: { id: string; name: string },
): Promise<DuplicateFindings[]> {
  const out = candidates.map((): DuplicateFindings => ({ warn: [], block: [] }));
  for (const rule of compiled.entity.duplicateRules ?? []) {
    const label = compiled.fields.get(rule.field)?.label;
    const wanted = candidates.map((c) => (c.changed && !c.changed.has(rule.field) ? [] : variants(c.values[rule.field])));
    if (wanted.every((v) => v.length === 0)) continue;
    inBatch(compiled, rule, label, candidates, wanted, writer, out);
    for (const match of rule.match) {
      const target = snapshot.entity(match.entity);
      if (!target) continue;
      const found = await matchingDocs(db, target, match.field, [...new Set(wanted.flat())], MATCHES_PER_RULE * candidates.length);
      if (found.length === 0) continue;
      const shown = await readable(db, target, found, access);
      const owners = await ownerNames(db, found);
      candidates.forEach((candidate, i) => {
        const key = wanted[i]!.length > 0 ? normalizeUniqueText(candidate.values[rule.field]) : undefined;
        const hits = found
          .filter(
            (doc) =>
              key !== undefined &&
              normalizeUniqueText(doc[match.field] ?? '') === key &&
              !(candidate.id && candidate.id.equals(doc._id as ObjectId)),
          )
          .slice(0, MATCHES_PER_RULE);
        for (const doc of hits)
          out[i]![rule.mode === 'block' ? 'block' : 'warn'].push(problem(rule, label, target, match.field, doc, owners, shown));
      });
    }
  }
  return out;
}

/**
 * Matches among the records of one batch (a bulk create), which the database cannot
 * see yet: a record matching an earlier one of the batch on a match of the entity
 * itself is a match owned by the writer, without an id (the earlier one is not saved yet).
 */
function inBatch(
  compiled: CompiledEntity,
  rule: DuplicateRule,
  label: unknown,
  candidates: DuplicateCandidate[],
  wanted: string[][],
  writer: { id: string; name: string },
  out: DuplicateFindings[],
): void {
  if (candidates.length < 2) return;
  for (const match of rule.match.filter((m) => m.entity === compiled.entity.key)) {
    const seen = new Set<string>();
    candidates.forEach((candidate, i) => {
      if (wanted[i]!.length > 0 && seen.has(normalizeUniqueText(candidate.values[rule.field]))) {
        out[i]![rule.mode === 'block' ? 'block' : 'warn'].push(
          makeProblem(`/${rule.field}`, 'DUPLICATE_RECORD', {
            rule: rule.key,
            mode: rule.mode ?? 'warn',
            field: rule.field,
            label,
            entity: compiled.entity.key,
            entityLabel: compiled.entity.label,
            matchField: match.field,
            ownerId: writer.id,
            ownerName: writer.name,
            inBatch: true,
          }),
        );
      }
      const own = candidate.values[match.field];
      if (typeof own === 'string' && own.trim() !== '') seen.add(normalizeUniqueText(own));
    });
  }
}

/**
 * The spellings of a value the query looks for: as given (trimmed), normalized (lower
 * case), upper case and title case. Stored values compare by normalizeUniqueText once
 * found; these spellings let the query use the match field's index.
 */
function variants(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  const lower = normalizeUniqueText(value);
  const title = lower.replace(/(^|[\s\-.&(])(\p{Ll})/gu, (_m: string, gap: string, ch: string) => gap + ch.toLocaleUpperCase('und'));
  return [...new Set([value.trim(), value.normalize('NFKC').trim(), lower, lower.toLocaleUpperCase('und'), title])];
}

async function matchingDocs(db: Db, target: Entity, field: string, values: string[], limit: number): Promise<Document[]> {
  return await recordCollection(db, target.key)
    .find(
      { [field]: { $in: values }, _deletedAt: null },
      { projection: { _id: 1, _ownerId: 1, [field]: 1, [target.displayField]: 1 }, limit },
    )
    .toArray();
}

/** The ids among `docs` the writer may read (their scope), none when they may not read the entity. */
async function readable(db: Db, target: Entity, docs: Document[], access: RelatedAccess): Promise<Set<string>> {
  const scope = await access.scope(target.key);
  if (scope === null) return new Set();
  const ids = [...new Set(docs.map((d) => (d._id as ObjectId).toHexString()))].map((id) => new ObjectId(id));
  const inScope = await recordCollection(db, target.key)
    .find(withScope({ _id: { $in: ids } }, scope), { projection: { _id: 1 } })
    .toArray();
  return new Set(inScope.map((d) => (d._id as ObjectId).toHexString()));
}

async function ownerNames(db: Db, docs: Document[]): Promise<Map<string, string>> {
  const ids = [...new Set(docs.map((d) => d._ownerId).filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)))];
  if (ids.length === 0) return new Map();
  const users = await db
    .collection(USERS)
    .find({ _id: { $in: ids.map((id) => new ObjectId(id)) } }, { projection: { name: 1, email: 1 } })
    .toArray();
  return new Map(users.map((u) => [(u._id as ObjectId).toHexString(), String(u.name ?? u.email ?? '')]));
}

function problem(
  rule: DuplicateRule,
  label: unknown,
  target: Entity,
  matchField: string,
  doc: Document,
  owners: Map<string, string>,
  shown: Set<string>,
): Problem {
  const id = (doc._id as ObjectId).toHexString();
  const ownerId = typeof doc._ownerId === 'string' ? doc._ownerId : null;
  const display = doc[target.displayField];
  const record = shown.has(id) ? { record: { id, name: typeof display === 'string' ? display : null } } : {};
  return makeProblem(`/${rule.field}`, 'DUPLICATE_RECORD', {
    rule: rule.key,
    mode: rule.mode ?? 'warn',
    field: rule.field,
    label,
    entity: target.key,
    entityLabel: target.label,
    matchField,
    ownerId,
    ...(ownerId && owners.has(ownerId) ? { ownerName: owners.get(ownerId) } : {}),
    ...record,
  });
}

/** A written record's duplicate warnings (`_duplicates`) in the answer's language. */
export function withLocalDuplicates(record: ApiRecord, lang: Language): ApiRecord {
  const found = record._duplicates as Problem[] | undefined;
  return found === undefined ? record : { ...record, _duplicates: localizeProblems(found, lang) };
}
