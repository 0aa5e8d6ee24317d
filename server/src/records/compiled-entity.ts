import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  compileFormConditions,
  defaultFormOf,
  fieldTraits,
  isNormalizedUnique,
  isRecordReference,
  isRollupField,
  isUniqueField,
  linearRegExp,
  uniqueIndexKey,
  varsOf,
  writableRecordSchema,
  type BundleRegistries,
  type Entity,
  type Field,
  type FieldTypeDefinition,
  type FormConditions,
  type ValidationRule,
} from '@metacrm/metadata';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

export type AnyField = Field & Record<string, unknown>;

/** A lookup elsewhere that points at this entity, for on-delete behaviour and related lists. */
export interface InboundLookup {
  entity: string;
  field: AnyField;
}

/** A roll-up on a parent entity that summarizes records of this entity. */
export interface ParentRollup {
  parent: string;
  field: AnyField;
  via: string;
}

/**
 * Everything the record pipeline needs about one entity of one metadata version,
 * worked out once: the compiled validator, formulas in dependency order, uniques,
 * lookups in and out, the roll-ups this entity feeds, its validation rules and the
 * conditions of its forms.
 */
export interface CompiledEntity {
  entity: Entity;
  fields: Map<string, AnyField>;
  traits: Map<string, FieldTypeDefinition>;
  validate: ValidateFunction;
  formulas: AnyField[];
  defaults: AnyField[];
  autoNumbers: AnyField[];
  uniques: Set<string>;
  /** Unique fields compared without case and surrounding spaces: field key → hidden comparison key (unique-key.ts). */
  uniqueKeys: Map<string, string>;
  lookups: AnyField[];
  rules: ValidationRule[];
  inbound: InboundLookup[];
  parentRollups: ParentRollup[];
  ownRollups: AnyField[];
  /** The conditions of each form of the entity, by form key. */
  forms: Map<string, FormConditions>;
  /** The form a write that names none is checked against (see defaultFormOf); none without one. */
  defaultForm: FormConditions | undefined;
}

const cache = new WeakMap<MetadataSnapshot, Map<string, CompiledEntity>>();

/** The compiled form of `entityKey` in `snapshot`, built on first use and kept with the snapshot. */
export function compiledEntity(snapshot: MetadataSnapshot, entityKey: string, registries: BundleRegistries): CompiledEntity | undefined {
  let perSnapshot = cache.get(snapshot);
  if (!perSnapshot) {
    perSnapshot = new Map();
    cache.set(snapshot, perSnapshot);
  }
  const hit = perSnapshot.get(entityKey);
  if (hit) return hit;
  const entity = snapshot.entity(entityKey);
  if (!entity) return undefined;
  const compiled = compile(entity, snapshot, registries);
  perSnapshot.set(entityKey, compiled);
  return compiled;
}

function compile(entity: Entity, snapshot: MetadataSnapshot, registries: BundleRegistries): CompiledEntity {
  // Field patterns are admin-written: they run in RE2 (linear time), never in a backtracking engine.
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, code: { regExp: linearRegExp } });
  addFormats(ajv);
  const fields = new Map(entity.fields.map((f) => [f.key, withRollupScale(f as AnyField, snapshot)]));
  const traits = new Map<string, FieldTypeDefinition>();
  for (const f of entity.fields) {
    const t = fieldTraits(f as AnyField, registries.fieldTypes);
    if (t) traits.set(f.key, t);
  }
  const inbound: InboundLookup[] = [];
  const parentRollups: ParentRollup[] = [];
  for (const other of snapshot.bundle.entities) {
    for (const f of other.fields as AnyField[]) {
      if (isRecordReference(f, registries.fieldTypes) && f.target === entity.key) inbound.push({ entity: other.key, field: f });
      if (isRollupField(f, registries.fieldTypes) && f.entity === entity.key)
        parentRollups.push({ parent: other.key, field: f, via: String(f.via) });
    }
  }
  const all = [...fields.values()];
  const ownForms = snapshot.bundle.forms.filter((f) => f.entity === entity.key);
  const forms = new Map(ownForms.map((f) => [f.key, compileFormConditions(f, registries.operations)]));
  const defaultKey = defaultFormOf(ownForms, entity.key)?.key;
  return {
    entity,
    fields,
    traits,
    validate: ajv.compile(writableRecordSchema(entity, registries.fieldTypes)),
    formulas: formulaOrder(
      all.filter((f) => traits.get(f.key)?.compute === 'expression'),
      registries,
    ),
    defaults: all.filter((f) => f.default !== undefined && !traits.get(f.key)?.computed),
    autoNumbers: all.filter((f) => traits.get(f.key)?.compute === 'sequence'),
    uniques: new Set(all.filter((f) => isUniqueField(f, registries.fieldTypes)).map((f) => f.key)),
    uniqueKeys: new Map(all.filter(isNormalizedUnique).map((f) => [f.key, uniqueIndexKey(f)])),
    lookups: all.filter((f) => traits.get(f.key)?.reference === 'record'),
    rules: snapshot.bundle.rules.filter((r) => r.entity === entity.key && r.active !== false),
    inbound,
    parentRollups,
    ownRollups: all.filter((f) => traits.get(f.key)?.compute === 'rollup'),
    forms,
    defaultForm: defaultKey === undefined ? undefined : forms.get(defaultKey),
  };
}

/** Formulas sorted so each comes after the formulas it reads (publish refuses cycles). */
function formulaOrder(formulas: AnyField[], registries: BundleRegistries): AnyField[] {
  const byKey = new Map(formulas.map((f) => [f.key, f]));
  const done = new Set<string>();
  const out: AnyField[] = [];
  const visit = (f: AnyField) => {
    if (done.has(f.key)) return;
    done.add(f.key);
    for (const dep of varsOf(f.expression, registries.operations)) {
      const other = byKey.get(dep);
      if (other) visit(other);
    }
    out.push(f);
  };
  formulas.forEach(visit);
  return out;
}

/** A sum, min or max reads with the scale of the field it summarizes. */
function withRollupScale(field: AnyField, snapshot: MetadataSnapshot): AnyField {
  if (!isRollupField(field) || field.function === 'count') return field;
  const source = snapshot.entity(String(field.entity))?.fields.find((f) => f.key === field.field) as AnyField | undefined;
  return typeof source?.scale === 'number' ? { ...field, scale: source.scale } : field;
}
