import { isRecordReference } from '@metacrm/metadata';
import { ObjectId } from 'mongodb';
import type { CompiledEntity } from '../compiled-entity.js';
import { isDropped } from './seed-plan.js';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** A problem with one package record, pointing into it. */
export interface InputProblem {
  pointer: string;
  code: string;
  message: string;
}

/** What the package knows about the records a lookup may name. */
export interface LookupContext {
  /** The record id a package record of `entity` was loaded as, if it has been. */
  loaded(entity: string, sourceId: string): string | undefined;
  /** Whether the package has a record of `entity` with this id. */
  inPackage(entity: string, sourceId: string): boolean;
  /** Dry run: whether that record would be loaded (no check refused it so far in this run). */
  wouldLoad(entity: string, sourceId: string): boolean;
  dryRun: boolean;
  /** The entity's lookups that point into its own cycle (seedPlan). */
  cyclic: ReadonlySet<string>;
}

/** A package record made ready for the record pipeline. */
export interface SeedInput {
  /** The writable fields, lookups remapped from package ids to record ids. */
  input: Record<string, unknown>;
  /** Cyclic lookups left out because their target does not exist yet: set in the second pass. */
  deferred: string[];
  /** Dry run: ids standing in for package records that are not loaded (the pipeline cannot know them). */
  placeholders: Set<string>;
  problems: InputProblem[];
}

/**
 * Turns one package record into pipeline input: drops its id and its computed and system
 * fields, and remaps every lookup. A lookup names a package record (loaded: its new id;
 * not yet, in a cycle: deferred; failed: a problem) or an existing record by its id; any
 * other value is a problem. Everything else goes to the pipeline as it is, which
 * validates it (unknown fields included).
 */
export function seedInput(compiled: CompiledEntity, record: Record<string, unknown>, ctx: LookupContext): SeedInput {
  const out: SeedInput = { input: {}, deferred: [], placeholders: new Set(), problems: [] };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'id' || isDropped(compiled, key)) continue;
    const field = compiled.fields.get(key);
    if (!field || !isRecordReference(field) || typeof value !== 'string' || value === '') {
      out.input[key] = value;
      continue;
    }
    const target = String(field.target);
    const loaded = ctx.loaded(target, value);
    if (loaded !== undefined) out.input[key] = loaded;
    else if (ctx.inPackage(target, value)) unloaded(out, key, target, value, ctx);
    else if (OBJECT_ID.test(value))
      out.input[key] = value; // an existing record: the pipeline checks it is live
    else
      out.problems.push({
        pointer: `/${key}`,
        code: 'UNKNOWN_ENTITY',
        message: `no ${target} record "${value}" in the package or the database`,
      });
  }
  return out;
}

/** A lookup to a package record that has no record id yet. */
function unloaded(out: SeedInput, key: string, target: string, sourceId: string, ctx: LookupContext): void {
  if (ctx.dryRun && (ctx.cyclic.has(key) || ctx.wouldLoad(target, sourceId))) {
    const placeholder = new ObjectId().toHexString();
    out.placeholders.add(placeholder);
    out.input[key] = placeholder;
  } else if (!ctx.dryRun && ctx.cyclic.has(key)) {
    out.deferred.push(key);
  } else {
    out.problems.push({
      pointer: `/${key}`,
      code: 'UNKNOWN_ENTITY',
      message: `the package's ${target} record "${sourceId}" was not loaded`,
    });
  }
}
