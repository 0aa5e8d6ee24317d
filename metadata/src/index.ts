export * from './errors.js';
export * from './registry.js';
