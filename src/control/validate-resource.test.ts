import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isAddressOrCidr, validateSku } from './validate-resource.ts';

it('accepts IPv4/IPv6 addresses and CIDR ranges, and nothing else', () => {
  for (const ok of ['0.0.0.0/0', '10.0.0.1', '10.0.0.0/32', '::', '::/0', '2001:db8::/128', 'fe80::1']) assert.ok(isAddressOrCidr(ok), ok);
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0', '10.0.0.0/-1', '10.0.0.0/1a', 'host', '', '/8', '1.2.3.4/']) assert.ok(!isAddressOrCidr(bad), bad);
});

it('normalizes SKU names and checks capacity by SKU', () => {
  assert.deepEqual(validateSku({ name: 'dedicated', capacity: 2 }), { name: 'Dedicated', capacity: 2 });
  assert.deepEqual(validateSku({ name: 'CONSUMPTION' }), { name: 'Consumption' });
  assert.throws(() => validateSku({ name: 'Dedicated', capacity: 0 }), /out of range/);
  assert.throws(() => validateSku({ name: 'Consumption', capacity: 1 }), /must not be set/);
});
