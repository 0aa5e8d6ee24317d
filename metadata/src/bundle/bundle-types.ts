import type { Entity, Field, Form, MetadataBundle, Role, ValidationRule, View, Workflow } from '../generated/types.js';
import type { FieldTypeDefinition } from '../fields/field-types.js';
import type { LogicOperation } from '../logic/operations.js';
import type { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';

export type { Entity, Field, Form, Role, ValidationRule, View, Workflow };

/** The unit that is validated, published, versioned and diffed (bundle.schema.json). */
export type Bundle = MetadataBundle;

export function emptyBundle(): Bundle {
  return { entities: [], forms: [], views: [], rules: [], workflows: [], roles: [] };
}

/** A workflow trigger or action as far as metadata validation needs to know it. */
export interface ConfigurableDefinition {
  type: string;
  /** JSON Schema of its settings (a trigger's settings, a step's `config`). */
  configSchema: JsonSchema;
}

/** The registries that decide what a bundle may use. */
export interface BundleRegistries {
  fieldTypes: Registry<FieldTypeDefinition>;
  operations: Registry<LogicOperation>;
  triggers: Registry<ConfigurableDefinition>;
  actions: Registry<ConfigurableDefinition>;
}
