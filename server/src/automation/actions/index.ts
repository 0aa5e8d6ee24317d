import type { WorkflowAction } from '../action-contract.js';
import { httpRequestAction } from './http-request.js';
import { notifyAction } from './notify.js';
import { sendEmailAction } from './send-email.js';

/** The built-in steps that reach outside the platform: HTTP calls, email, in-app notifications. */
export const OUTSIDE_ACTIONS: WorkflowAction[] = [httpRequestAction, sendEmailAction, notifyAction];
