export { createApp, type AppDeps } from './app.js';
export { loadConfig, ConfigError, type Config, type Role } from './config/config.js';
export { startDevServices, type DevServices } from './dev-services/dev-services.js';
export { SecantusServer } from './dev-services/secantus.js';
export { RedisServer } from './dev-services/redis.js';
export { freePort } from './dev-services/ports.js';
export { startPlatform, type Platform } from './runtime/platform.js';
export { createLogger, type Logger } from './observability/logger.js';
export * from './errors/index.js';
