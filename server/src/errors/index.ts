export * from './app-error.js';
export * from './platform.errors.js';
export { toAppError } from './to-app-error.js';
