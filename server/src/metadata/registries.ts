import {
  MetaValidator,
  installLogicOperations,
  Registry,
  createFieldTypeRegistry,
  createLogicOperationRegistry,
  type BundleRegistries,
  type ConfigurableDefinition,
} from '@metacrm/metadata';

/**
 * The registries a platform instance runs with, and the validator compiled from them.
 * Built once at start: plugins register into the registries first, then
 * `metadataToolkit` compiles the validator over the final set.
 */
export function createRegistries(): BundleRegistries {
  return {
    fieldTypes: createFieldTypeRegistry(),
    operations: createLogicOperationRegistry(),
    triggers: new Registry<ConfigurableDefinition>('workflow trigger'),
    actions: new Registry<ConfigurableDefinition>('workflow action'),
  };
}

export interface MetadataToolkit {
  registries: BundleRegistries;
  validator: MetaValidator;
}

export function metadataToolkit(registries: BundleRegistries = createRegistries()): MetadataToolkit {
  // Install every operation's implementation now, so a clash between two plugins
  // fails the start rather than a request.
  installLogicOperations(registries.operations);
  return { registries, validator: new MetaValidator(registries.fieldTypes) };
}
