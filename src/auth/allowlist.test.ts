import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admits, compileAllowlist, grpcPeerAddress } from './allowlist.ts';

test('allowlist: IPv4, IPv6, CIDR, mapped addresses, empty list', () => {
  const list = compileAllowlist(['10.0.0.0/8', '192.168.1.1', '2001:db8::/32', '::1']);
  const cases: [string, boolean][] = [
    ['10.2.3.4', true], ['11.0.0.1', false], ['192.168.1.1', true], ['192.168.1.2', false],
    ['2001:db8::5', true], ['2001:db9::5', false], ['::1', true], ['::ffff:10.1.1.1', true], ['::ffff:8.8.8.8', false], ['garbage', false],
  ];
  for (const [address, expected] of cases) assert.equal(admits(list, address), expected, address);
  assert.equal(admits(compileAllowlist([]), '127.0.0.1'), false);
  assert.equal(admits(compileAllowlist(['0.0.0.0/0', '::/0']), '::1'), true);
});

test('peer strings of grpc-js', () => {
  assert.equal(grpcPeerAddress('127.0.0.1:5000'), '127.0.0.1');
  assert.equal(grpcPeerAddress('::1:5000'), '::1');
  assert.equal(grpcPeerAddress('[::1]:5000'), '::1');
  assert.equal(grpcPeerAddress('::ffff:127.0.0.1:80'), '::ffff:127.0.0.1');
  assert.equal(grpcPeerAddress('ipv4:10.0.0.1:80'), '10.0.0.1');
  assert.equal(grpcPeerAddress('ipv6:[2001:db8::1]:443'), '2001:db8::1');
  // Without a port of digits the string is the address as it is.
  assert.equal(grpcPeerAddress('unknown'), 'unknown');
  assert.equal(grpcPeerAddress('10.0.0.1:'), '10.0.0.1:');
  assert.equal(grpcPeerAddress('10.0.0.1:8a'), '10.0.0.1:8a');
});
