import { describe, expect, it } from 'vitest';
import { emptyBundle } from '@metacrm/metadata';
import { snapshotOf, type MetadataSnapshot } from './metadata-cache.js';
import { SnapshotLru } from './snapshot-lru.js';

function loader() {
  const loads: number[] = [];
  const load = async (version: number): Promise<MetadataSnapshot> => {
    loads.push(version);
    return snapshotOf(version, emptyBundle());
  };
  return { loads, load };
}

describe('SnapshotLru', () => {
  it('never holds more versions than its capacity, however many are asked for', async () => {
    const cache = new SnapshotLru(3);
    const { loads, load } = loader();
    for (let version = 1; version <= 100; version++) expect((await cache.get(version, load)).version).toBe(version);
    expect(cache.versions()).toEqual([98, 99, 100]);
    expect(loads).toHaveLength(100);
  });

  it('drops the least recently used version, not the oldest loaded', async () => {
    const cache = new SnapshotLru(2);
    const { loads, load } = loader();
    await cache.get(1, load);
    await cache.get(2, load);
    await cache.get(1, load); // a hit: 1 becomes the most recent
    await cache.get(3, load); // 2 goes
    expect(cache.versions()).toEqual([1, 3]);
    await cache.get(1, load);
    await cache.get(2, load);
    expect(loads).toEqual([1, 2, 3, 2]);
  });

  it('shares one load between concurrent misses and keeps no failed load', async () => {
    const cache = new SnapshotLru(2);
    const { loads, load } = loader();
    const [a, b] = await Promise.all([cache.get(7, load), cache.get(7, load)]);
    expect(a).toBe(b);
    expect(loads).toEqual([7]);
    await expect(cache.get(8, () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    expect(cache.versions()).toEqual([7]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new SnapshotLru(0)).toThrow(RangeError);
  });
});
