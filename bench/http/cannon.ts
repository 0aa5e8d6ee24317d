import autocannon from 'autocannon';
import type { Prng } from '../lib/prng.js';
import { DEAL } from './deal-bundle.js';
import type { HttpOp } from './driver.js';
import type { DealGenerator, DealWorld } from './deal-world.js';

/** What one autocannon run gave: req/s over the run, latency percentiles in ms. */
export interface CannonResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
}

type Request = { method: 'GET' | 'POST' | 'PATCH'; path: string; body?: string; headers?: Record<string, string> };

/** The requests of one operation: each call answers the next one (a random deal, a new deal, a change). */
function nextRequest(op: HttpOp, world: DealWorld, generator: DealGenerator, rng: Prng): () => Request {
  const records = `/api/records/${DEAL}`;
  const pick = () => world.ids[rng.int(0, world.ids.length - 1)]!.toHexString();
  const json = { 'content-type': 'application/json' };
  switch (op) {
    case 'get':
      return () => ({ method: 'GET', path: `${records}/${pick()}` });
    case 'list':
      return () => ({ method: 'GET', path: world.list.url });
    case 'create':
      return () => ({ method: 'POST', path: records, body: JSON.stringify(generator.next()), headers: json });
    case 'patch':
      // No _version: an edit that is applied to the newest version (re-applied should two meet).
      return () => ({ method: 'PATCH', path: `${records}/${pick()}`, body: JSON.stringify(generator.patch()), headers: json });
  }
}

/**
 * Drives one operation against the API with autocannon (keep-alive connections, as a
 * browser or an integration holds them) for `seconds`. Any answer but 2xx fails the
 * run: an error must never pass for a figure.
 */
export async function cannon(
  baseUrl: string,
  token: string,
  op: HttpOp,
  ctx: { world: DealWorld; generator: DealGenerator; rng: Prng },
  options: { connections: number; seconds: number },
): Promise<CannonResult> {
  const next = nextRequest(op, ctx.world, ctx.generator, ctx.rng);
  // One request first with fetch, whose answer a refusal can show.
  const probe = next();
  const res = await fetch(`${baseUrl}${probe.path}`, {
    method: probe.method,
    headers: { ...probe.headers, authorization: `Bearer ${token}` },
    ...(probe.body === undefined ? {} : { body: probe.body }),
  });
  if (!res.ok) throw new Error(`${op}: ${probe.method} ${probe.path} answered ${res.status}: ${(await res.text()).slice(0, 400)}`);
  await res.arrayBuffer();
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    // A request's own headers replace the defaults: each carries the credential itself.
    requests: [
      {
        setupRequest: (req) => {
          const request = next();
          return { ...req, ...request, headers: { ...req.headers, ...request.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0)
    throw new Error(
      `${op}: ${result.non2xx} answers other than 2xx, ${result.errors} errors, ${result.timeouts} timeouts in ${result.requests.total} requests`,
    );
  return {
    requests: result.requests.total,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
