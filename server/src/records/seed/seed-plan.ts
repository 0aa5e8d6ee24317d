import { createHash } from 'node:crypto';
import { stronglyConnected } from '@metacrm/metadata';
import { canonicalJson } from '../../metadata/metadata.repository.js';
import type { CompiledEntity } from '../compiled-entity.js';

/** A lookup of one seed entity: the field and the entity it points at. */
export interface SeedLookup {
  field: string;
  target: string;
}

/** In which order a package's entities load, and which of their lookups wait for a second pass. */
export interface SeedPlan {
  /** Lookup targets come before the entities that point at them. */
  order: string[];
  /**
   * Per entity, the lookup fields that point into the entity's own cycle (a self-lookup,
   * or entities that look each other up). Their targets may not exist yet when a record is
   * created: such a value is left out then and set once every record exists.
   */
  cyclic: Map<string, Set<string>>;
}

/**
 * Orders the seed entities so that lookup targets load first: the strongly connected
 * components of the lookup graph (Tarjan), which come out targets first. Entities in
 * one component keep the package's order; lookups inside a component are cyclic.
 * Lookups to entities outside the seed do not constrain the order.
 */
export function seedPlan(entities: readonly string[], lookupsOf: (entity: string) => readonly SeedLookup[]): SeedPlan {
  const inSeed = new Set(entities);
  const edges = new Map(entities.map((e) => [e, lookupsOf(e).filter((l) => inSeed.has(l.target))]));
  const components = stronglyConnected(entities, (entity) => edges.get(entity)!.map((l) => l.target)).map((component) =>
    component.sort((x, y) => entities.indexOf(x) - entities.indexOf(y)),
  );

  const cyclic = new Map<string, Set<string>>();
  for (const component of components) {
    const members = new Set(component);
    for (const entity of component) {
      const fields = edges
        .get(entity)!
        .filter((l) => members.has(l.target))
        .map((l) => l.field);
      if (fields.length > 0) cyclic.set(entity, new Set(fields));
    }
  }
  return { order: components.flat(), cyclic };
}

/** The lookups of a compiled entity, for seedPlan. */
export function lookupsOf(compiled: CompiledEntity): SeedLookup[] {
  return compiled.lookups.map((f) => ({ field: f.key, target: String(f.target) }));
}

/**
 * The keys a package's records of this entity hold that are not writable: computed fields
 * (formula, roll-up, auto-number: the engine works them out, auto-numbers are drawn anew)
 * and system fields (`_version`, `_createdAt`, ...). They are dropped, and the report says so.
 */
export function droppedKeys(compiled: CompiledEntity, records: readonly Record<string, unknown>[]): string[] {
  const dropped = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) if (isDropped(compiled, key)) dropped.add(key);
  }
  return [...dropped].sort();
}

export function isDropped(compiled: CompiledEntity, key: string): boolean {
  return key.startsWith('_') || compiled.traits.get(key)?.computed === true;
}

/**
 * A fingerprint of one package record as the package has it (lookups still as package ids),
 * so that loading the same package again can tell an unchanged record from a changed one.
 */
export function recordHash(record: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}
