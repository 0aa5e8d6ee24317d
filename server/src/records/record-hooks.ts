import { Registry } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import type { FieldChange } from '../audit/record-trail.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { RecordOperation } from './record-writer.js';
import type { Values } from './record-document.js';

/**
 * What a before-hook sees: it may change `input` or throw an AppError to refuse the
 * write. A delete has an empty `input`, and changing it has no effect.
 */
export interface BeforeWrite {
  entity: string;
  op: 'create' | 'update' | 'delete';
  actor: Actor;
  /** The record's id (update and delete). */
  id?: string | undefined;
  /** The fields the client sent, already stripped of `_version`; change it in place. */
  input: Record<string, unknown>;
  /** The record's values before the write (update only). */
  current?: Values;
  /** The metadata version the write runs on, so a hook can tell whether it concerns the entity at all. */
  snapshot: MetadataSnapshot;
}

/** What an after-hook sees, once the write has committed. It observes only. */
export interface AfterWrite {
  entity: string;
  op: RecordOperation;
  actor: Actor;
  id: string;
  version: number;
  changes: FieldChange[];
}

export interface RecordHook {
  /** `*` for every entity, or one entity key. */
  entity: string;
  before?: (write: BeforeWrite) => void | Promise<void>;
  after?: (write: AfterWrite) => void | Promise<void>;
}

/** Record hooks by name; the workflow engine and plugins register theirs. */
export type RecordHooks = Registry<RecordHook>;

export function createRecordHooks(): RecordHooks {
  return new Registry<RecordHook>('record hook');
}

/** Runs the before-hooks for an entity in registration order; the first to throw refuses the write. */
export async function runBefore(hooks: RecordHooks | undefined, write: BeforeWrite): Promise<void> {
  for (const [, hook] of hooks?.entries() ?? []) {
    if (hook.before && (hook.entity === '*' || hook.entity === write.entity)) await hook.before(write);
  }
}

/**
 * Runs the after-hooks. The write has committed, so a failing hook cannot undo it:
 * its error goes to `onError` (the logger) and the other hooks still run.
 */
export async function runAfter(
  hooks: RecordHooks | undefined,
  write: AfterWrite,
  onError: (err: unknown, hook: string) => void,
): Promise<void> {
  for (const [name, hook] of hooks?.entries() ?? []) {
    if (!hook.after || (hook.entity !== '*' && hook.entity !== write.entity)) continue;
    try {
      await hook.after(write);
    } catch (err) {
      onError(err, name);
    }
  }
}
