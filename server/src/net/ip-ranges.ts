import net from 'node:net';

/**
 * Which IP addresses outbound requests may reach. Only globally routable unicast
 * addresses are public; everything else (loopback, private, link-local with the
 * cloud metadata service, CGNAT, multicast, documentation and reserved ranges) names a
 * machine on this side of the network, which is what an SSRF attack aims at.
 *
 * IPv6 forms that carry an IPv4 address inside (IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by
 * the IPv4 address they carry, since that is where the packets end up.
 */

type Range = readonly [base: bigint, prefix: number, name: string];

const v4 = (cidr: string, name: string): Range => {
  const [ip, bits] = cidr.split('/') as [string, string];
  return [v4Number(ip)!, Number(bits), name];
};

/** IANA IPv4 special-purpose ranges that are not globally reachable, plus multicast and reserved. */
const V4_BLOCKED: readonly Range[] = [
  v4('0.0.0.0/8', 'this-network'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared-cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'ietf-protocol'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4-relay'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // includes the broadcast address 255.255.255.255
];

const v6 = (cidr: string, name: string): Range => {
  const [ip, bits] = cidr.split('/') as [string, string];
  return [v6Number(ip)!, Number(bits), name];
};

/**
 * Inside global unicast 2000::/3, the parts that are not globally reachable. Anything
 * outside 2000::/3 (loopback, unique-local fc00::/7, link-local fe80::/10, site-local,
 * multicast ff00::/8, unspecified) is refused as a whole, except the IPv4-carrying
 * forms handled before.
 */
const V6_BLOCKED_IN_GLOBAL: readonly Range[] = [
  v6('2001::/23', 'ietf-protocol'), // Teredo, benchmarking, ORCHID
  v6('2001:db8::/32', 'documentation'),
  v6('3fff::/20', 'documentation'),
];

/** Named ranges outside 2000::/3, so a refusal says which one it was. */
const V6_NAMED: readonly Range[] = [
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local'),
  v6('fc00::/7', 'unique-local'),
  v6('ff00::/8', 'multicast'),
  v6('64:ff9b:1::/48', 'nat64-local'),
];

const V6_GLOBAL = v6('2000::/3', 'global');
const V6_MAPPED = v6('::ffff:0:0/96', 'ipv4-mapped');
const V6_COMPATIBLE = v6('::/96', 'ipv4-compatible');
const V6_NAT64 = v6('64:ff9b::/96', 'nat64');
const V6_6TO4 = v6('2002::/16', '6to4');

/**
 * Why `address` may not be reached (`loopback`, `private`, `link-local`, ...), or
 * null when it is a public address. Anything that is not an IP address is refused as
 * `not-an-ip-address`. A zone id (`fe80::1%eth0`) is ignored for the decision.
 */
export function blockedRange(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = net.isIP(ip);
  if (kind === 4) return matchV4(v4Number(ip)!);
  if (kind !== 6) return 'not-an-ip-address';
  const n = v6Number(ip)!;
  if (n === 1n) return 'loopback';
  if (n === 0n) return 'unspecified';
  for (const carrier of [V6_MAPPED, V6_COMPATIBLE, V6_NAT64]) {
    if (inRange(n, carrier, 128)) {
      const inner = matchV4(n & 0xffffffffn);
      return inner === null ? null : `${carrier[2]}:${inner}`;
    }
  }
  if (inRange(n, V6_6TO4, 128)) {
    const inner = matchV4((n >> 80n) & 0xffffffffn);
    return inner === null ? null : `6to4:${inner}`;
  }
  if (!inRange(n, V6_GLOBAL, 128)) return V6_NAMED.find((range) => inRange(n, range, 128))?.[2] ?? 'not-global-ipv6';
  for (const range of V6_BLOCKED_IN_GLOBAL) if (inRange(n, range, 128)) return range[2];
  return null;
}

function matchV4(n: bigint): string | null {
  for (const range of V4_BLOCKED) if (inRange(n, range, 32)) return range[2];
  return null;
}

function inRange(n: bigint, [base, prefix]: Range, width: number): boolean {
  const shift = BigInt(width - prefix);
  return n >> shift === base >> shift;
}

/** A dotted-quad IPv4 address as a number; undefined when it is not one. */
function v4Number(ip: string): bigint | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

/** An IPv6 address (with `::` and an optional dotted IPv4 tail) as a 128-bit number. */
function v6Number(ip: string): bigint | undefined {
  let text = ip.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4Number(tail[1]!);
    if (n === undefined) return undefined;
    text = `${text.slice(0, -tail[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
