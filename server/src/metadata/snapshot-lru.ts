import type { MetadataSnapshot } from './metadata-cache.js';

/** How many metadata versions a worker keeps compiled by default: runs rarely span more. */
export const DEFAULT_SNAPSHOT_VERSIONS = 8;

/**
 * Snapshots of past metadata versions, the least recently used dropped past `capacity`.
 * A run finishes on the version it started on, so a long-lived worker meets every
 * version ever published; an unbounded map of them grows with each publish for the
 * life of the process. Concurrent misses for one version share one load.
 */
export class SnapshotLru {
  /** Map iteration follows insertion order: a hit is moved to the end, the first entry is the oldest. */
  private readonly entries = new Map<number, Promise<MetadataSnapshot>>();

  constructor(readonly capacity = DEFAULT_SNAPSHOT_VERSIONS) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`The snapshot cache needs room for one version at least, not ${capacity}`);
  }

  /** The snapshot of `version`, from the cache or from `load` (a failed load is not kept). */
  async get(version: number, load: (version: number) => Promise<MetadataSnapshot>): Promise<MetadataSnapshot> {
    let entry = this.entries.get(version);
    if (entry) {
      this.entries.delete(version);
    } else {
      entry = load(version);
      entry.catch(() => {
        if (this.entries.get(version) === entry) this.entries.delete(version);
      });
    }
    this.entries.set(version, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return await entry;
  }

  /** The versions held, least recently used first. */
  versions(): number[] {
    return [...this.entries.keys()];
  }
}
