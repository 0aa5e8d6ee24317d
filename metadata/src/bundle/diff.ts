import type { ItemKind } from '../schema/meta-schemas.js';
import { ITEM_KINDS } from '../schema/meta-schemas.js';
import { pointerSegment } from '../schema/problems.js';
import { bundleItems, type Bundle } from './bundle-types.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

/**
 * One property that differs inside an item. Paths are JSON pointers, except that
 * items of keyed lists (fields, options, tabs, sections, steps) are named by their key
 * or id rather than their position, so a reordering is not a change of every item:
 * `/fields/amount/scale`.
 */
export interface PropertyChange {
  path: string;
  change: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface ItemChange {
  kind: ItemKind;
  key: string;
  change: ChangeKind;
  /** For `changed`: what differs inside the item. */
  properties?: PropertyChange[];
}

export interface BundleDiff {
  changes: ItemChange[];
  summary: Record<ChangeKind, number>;
}

/** The structured difference between two bundles: what `to` adds, removes and changes. */
export function diffBundles(from: Bundle, to: Bundle): BundleDiff {
  const changes: ItemChange[] = [];
  for (const kind of ITEM_KINDS) {
    const before = byKey(bundleItems(from, kind));
    const after = byKey(bundleItems(to, kind));
    for (const [key, item] of after) {
      const old = before.get(key);
      if (old === undefined) changes.push({ kind, key, change: 'added' });
      else {
        const properties = diffValues(old, item, '');
        if (properties.length > 0) changes.push({ kind, key, change: 'changed', properties });
      }
    }
    for (const key of before.keys()) if (!after.has(key)) changes.push({ kind, key, change: 'removed' });
  }
  const summary = { added: 0, removed: 0, changed: 0 };
  for (const c of changes) summary[c.change]++;
  return { changes, summary };
}

type Keyed = { key: string };

function byKey(items: Keyed[]): Map<string, Keyed> {
  return new Map(items.map((item) => [item.key, item]));
}

/** The identity of an item of a keyed list, if the list is one. */
function identity(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  if (typeof record.key === 'string') return record.key;
  if (typeof record.id === 'string') return record.id;
  if (typeof record.field === 'string') return record.field;
  return undefined;
}

function diffValues(before: unknown, after: unknown, path: string): PropertyChange[] {
  if (deepEqual(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyed = [...before, ...after].every((i) => identity(i) !== undefined);
    if (keyed) return diffKeyedLists(before, after, path);
    return [{ path, change: 'changed', before, after }];
  }
  if (isObject(before) && isObject(after)) {
    const changes: PropertyChange[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const sub = `${path}/${pointerSegment(key)}`;
      if (!(key in before)) changes.push({ path: sub, change: 'added', after: after[key] });
      else if (!(key in after)) changes.push({ path: sub, change: 'removed', before: before[key] });
      else changes.push(...diffValues(before[key], after[key], sub));
    }
    return changes;
  }
  return [{ path, change: 'changed', before, after }];
}

function diffKeyedLists(before: unknown[], after: unknown[], path: string): PropertyChange[] {
  const old = new Map(before.map((i) => [identity(i)!, i]));
  const now = new Map(after.map((i) => [identity(i)!, i]));
  const changes: PropertyChange[] = [];
  for (const [id, item] of now) {
    const sub = `${path}/${pointerSegment(id)}`;
    if (!old.has(id)) changes.push({ path: sub, change: 'added', after: item });
    else changes.push(...diffValues(old.get(id), item, sub));
  }
  for (const [id, item] of old) if (!now.has(id)) changes.push({ path: `${path}/${pointerSegment(id)}`, change: 'removed', before: item });
  const order = (list: unknown[]) => list.map(identity).join('\u0000');
  if (changes.length === 0 && order(before) !== order(after)) {
    changes.push({ path, change: 'changed', before: before.map(identity), after: after.map(identity) });
  }
  return changes;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
