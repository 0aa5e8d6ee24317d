import type { Db } from 'mongodb';
import type { Bundle, Entity } from '@metacrm/metadata';
import { MetadataRepository } from './metadata.repository.js';

/** An immutable view of one published metadata version, shared by every request on it. */
export interface MetadataSnapshot {
  readonly version: number;
  readonly bundle: Bundle;
  entity(key: string): Entity | undefined;
}

/** A frozen snapshot of `bundle` as version `version` (also for bundles not published yet, in dry runs). */
export function snapshotOf(version: number, bundle: Bundle): MetadataSnapshot {
  const frozen = deepFreeze(bundle);
  const entities = new Map(frozen.entities.map((e) => [e.key, e]));
  return Object.freeze({ version, bundle: frozen, entity: (key: string) => entities.get(key) });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The current metadata snapshot of one database, cached. A publish anywhere drops it
 * through Redis pub/sub (`invalidate`); should a message be lost, the pointer is
 * re-read once it is older than `maxStalenessMs` anyway.
 */
export class MetadataCache {
  private snapshot: MetadataSnapshot | undefined;
  private checkedAt = 0;
  private loading: Promise<MetadataSnapshot> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxStalenessMs = 10_000,
  ) {}

  async current(): Promise<MetadataSnapshot> {
    if (this.snapshot && Date.now() - this.checkedAt < this.maxStalenessMs) return this.snapshot;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return await this.loading;
  }

  /** Forgets the cached pointer; the next `current()` reads it again. */
  invalidate(): void {
    this.checkedAt = 0;
  }

  private async load(): Promise<MetadataSnapshot> {
    const repo = new MetadataRepository(this.db);
    const version = await repo.currentVersion();
    if (this.snapshot?.version !== version) this.snapshot = snapshotOf(version, await repo.bundleOf(version));
    this.checkedAt = Date.now();
    return this.snapshot;
  }
}

/**
 * The draft as a snapshot, for a dry run of what the designer has not published yet
 * (never cached: the draft changes with every save). With no draft started, the
 * draft is the current version.
 */
export async function draftSnapshot(db: Db, cache: MetadataCache): Promise<MetadataSnapshot> {
  const repo = new MetadataRepository(db);
  const state = await repo.state.findOne({ _id: 'draft' });
  if (!state) return await cache.current();
  return snapshotOf(state.version ?? 0, await repo.draftBundle());
}
