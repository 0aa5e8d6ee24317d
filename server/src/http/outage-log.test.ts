import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailable } from '../errors/index.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { OutageLog } from '../observability/outage-log.js';
import type { AppState } from './context.js';
import { errorHandler } from './error-handler.middleware.js';
import { requestContext } from './request-context.middleware.js';

/** A logger whose JSON lines land in `lines`, and a wait for a line that matches. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Record<string, unknown>);
      waiters.splice(0).forEach((wake) => wake());
      done();
    },
  });
  const until = async (match: (line: Record<string, unknown>) => boolean) => {
    while (!lines.some(match)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { logger: createLogger('info', {}, sink), lines, until };
}

describe('503 answers during an outage', () => {
  it('log one line when it starts and one with the count when it is over, not two per request', async () => {
    const { logger, lines, until } = capturedLogger();
    const app = new Koa<AppState>();
    app.use(requestContext(logger));
    app.use(errorHandler(createMetrics(), new OutageLog(logger, 300)));
    app.use(() => {
      throw DatabaseUnavailable(undefined, undefined, { cause: new Error('connection refused') });
    });
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/x`;
    try {
      const statuses = await Promise.all(Array.from({ length: 200 }, async () => (await fetch(url)).status));
      expect(new Set(statuses)).toEqual(new Set([503]));
      await until((l) => l.refused !== undefined);
      const about503 = lines.filter((l) => l.code === 'DATABASE_UNAVAILABLE' || l.status === 503);
      expect(about503).toHaveLength(2);
      expect(about503[0]).toMatchObject({ level: 40, code: 'DATABASE_UNAVAILABLE', cause: 'connection refused' });
      expect(about503[1]).toMatchObject({ level: 40, code: 'DATABASE_UNAVAILABLE', refused: 200 });
    } finally {
      server.close();
    }
  });
});
