import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/src/errors/index.js';
import { outboundRequest } from '../../server/src/net/outbound-http.js';
import { parseAllowlist } from '../../server/src/config/outbound-allowlist.js';
import { OutboundPolicy, type Resolver } from '../../server/src/net/outbound-policy.js';
import { startCanary, startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver.js';

/**
 * The SSRF guard over real sockets: a receiver on 127.0.0.1 that the allowlist names,
 * and canaries on 127.0.0.1 and ::1 that nothing may reach. Every payload below is
 * refused with OUTBOUND_BLOCKED and its reason, and the canaries count no connection.
 * Host names resolve through an injected resolver (the guard's own lookup runs it at
 * connect time), so the test never asks outside DNS.
 */
let receiver: HttpReceiver;
let canary: Awaited<ReturnType<typeof startCanary>>;
let canary6: Awaited<ReturnType<typeof startCanary>>;
let policy: OutboundPolicy;

const NAMES: Record<string, { address: string; family: number }[]> = {
  'internal.test': [{ address: '127.0.0.1', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'six.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:10.0.0.7', family: 6 }],
  // A public and a private answer together: how a rebinding attack is staged.
  'mixed.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '10.1.2.3', family: 4 },
  ],
};
const resolver: Resolver = async (hostname) => {
  const found = NAMES[hostname];
  if (!found) throw Object.assign(new Error(`test resolver: no ${hostname}`), { code: 'ENOTFOUND' });
  return found;
};

beforeAll(async () => {
  receiver = await startHttpReceiver();
  canary = await startCanary('127.0.0.1');
  canary6 = await startCanary('::1');
  policy = new OutboundPolicy(parseAllowlist(`127.0.0.1:${receiver.port}`), resolver);
});
afterAll(async () => {
  await Promise.all([receiver?.close(), canary?.close(), canary6?.close()]);
});

async function refusal(url: string): Promise<{ reason: string; range?: string; message: string }> {
  try {
    await outboundRequest(policy, { method: 'GET', url, timeoutMs: 3000 });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code).toBe('OUTBOUND_BLOCKED');
    expect(err.status).toBeLessThan(500); // permanent: a workflow step does not retry it
    return { ...(err.details as { reason: string; range?: string }), message: err.message };
  }
  throw new Error(`${url} was not refused`);
}

// [payload, reason, range the refusal names (for address refusals)]
const DIRECT: [string, string, string?][] = [
  ['http://127.0.0.1:{canary}/', 'address', 'loopback'],
  ['http://127.0.0.1/', 'address', 'loopback'],
  ['http://127.255.255.254/', 'address', 'loopback'],
  ['http://[::1]:{canary6}/', 'address', 'loopback'],
  ['http://10.0.0.1/', 'address', 'private'],
  ['http://10.255.255.255/', 'address', 'private'],
  ['http://172.16.0.1/', 'address', 'private'],
  ['http://172.31.255.254/', 'address', 'private'],
  ['http://192.168.0.1/', 'address', 'private'],
  ['http://192.168.1.254:8080/', 'address', 'private'],
  ['http://169.254.169.254/latest/meta-data/', 'address', 'link-local'],
  ['http://169.254.0.1/', 'address', 'link-local'],
  ['http://100.64.0.1/', 'address', 'shared-cgnat'],
  ['http://100.127.255.254/', 'address', 'shared-cgnat'],
  ['http://0.0.0.0:{canary}/', 'address', 'this-network'],
  ['http://0/', 'address', 'this-network'],
  ['http://[::]:{canary6}/', 'address', 'unspecified'],
  ['http://[::ffff:127.0.0.1]:{canary}/', 'address', 'ipv4-mapped:loopback'],
  ['http://[::ffff:7f00:1]:{canary}/', 'address', 'ipv4-mapped:loopback'],
  ['http://[0:0:0:0:0:ffff:169.254.169.254]/', 'address', 'ipv4-mapped:link-local'],
  ['http://[::127.0.0.1]/', 'address', 'ipv4-compatible:loopback'],
  ['http://[fe80::1]/', 'address', 'link-local'],
  ['http://[fc00::1]/', 'address', 'unique-local'],
  ['http://[fd00:ec2::254]/', 'address', 'unique-local'],
  ['http://[ff02::1]/', 'address', 'multicast'],
  ['http://[64:ff9b::127.0.0.1]/', 'address', 'nat64:loopback'],
  ['http://[64:ff9b::a00:1]/', 'address', 'nat64:private'],
  ['http://[2002:7f00:1::]/', 'address', '6to4:loopback'],
  ['http://[2002:c0a8:101::1]/', 'address', '6to4:private'],
  ['http://[2001:db8::1]/', 'address', 'documentation'],
  ['http://2130706433:{canary}/', 'address', 'loopback'],
  ['http://0177.0.0.1:{canary}/', 'address', 'loopback'],
  ['http://0x7f000001:{canary}/', 'address', 'loopback'],
  ['http://0x7f.1:{canary}/', 'address', 'loopback'],
  ['http://127.1:{canary}/', 'address', 'loopback'],
  ['http://017700000001/', 'address', 'loopback'],
  ['http://127.0.0.1.:{canary}/', 'address', 'loopback'],
  ['http://%31%32%37.0.0.1:{canary}/', 'address', 'loopback'],
  ['http://0xa9fea9fe/', 'address', 'link-local'],
  ['http://224.0.0.1/', 'address', 'multicast'],
  ['http://255.255.255.255/', 'address', 'reserved'],
  ['http://192.0.2.1/', 'address', 'documentation'],
  ['http://198.18.0.1/', 'address', 'benchmarking'],
  ['http://localhost:{canary}/', 'hostname'],
  ['http://LOCALHOST./', 'hostname'],
  ['http://foo.localhost/', 'hostname'],
  ['http://internal.test/', 'address', 'loopback'],
  ['http://metadata.test/latest/meta-data/', 'address', 'link-local'],
  ['http://six.test/', 'address', 'loopback'],
  ['http://mapped.test/', 'address', 'ipv4-mapped:private'],
  ['http://mixed.test/', 'address', 'private'],
  ['file:///etc/passwd', 'scheme'],
  ['gopher://127.0.0.1:{canary}/_GET%20/', 'scheme'],
  ['ftp://example.com/', 'scheme'],
  ['dict://127.0.0.1:{canary}/info', 'scheme'],
  ['http://user:pass@example.com/', 'credentials'],
  ['http://admin@127.0.0.1:{receiver}/ok', 'credentials'],
  ['http://example.com:8080/', 'port'],
  ['https://example.com:22/', 'port'],
  // The allowlist names 127.0.0.1, not this other spelling of a loopback address.
  ['http://[::ffff:127.0.0.1]:{receiver}/ok', 'address', 'ipv4-mapped:loopback'],
];

