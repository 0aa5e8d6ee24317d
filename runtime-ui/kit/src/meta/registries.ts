import { createFieldTypeRegistry, createLogicOperationRegistry } from '@metacrm/metadata';

/** The metadata half of the field types, as the server builds it (value schemas, operators, traits). */
export const fieldTypes = createFieldTypeRegistry();

/** The json-logic operations form conditions may use: the same allowlist as the server. */
export const logicOperations = createLogicOperationRegistry();
