import { MetaValidator, installLogicOperations, type BundleRegistries } from '@metacrm/metadata';

/** The registries a platform runs with, and the metadata validator compiled from them. */
export interface MetadataToolkit {
  registries: BundleRegistries;
  validator: MetaValidator;
}

/**
 * Installs the operations of `registries` and compiles the metadata validator over its
 * field types. The platform passes the registries runtime/registries.ts composed,
 * with its plugins' additions.
 */
export function metadataToolkit(registries: BundleRegistries): MetadataToolkit {
  // Install every operation's implementation now, so a clash between two plugins
  // fails the start rather than a request.
  installLogicOperations(registries.operations);
  return { registries, validator: new MetaValidator(registries.fieldTypes) };
}
