import { defineError } from '../errors/app-error.js';

export const WorkflowNotFound = defineError('WORKFLOW_NOT_FOUND', 404, 'No such workflow');
export const RunNotFound = defineError('WORKFLOW_RUN_NOT_FOUND', 404, 'No such workflow run');
export const RunNotRetryable = defineError('WORKFLOW_RUN_NOT_RETRYABLE', 409, 'Only a failed run can be retried');
export const TriggerInvalid = defineError('WORKFLOW_TRIGGER_INVALID', 400, 'The workflow cannot be started like this');
