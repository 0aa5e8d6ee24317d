import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { AppError } from '../errors/index.js';
import { blockedRange } from './ip-ranges.js';
import { OutboundBlocked, OutboundTimeout, OutboundTooLarge } from './outbound.errors.js';
import { redact, type OutboundPolicy, type OutboundTarget } from './outbound-policy.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 5;

/**
 * Headers a caller may not set: hop-by-hop headers belong to one connection, and the
 * client sets Host and Content-Length itself (a forged Host reaches another virtual
 * host than the one the guard checked).
 */
export const FORBIDDEN_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);
/** Credentials that do not follow a redirect to another origin. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** For the whole exchange, redirects included; at most MAX_TIMEOUT_MS. */
  timeoutMs?: number;
  /** For each TCP connect; at most the total. */
  connectTimeoutMs?: number;
  /** Cap on the response body after decompression. */
  maxBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects (without credentials or query). */
  url: string;
  redirects: number;
}

/**
 * Sends one HTTP request through the SSRF guard: every hop (redirects are followed
 * here, at most MAX_REDIRECTS, each re-checked) goes only where `policy` allows, with
 * the address checked as it is connected to; a total and a connect timeout; and a cap
 * on the body that holds after decompression, so a small gzip bomb stays small.
 * Answers any status; network failures are plain errors (worth retrying).
 */
export async function outboundRequest(policy: OutboundPolicy, request: OutboundRequest): Promise<OutboundResponse> {
  const timeoutMs = Math.min(Math.max(request.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1), MAX_TIMEOUT_MS);
  const connectTimeoutMs = Math.min(request.connectTimeoutMs ?? 5000, timeoutMs);
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers = checkedHeaders(request.headers ?? {});
  const deadline = AbortSignal.timeout(timeoutMs);
  let method = request.method.toUpperCase();
  let body = request.body === undefined ? undefined : Buffer.from(request.body);
  let target = policy.check(request.url);
  for (let hop = 0; ; hop++) {
    const res = await exchange(policy, target, { method, headers, body, signal: deadline, connectTimeoutMs, timeoutMs, hop });
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location) {
      return {
        status: res.statusCode ?? 0,
        headers: flatHeaders(res),
        body: await readCapped(res, maxBytes, deadline, timeoutMs),
        url: redact(target.url),
        redirects: hop,
      };
    }
    res.resume();
    if (hop + 1 > MAX_REDIRECTS)
      throw OutboundBlocked(`Outbound request refused: more than ${MAX_REDIRECTS} redirects`, {
        reason: 'redirects',
        url: redact(target.url),
        hop,
      });
    const next = policy.check(new URL(location, target.url), hop + 1);
    // 303, and 301/302 after anything but GET/HEAD, turn into a GET without a body, as browsers do.
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method !== 'GET' && method !== 'HEAD')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      delete headers['content-type'];
    }
    if (next.url.origin !== target.url.origin) for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
    target = next;
  }
}

/** Lower-cased caller headers without the forbidden ones; throws on a forbidden name. */
function checkedHeaders(input: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const lower = name.toLowerCase();
    if (FORBIDDEN_HEADERS.has(lower))
      throw OutboundBlocked(`Outbound request refused: the header ${name} is set by the client, not the caller`, {
        reason: 'header',
        header: name,
      });
    out[lower] = value;
  }
  return out;
}

interface Exchange {
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal;
  connectTimeoutMs: number;
  timeoutMs: number;
  hop: number;
}

/** One request/response on a fresh connection (no pooling: every connection goes through the lookup). */
function exchange(policy: OutboundPolicy, target: OutboundTarget, x: Exchange): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { url } = target;
    const client = url.protocol === 'https:' ? https : http;
    const headers = { ...x.headers, ...(x.body ? { 'content-length': String(x.body.length) } : {}) };
    const req = client.request({
      protocol: url.protocol,
      hostname: target.host,
      port: target.port,
      path: `${url.pathname}${url.search}`,
      method: x.method,
      headers,
      agent: false,
      lookup: policy.lookupFor(target, x.hop),
      signal: x.signal,
    });
    let connectTimer: NodeJS.Timeout | undefined;
    const fail = (err: unknown) => {
      clearTimeout(connectTimer);
      reject(toOutboundError(err, x, target));
    };
    req.on('socket', (socket: Socket) => {
      connectTimer = setTimeout(
        () => req.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNECT_TIMEOUT' })),
        x.connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        // The address actually connected to, checked once more (IP literals skip the lookup).
        try {
          if (!target.allowlisted && socket.remoteAddress && blockedRange(socket.remoteAddress) !== null)
            policy.checkAddress(socket.remoteAddress, target, x.hop);
        } catch (err) {
          req.destroy(err as Error);
        }
      });
    });
    req.on('error', fail);
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.end(x.body);
  });
}

function toOutboundError(err: unknown, x: Exchange, target: OutboundTarget): Error {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ECONNECT_TIMEOUT')
    return OutboundTimeout(`No connection to ${target.host}:${target.port} within ${x.connectTimeoutMs} ms`, {
      url: redact(target.url),
      phase: 'connect',
    });
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || x.signal.aborted)
    return OutboundTimeout(`No complete answer from ${target.host} within ${x.timeoutMs} ms`, { url: redact(target.url), phase: 'total' });
  return new Error(`${e.code ?? e.name}: request to ${redact(target.url)} failed (${e.message})`, { cause: err });
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Reads the body, decompressing gzip / deflate / br, and stops past `maxBytes` of output. */
async function readCapped(res: IncomingMessage, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  const encoding = String(res.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' && declared > maxBytes) {
    res.destroy();
    throw OutboundTooLarge(`The response declares ${declared} bytes; at most ${maxBytes} are read`, { maxBytes });
  }
  const decoder: Transform | undefined =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  const source = decoder ? res.pipe(decoder) : res;
  if (decoder) res.on('error', (err) => decoder.destroy(err));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes)
        throw OutboundTooLarge(`The response is larger than ${maxBytes} bytes${decoder ? ' once decompressed' : ''}`, { maxBytes });
      chunks.push(chunk);
    }
  } catch (err) {
    res.destroy();
    decoder?.destroy();
    if (err instanceof AppError) throw err;
    if (signal.aborted) throw OutboundTimeout(`No complete answer within ${timeoutMs} ms`, { phase: 'total' });
    throw new Error(`reading the response failed: ${(err as Error).message}`, { cause: err });
  }
  return Buffer.concat(chunks);
}
