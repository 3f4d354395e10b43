import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, SignInThrottle } from './sign-in-throttle.ts';

const options = { windowMs: 60_000, userFailuresMax: 3, addressFailuresMax: 5, keysMax: 100 };

test('a user name past its failures is refused until its window ends, from any address', () => {
  const throttle = new SignInThrottle(options);
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.check('Alice', '10.0.0.1', 1000), undefined);
    throttle.failed('Alice', `10.0.0.${i}`, 1000 + i);
  }
  const refusal = throttle.check('alice', '10.9.9.9', 2000);
  assert.match(refusal?.reason ?? '', /3 failed sign-ins for this user name within 1 minute\b/);
  assert.equal(refusal?.retryAfterMs, 59_000, 'the window began with the first failure');
  assert.equal(throttle.check('bob', '10.9.9.9', 2000), undefined, 'other names are not affected');
  assert.equal(throttle.check('alice', '10.9.9.9', 61_000), undefined, 'a new window begins');
});

test('an address past its failures is refused for every name; a success clears the name only', () => {
  const throttle = new SignInThrottle(options);
  for (let i = 0; i < 5; i++) throttle.failed(`user${i}`, '192.0.2.7', 0);
  assert.match(throttle.check('someone', '192.0.2.7', 10)?.reason ?? '', /5 failed sign-ins from this address/);
  assert.match(throttle.check('someone', '::ffff:192.0.2.7', 10)?.reason ?? '', /from this address/, 'IPv4-mapped counts as IPv4');
  assert.equal(throttle.check('someone', '192.0.2.8', 10), undefined);
  throttle.failed('carol', '198.51.100.1', 0);
  throttle.failed('carol', '198.51.100.1', 0);
  throttle.succeeded('carol');
  throttle.failed('carol', '198.51.100.1', 0);
  throttle.failed('carol', '198.51.100.1', 0);
  assert.equal(throttle.check('carol', '198.51.100.2', 10), undefined, 'the name counts afresh after a success');
  throttle.failed('dave', '198.51.100.1', 0);
  assert.match(throttle.check('erin', '198.51.100.1', 10)?.reason ?? '', /from this address/, 'the address kept its count through the success');
});

test('IPv6 addresses count by their /64', () => {
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:fffe'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::5'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(addressKey('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(addressKey(undefined), 'unknown');
});

test('memory is bounded: a spray of names keeps at most keysMax entries, expired ones leave first', () => {
  const throttle = new SignInThrottle({ ...options, keysMax: 50 });
  for (let i = 0; i < 10_000; i++) throttle.failed(`spray-${i}`, `2001:db8:${(i % 65536).toString(16)}::1`, i);
  assert.deepEqual(throttle.sizes, { users: 50, addresses: 50 });
  assert.equal(throttle.check('spray-9999', '::1', 10_000), undefined, 'one failure is below the limit');
  for (let i = 0; i < 3; i++) throttle.failed('target', '203.0.113.1', 10_000);
  assert.ok(throttle.check('target', '203.0.113.9', 10_001) !== undefined, 'a name just past its failures stays refused while the table is full');
  throttle.failed('late', '203.0.113.2', 200_000);
  assert.deepEqual(throttle.sizes, { users: 1, addresses: 1 }, 'expired windows are dropped when a new one begins');
});
