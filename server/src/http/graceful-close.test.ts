import http from 'node:http';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { OutageLog } from '../observability/outage-log.js';
import { DependencyMonitor } from '../storage/health.js';
import type { AppState } from './context.js';
import { errorHandler } from './error-handler.middleware.js';
import { closeServer, InFlight } from './graceful-close.js';
import { readinessGate } from './readiness-gate.middleware.js';
import { requestContext } from './request-context.middleware.js';

describe('graceful close', () => {
  it('lets a request in flight finish, refuses new ones, then closes', async () => {
    const logger = createLogger('silent');
    const monitor = new DependencyMonitor({ database: async () => undefined, redis: async () => undefined }, logger);
    const inFlight = new InFlight();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));

    const app = new Koa<AppState>();
    app.use(requestContext(logger));
    app.use(errorHandler(createMetrics(), new OutageLog(logger)));
    app.use(readinessGate(monitor, inFlight));
    app.use(async (ctx) => {
      entered();
      await released;
      ctx.body = { done: true };
    });
    const server = http.createServer(inFlight.track(app.callback()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;

    const slow = fetch(`${base}/api/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await inside;
    expect(inFlight.count).toBe(1);

    let closed = false;
    const closing = closeServer(server, inFlight, 10_000).then(() => (closed = true));
    // A new request is refused: either the listener is gone, or the gate says 503.
    const late = await fetch(`${base}/api/other`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    expect(closed).toBe(false);

    release();
    expect(await slow).toEqual({ status: 200, body: { done: true } });
    await closing;
    expect(closed).toBe(true);
    expect(inFlight.count).toBe(0);
  });

  it('gives up waiting after the timeout and closes anyway', async () => {
    const inFlight = new InFlight();
    inFlight.count = 1; // a request that never ends
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    await closeServer(server, inFlight, 200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(server.listening).toBe(false);
  });
});
