/**
 * `OUTBOUND_ALLOWLIST`, read with the rest of the environment so a bad entry stops the
 * start. The SSRF guard (net/outbound-policy.ts) compares URLs with these entries through
 * the same host normalization, `hostOf`.
 */
/** A receiver named in `OUTBOUND_ALLOWLIST`: a host, and a port or (null) the ports 80 and 443. */
export interface AllowEntry {
  host: string;
  port: number | null;
}

/**
 * Parses `OUTBOUND_ALLOWLIST`: comma-separated `host[:port]` entries (`[v6]:port` for
 * IPv6). Hosts are normalized the way URLs normalize them, so `127.1` and `127.0.0.1`
 * name the same receiver. Throws with a message naming the bad entry.
 */
export function parseAllowlist(text: string | undefined): AllowEntry[] {
  const entries: AllowEntry[] = [];
  for (const raw of (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[^:/@?#\s[\]]+)(?::(\d{1,5}))?$/.exec(raw);
    const port = match?.[2] === undefined ? null : Number(match[2]);
    let host: string | undefined;
    try {
      host = match ? hostOf(new URL(`http://${match[1]}`)) : undefined;
    } catch {
      host = undefined;
    }
    if (!host || (port !== null && (port < 1 || port > 65535))) throw new Error(`"${raw}" is not a host or host:port`);
    entries.push({ host, port });
  }
  return entries;
}

/** The host as connected to: lower case, no IPv6 brackets, no trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}
