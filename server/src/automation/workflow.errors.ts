import { defineError } from '../errors/app-error.js';

export const WorkflowNotFound = defineError('WORKFLOW_NOT_FOUND', 404, 'No such workflow');
export const RunNotFound = defineError('WORKFLOW_RUN_NOT_FOUND', 404, 'No such workflow run');
export const RunNotRetryable = defineError('WORKFLOW_RUN_NOT_RETRYABLE', 409, 'Only a failed run can be retried');
export const TriggerInvalid = defineError('WORKFLOW_TRIGGER_INVALID', 400, 'The workflow cannot be started like this');
export const NoApprovers = defineError('WORKFLOW_NO_APPROVERS', 422, 'Nobody can decide this approval');
export const ApprovalNotFound = defineError('WORKFLOW_APPROVAL_NOT_FOUND', 404, 'No such approval');
export const ApprovalNotYours = defineError('WORKFLOW_APPROVAL_NOT_FOUND', 404, 'No such approval waiting for you');
export const RecordLocked = defineError('RECORD_LOCKED', 423, 'The record is locked');
export const NoAssignee = defineError('WORKFLOW_NO_ASSIGNEE', 422, 'Nobody in the team can own the record');
/** A `refuse` step's condition held: the run stops there (details: `reason`, `message`, maybe `field`). */
export const WorkflowRefused = defineError('WORKFLOW_REFUSED', 422, 'The workflow refused to go on');
