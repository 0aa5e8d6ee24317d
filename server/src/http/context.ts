import type Koa from 'koa';
import type { Logger } from '../observability/logger.js';

/** Per-request data, on `ctx.state`. */
export interface AppState {
  requestId: string;
  log: Logger;
}

export type AppContext = Koa.ParameterizedContext<AppState>;
export type AppMiddleware = Koa.Middleware<AppState>;
