import { Registry, createLogicOperationRegistry, type BundleRegistries, type ConfigurableDefinition } from '@metacrm/metadata';
import { APPROVAL_ACTION } from '../automation/approvals.js';
import { BUILT_IN_ACTIONS } from '../automation/workflow-actions.js';
import { BUILT_IN_TRIGGERS } from '../automation/workflow-triggers.js';
import { createServerFieldTypeRegistry } from '../records/field-types/index.js';

/**
 * The registries a platform instance runs with: the built-in field types, logic
 * operations, workflow triggers and actions. Composed here, at the top, because the
 * triggers and actions live in automation/, above the metadata layer that reads their
 * schemas. Built once at start: plugins register into them next, then
 * `metadataToolkit` (metadata/metadata-toolkit.ts) compiles the validator over the final set.
 */
export function createRegistries(): BundleRegistries {
  const triggers = new Registry<ConfigurableDefinition>('workflow trigger');
  for (const trigger of BUILT_IN_TRIGGERS) triggers.register(trigger.type, trigger);
  // Actions carry their implementation (WorkflowAction.run); metadata reads the schema.
  const actions = new Registry<ConfigurableDefinition>('workflow action');
  for (const action of [...BUILT_IN_ACTIONS, APPROVAL_ACTION]) actions.register(action.type, action);
  return { fieldTypes: createServerFieldTypeRegistry(), operations: createLogicOperationRegistry(), triggers, actions };
}
