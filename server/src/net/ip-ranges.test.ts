import { describe, expect, it } from 'vitest';
import { blockedRange } from './ip-ranges.js';

describe('blockedRange', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '169.253.255.255',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001:82b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('lets the public address %s through', (address) => {
    expect(blockedRange(address)).toBeNull();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.10.1', 'private'],
    ['100.100.100.100', 'shared-cgnat'],
    ['169.254.169.254', 'link-local'],
    ['0.1.2.3', 'this-network'],
    ['240.0.0.1', 'reserved'],
    ['239.255.255.250', 'multicast'],
    ['203.0.113.9', 'documentation'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['fdff::1', 'unique-local'],
    ['ff05::2', 'multicast'],
    ['::ffff:192.168.0.1', 'ipv4-mapped:private'],
    ['::a00:1', 'ipv4-compatible:private'],
    ['64:ff9b::a9fe:a9fe', 'nat64:link-local'],
    ['64:ff9b:1::1', 'nat64-local'],
    ['2002:a9fe:a9fe::', '6to4:link-local'],
    ['2001::1', 'ietf-protocol'],
    ['2001:db8:1::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['1::1', 'not-global-ipv6'],
    ['localhost', 'not-an-ip-address'],
    ['', 'not-an-ip-address'],
  ])('refuses %s as %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });
});
