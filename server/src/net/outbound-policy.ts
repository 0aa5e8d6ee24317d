import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { hostOf, type AllowEntry } from '../config/outbound-allowlist.js';
import { blockedRange } from './ip-ranges.js';
import { OutboundBlocked } from './outbound.errors.js';

/** Resolves a host name to every address it has (dns.lookup, all: true, by default). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** Where a checked URL goes: the host as it will be connected to, the port, and whether the allowlist names it. */
export interface OutboundTarget {
  url: URL;
  /** The host without IPv6 brackets or a trailing dot: what the resolver and the socket see. */
  host: string;
  port: number;
  allowlisted: boolean;
}

const PUBLIC_PORTS = new Set([80, 443]);
const defaultResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * The SSRF guard's rules for outbound HTTP. Only http and https, no credentials in the
 * URL, ports 80 and 443, and only public addresses: IP literals are checked here, host
 * names at connect time by `lookup` (the address checked is the address connected to,
 * so a DNS answer that changes between a check and the connect cannot slip through).
 * A receiver named in the allowlist is reachable whatever its address and port.
 */
export class OutboundPolicy {
  constructor(
    readonly allowlist: readonly AllowEntry[] = [],
    private readonly resolver: Resolver = defaultResolver,
  ) {}

  /** Checks a URL before connecting; throws OUTBOUND_BLOCKED with the reason. */
  check(input: string | URL, hop = 0): OutboundTarget {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch {
      throw blocked('url', `"${String(input).slice(0, 200)}" is not a URL`, { hop });
    }
    const shown = redact(url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw blocked('scheme', `${url.protocol} URLs are not allowed (only http and https)`, { url: shown, hop });
    if (url.username !== '' || url.password !== '')
      throw blocked('credentials', 'URLs may not carry a user name or password; send credentials in a header', { url: shown, hop });
    const host = hostOf(url);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (!host) throw blocked('hostname', 'the URL has no host', { url: shown, hop });
    const allowlisted = this.allowlist.some((e) => e.host === host && (e.port === null ? PUBLIC_PORTS.has(port) : e.port === port));
    if (!allowlisted) {
      if (host === 'localhost' || host.endsWith('.localhost'))
        throw blocked('hostname', `${host} names this machine`, { url: shown, host, hop });
      if (net.isIP(host)) this.checkAddress(host, { url, host, port, allowlisted }, hop);
      if (!PUBLIC_PORTS.has(port))
        throw blocked('port', `port ${port} is not allowed (only 80 and 443, unless OUTBOUND_ALLOWLIST names ${host}:${port})`, {
          url: shown,
          host,
          port,
          hop,
        });
    }
    return { url, host, port, allowlisted };
  }

  /** Throws OUTBOUND_BLOCKED unless the target is allowlisted or `address` is public. */
  checkAddress(address: string, target: OutboundTarget, hop = 0): void {
    if (target.allowlisted) return;
    const range = blockedRange(address);
    if (range !== null) {
      const via = address === target.host ? '' : ` (${target.host} resolves to it)`;
      throw blocked('address', `${address} is not a public address: ${range}${via}`, {
        url: redact(target.url),
        host: target.host,
        address,
        range,
        hop,
      });
    }
  }

  /**
   * A `lookup` for http.request that resolves the target's host and refuses the
   * connection when any of its addresses is not public (a name that answers with a
   * public and a private address is refused whole: that is how rebinding is staged).
   */
  lookupFor(target: OutboundTarget, hop = 0): LookupFunction {
    return (hostname, options, callback) => {
      this.resolver(hostname)
        .then((found) => {
          for (const { address } of found) this.checkAddress(address, target, hop);
          const usable = options.family ? found.filter((a) => a.family === options.family) : found;
          if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' });
          if (options.all) callback(null, usable);
          else callback(null, usable[0]!.address, usable[0]!.family);
        })
        .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
    };
  }
}

/** A URL fit for a log: no credentials, no query string (it may hold tokens). */
export function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function blocked(reason: string, why: string, details: Record<string, unknown>) {
  return OutboundBlocked(`Outbound request refused: ${why}`, { reason, ...details });
}
