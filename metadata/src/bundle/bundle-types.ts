import type {
  Dashboard,
  Entity,
  Field,
  Form,
  MetadataBundle,
  Navigation,
  Role,
  ValidationRule,
  View,
  Workflow,
} from '../generated/types.js';
import type { ItemKind } from '../schema/meta-schemas.js';
import type { FieldTypeDefinition } from '../fields/field-types.js';
import type { LogicOperation } from '../logic/operations.js';
import type { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';
import type { Problem } from '../schema/problems.js';

export type { Dashboard, Entity, Field, Form, Navigation, Role, ValidationRule, View, Workflow };

/** The unit that is validated, published, versioned and diffed (bundle.schema.json). */
export type Bundle = MetadataBundle;

export function emptyBundle(): Bundle {
  return { entities: [], forms: [], views: [], rules: [], workflows: [], roles: [] };
}

/** The items of one kind as keyed documents; none for a kind the bundle lacks (navigation, dashboards). */
export function bundleItems(bundle: Bundle, kind: ItemKind): { key: string }[] {
  return (bundle[kind] ?? []) as { key: string }[];
}

/** The list of a kind to add items to, created when the bundle lacks it. */
export function mutableItems(bundle: Bundle, kind: ItemKind): { key: string }[] {
  return ((bundle as Record<ItemKind, unknown[] | undefined>)[kind] ??= []) as { key: string }[];
}

/** A workflow trigger or action as far as metadata validation needs to know it. */
export interface ConfigurableDefinition {
  type: string;
  /** JSON Schema of its settings (a trigger's settings, a step's `config`). */
  configSchema: JsonSchema;
  /**
   * Checks at publish what a JSON Schema cannot say (a cron expression's syntax, that a
   * named field is a date of the workflow's entity). Runs only on settings that fit
   * `configSchema`; answers problems with pointers into the bundle.
   */
  check?(settings: Record<string, unknown>, context: ConfigCheckContext): Problem[];
  /**
   * The queries a trigger sends to its workflow's entity on its own (a scheduler's scan
   * of a date field), so that publish derives their indexes as it does for views. Runs
   * on published, valid settings.
   */
  queries?(settings: Record<string, unknown>, workflow: Workflow): RecordQuery[];
  /** How the designer's palette shows it; without one, its type key stands in (a plugin's step should give one). */
  presentation?: Presentation;
}

/** A trigger's or step type's name, help, group and icon in the designer's palette. */
export interface Presentation {
  label: { 'zh-CN': string; en: string };
  description?: { 'zh-CN': string; en: string };
  /** The palette group: `records`, `flow`, `people`, `outside`, or a plugin's own. */
  group?: string;
  /** An icon name the designer knows (`mail`, `api`, `branches`...); unknown names get a generic icon. */
  icon?: string;
}

/** A query over an entity's records, as far as an index serves it: a filter (the filter language) and the sort. */
export interface RecordQuery {
  filter?: unknown;
  sort: { field: string; direction: 'asc' | 'desc' }[];
}

/** What a definition's `check` may consult about the workflow and the bundle around it. */
export interface ConfigCheckContext {
  /** Pointer of the settings being checked (`/workflows/2/trigger`). */
  at: string;
  /** Pointer of the workflow (`/workflows/2`), for problems with its `entity`. */
  workflowAt: string;
  workflow: Workflow;
  /**
   * How a field (or system field) of an entity is stored: its type, a formula's result
   * type; undefined when the entity has no such field.
   */
  valueType(entity: string, field: string): string | undefined;
  /**
   * What a field (or system field) holds: its value kind from the field-type registry
   * (`date`, `datetime`, `decimal`…), refined by its settings (a formula's is its
   * result's); undefined when the entity has no such field. Checks ask this, never a
   * type's name, so a plugin's type of the same kind passes as the built-in one does.
   */
  valueKind(entity: string, field: string): string | undefined;
  /** Problems of a record filter over `entity`, pointers under `at`. */
  filterProblems(filter: unknown, entity: string, at: string): Problem[];
  /** UNKNOWN_ENTITY at `at` when the bundle has no entity `entity`. */
  entityProblems(entity: string, at: string): Problem[];
  /**
   * Problems of a step writing `field` of `entity`, at `at`: UNKNOWN_FIELD when the entity
   * has no such field, IMMUTABLE for a system field or one the platform computes.
   */
  writableFieldProblems(entity: string, field: string, at: string): Problem[];
}

/** The registries that decide what a bundle may use. */
export interface BundleRegistries {
  fieldTypes: Registry<FieldTypeDefinition>;
  operations: Registry<LogicOperation>;
  triggers: Registry<ConfigurableDefinition>;
  actions: Registry<ConfigurableDefinition>;
}
