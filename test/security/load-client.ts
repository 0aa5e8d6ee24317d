import http from 'node:http';
import net from 'node:net';

/** One answer, or the error that stood for it (a connection reset, say). */
export interface RawAnswer {
  status: number;
  retryAfter: string | undefined;
  body: string;
  ms: number;
  error?: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Connections are pooled through this agent (its maxSockets caps them). */
  agent?: http.Agent;
  /** The loopback address to send from (127.0.0.2 ...), so that each actor has an address of its own. */
  localAddress?: string;
}

/**
 * A request through node:http, so a test chooses the source address and how many
 * connections carry a burst (fetch chooses neither). Never throws: a failed request
 * answers status 0 with its error.
 */
export async function rawRequest(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const url = new URL(request.path, baseUrl);
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const started = performance.now();
  return await new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: request.method ?? (payload === undefined ? 'GET' : 'POST'),
        headers: {
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }),
          ...request.headers,
        },
        agent: request.agent,
        localAddress: request.localAddress,
        timeout: 60_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body, ms: performance.now() - started }),
        );
        res.on('error', (err) => resolve({ status: 0, retryAfter: undefined, body, ms: performance.now() - started, error: err.message }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, retryAfter: undefined, body: '', ms: performance.now() - started, error: err.message }));
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.end(payload);
  });
}

/** How many answers had each status (0: no answer). */
export function countStatuses(answers: readonly RawAnswer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

/** The p-th percentile (0-100) of the answers' times, in ms. */
export function percentile(answers: readonly RawAnswer[], p: number): number {
  const times = answers.map((a) => a.ms).sort((a, b) => a - b);
  if (times.length === 0) return 0;
  return Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!);
}

/** A connection that sends a request's headers and then its body a byte at a time, slowly. */
export interface SlowBody {
  /** Resolves when the server closes the connection (or refuses it): how long it lived, and what it answered. */
  closed: Promise<{ ms: number; answer: string }>;
  stop(): void;
}

/** Opens a raw socket that promises `length` bytes of body and trickles them every `everyMs`. */
export function slowBody(port: number, localAddress: string, path: string, length: number, everyMs: number): SlowBody {
  const started = performance.now();
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.on('connect', () => {
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
    timer = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, everyMs);
  });
  const closed = new Promise<{ ms: number; answer: string }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, answer });
    });
  });
  return { closed, stop: () => socket.destroy() };
}
