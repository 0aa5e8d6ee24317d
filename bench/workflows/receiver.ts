import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The HTTP receiver the workflow's last step calls: answers 200 and counts idempotency keys. */
export interface Receiver {
  url: string;
  /** Requests answered, and keys seen more than once (a repeated side effect: should stay 0). */
  stats(): { requests: number; repeatedKeys: number };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const seen = new Set<string>();
  let requests = 0;
  let repeatedKeys = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const key = String(req.headers['idempotency-key'] ?? '');
      if (seen.has(key)) repeatedKeys += 1;
      seen.add(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ requests, repeatedKeys }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
