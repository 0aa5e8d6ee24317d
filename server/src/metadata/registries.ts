import {
  MetaValidator,
  installLogicOperations,
  Registry,
  createLogicOperationRegistry,
  type BundleRegistries,
  type ConfigurableDefinition,
} from '@metacrm/metadata';
import { APPROVAL_ACTION } from '../automation/approvals.js';
import { BUILT_IN_ACTIONS } from '../automation/workflow-actions.js';
import { BUILT_IN_TRIGGERS } from '../automation/workflow-triggers.js';
import { createServerFieldTypeRegistry } from '../records/field-types/index.js';

/**
 * The registries a platform instance runs with, and the validator compiled from them.
 * Built once at start: plugins register into the registries first, then
 * `metadataToolkit` compiles the validator over the final set.
 */
export function createRegistries(): BundleRegistries {
  const triggers = new Registry<ConfigurableDefinition>('workflow trigger');
  for (const trigger of BUILT_IN_TRIGGERS) triggers.register(trigger.type, trigger);
  // Actions carry their implementation (WorkflowAction.run); metadata reads the schema.
  const actions = new Registry<ConfigurableDefinition>('workflow action');
  for (const action of [...BUILT_IN_ACTIONS, APPROVAL_ACTION]) actions.register(action.type, action);
  return { fieldTypes: createServerFieldTypeRegistry(), operations: createLogicOperationRegistry(), triggers, actions };
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
