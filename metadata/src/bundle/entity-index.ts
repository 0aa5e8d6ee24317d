import { fieldTraits, type FieldTypeDefinition } from '../fields/field-types.js';
import type { Registry } from '../registry.js';
import { CONTEXT_VARS, SYSTEM_FIELDS, isSystemField } from '../system-fields.js';
import type { Bundle, Entity, Field } from './bundle-types.js';

/** Fast look-ups over a bundle's entities and fields, for reference checks. */
export class EntityIndex {
  private readonly entities = new Map<
    string,
    { entity: Entity; position: number; fields: Map<string, { field: Field; position: number }> }
  >();

  constructor(
    bundle: Bundle,
    private readonly fieldTypes: Registry<FieldTypeDefinition>,
  ) {
    bundle.entities.forEach((entity, position) => {
      if (this.entities.has(entity.key)) return; // duplicates are reported separately
      const fields = new Map<string, { field: Field; position: number }>();
      entity.fields.forEach((field, i) => {
        if (!fields.has(field.key)) fields.set(field.key, { field, position: i });
      });
      this.entities.set(entity.key, { entity, position, fields });
    });
  }

  hasEntity(key: string): boolean {
    return this.entities.has(key);
  }

  entity(key: string): Entity | undefined {
    return this.entities.get(key)?.entity;
  }

  field(entity: string, key: string): Field | undefined {
    return this.entities.get(entity)?.fields.get(key)?.field;
  }

  /** The type traits of a field or system field of an entity. */
  traits(entity: string, key: string): FieldTypeDefinition | undefined {
    if (isSystemField(key)) return this.fieldTypes.get(SYSTEM_FIELDS[key]);
    const field = this.field(entity, key);
    return field ? fieldTraits(field as never, this.fieldTypes) : undefined;
  }

  /** True when `path` is a field, a system field or a context variable of the entity. */
  knownVar(entity: string, path: string): boolean {
    if (CONTEXT_VARS.includes(path) || isSystemField(path)) return true;
    return this.field(entity, path) !== undefined;
  }
}