// Redirects from the allowlisted receiver: every hop is checked again.
const REDIRECTS: [string, string, string?][] = [
  ['http://127.0.0.1:{canary}/', 'address', 'loopback'],
  ['http://169.254.169.254/latest/meta-data/', 'address', 'link-local'],
  ['http://2130706433:{canary}/', 'address', 'loopback'],
  ['http://[::1]:{canary6}/', 'address', 'loopback'],
  ['http://localhost:{receiver}/ok', 'hostname'],
  ['http://internal.test/', 'address', 'loopback'],
  ['file:///etc/passwd', 'scheme'],
  ['http://10.0.0.1/', 'address', 'private'],
];

const fill = (url: string) =>
  url
    .replaceAll('{canary6}', String(canary6.port))
    .replaceAll('{canary}', String(canary.port))
    .replaceAll('{receiver}', String(receiver.port));

describe('the SSRF guard', () => {
  it(`has at least 30 payloads to refuse (${DIRECT.length + REDIRECTS.length + 1})`, () => {
    expect(DIRECT.length + REDIRECTS.length + 1).toBeGreaterThanOrEqual(30);
  });

  it.each(DIRECT.map(([p, r, range]) => [p, r, range ?? '']))('refuses %s (%s %s)', async (payload, reason, range) => {
    const refused = await refusal(fill(payload));
    expect(refused.reason, refused.message).toBe(reason);
    if (range) expect(refused.range).toBe(range);
  });

  it.each(REDIRECTS.map(([p, r, range]) => [p, r, range ?? '']))(
    'refuses a redirect from the allowlisted receiver to %s (%s %s)',
    async (target, reason, range) => {
      for (const status of [302, 307]) {
        const refused = await refusal(`${receiver.url}/redirect?status=${status}&to=${encodeURIComponent(fill(target))}`);
        expect(refused.reason, refused.message).toBe(reason);
        if (range) expect(refused.range).toBe(range);
        expect((refused as { hop?: number }).hop).toBe(1);
      }
    },
  );

  it('refuses a sixth redirect', async () => {
    expect((await refusal(`${receiver.url}/loop/0`)).reason).toBe('redirects');
    expect(receiver.requests.filter((r) => r.path.startsWith('/loop/')).map((r) => r.path)).toEqual([
      '/loop/0',
      '/loop/1',
      '/loop/2',
      '/loop/3',
      '/loop/4',
      '/loop/5',
    ]);
  });

  it('never connected to a canary', () => {
    expect(canary.connections()).toBe(0);
    expect(canary6.connections()).toBe(0);
  });

  it('reaches the receiver the allowlist names, directly and through a redirect to itself', async () => {
    const direct = await outboundRequest(policy, { method: 'GET', url: `${receiver.url}/ok` });
    expect(direct.status).toBe(200);
    expect(JSON.parse(direct.body.toString())).toEqual({ ok: true });
    const redirected = await outboundRequest(policy, { method: 'GET', url: `${receiver.url}/redirect?to=/ok` });
    expect(redirected).toMatchObject({ status: 200, redirects: 1 });
    // The same receiver through the number forms of its address is the same receiver.
    expect((await outboundRequest(policy, { method: 'GET', url: `http://2130706433:${receiver.port}/ok` })).status).toBe(200);
  });

  it('refuses the receiver once the allowlist no longer names it', async () => {
    const strict = new OutboundPolicy([], resolver);
    await expect(outboundRequest(strict, { method: 'GET', url: `${receiver.url}/ok` })).rejects.toMatchObject({
      code: 'OUTBOUND_BLOCKED',
      details: { reason: 'address', range: 'loopback' },
    });
    const otherPort = new OutboundPolicy(parseAllowlist(`127.0.0.1:${canary.port}`), resolver);
    await expect(outboundRequest(otherPort, { method: 'GET', url: `${receiver.url}/ok` })).rejects.toMatchObject({
      code: 'OUTBOUND_BLOCKED',
    });
  });

  it('turns 303 into a GET without a body, drops Authorization across origins, and keeps the method on 307', async () => {
    const seeOther = await outboundRequest(policy, {
      method: 'POST',
      url: `${receiver.url}/redirect?status=303&to=/echo`,
      body: 'x=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(JSON.parse(seeOther.body.toString())).toMatchObject({ method: 'GET', body: '' });
    const temporary = await outboundRequest(policy, {
      method: 'POST',
      url: `${receiver.url}/redirect?status=307&to=/echo`,
      body: 'x=1',
      headers: { authorization: 'Bearer t' },
    });
    expect(JSON.parse(temporary.body.toString())).toMatchObject({ method: 'POST', body: 'x=1', headers: { authorization: 'Bearer t' } });
    const other = await startHttpReceiver();
    try {
      const both = new OutboundPolicy(parseAllowlist(`127.0.0.1:${receiver.port},127.0.0.1:${other.port}`), resolver);
      const crossOrigin = await outboundRequest(both, {
        method: 'GET',
        url: `${receiver.url}/redirect?to=${encodeURIComponent(`${other.url}/echo`)}`,
        headers: { authorization: 'Bearer t', 'x-kept': 'yes' },
      });
      expect(JSON.parse(crossOrigin.body.toString()).headers).toMatchObject({ 'x-kept': 'yes' });
      expect(JSON.parse(crossOrigin.body.toString()).headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it.each(['Host', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Content-Length'])('refuses a caller-set %s header', async (header) => {
    await expect(outboundRequest(policy, { method: 'GET', url: `${receiver.url}/ok`, headers: { [header]: 'x' } })).rejects.toMatchObject({
      code: 'OUTBOUND_BLOCKED',
      details: { reason: 'header' },
    });
  });

  it('times out a receiver that never answers', async () => {
    const started = Date.now();
    await expect(outboundRequest(policy, { method: 'GET', url: `${receiver.url}/slow`, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'OUTBOUND_TIMEOUT',
      status: 504,
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('caps the response size, also after decompression', async () => {
    await expect(outboundRequest(policy, { method: 'GET', url: `${receiver.url}/big` })).rejects.toMatchObject({
      code: 'OUTBOUND_TOO_LARGE',
    });
    await expect(outboundRequest(policy, { method: 'GET', url: `${receiver.url}/bomb` })).rejects.toMatchObject({
      code: 'OUTBOUND_TOO_LARGE',
      message: expect.stringContaining('decompressed'),
    });
    const small = await outboundRequest(policy, { method: 'GET', url: `${receiver.url}/bomb`, maxBytes: 30 * 1024 * 1024 });
    expect(small.body.length).toBe(20 * 1024 * 1024);
  });

  it.each([
    ['10.0.0.1:8080', { host: '10.0.0.1', port: 8080 }],
    ['[::1]:3000', { host: '::1', port: 3000 }],
    ['hooks.internal', { host: 'hooks.internal', port: null }],
    ['127.1:80', { host: '127.0.0.1', port: 80 }],
  ])('reads the allowlist entry %s', (entry, expected) => {
    expect(parseAllowlist(entry)).toEqual([expected]);
  });

  it.each(['http://x.com', 'a:b:c', 'host:99999', 'a b', 'user@host'])('refuses the allowlist entry %s', (entry) => {
    expect(() => parseAllowlist(entry)).toThrow(/is not a host or host:port/);
  });
});
