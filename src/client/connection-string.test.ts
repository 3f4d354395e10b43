import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConnectionString } from './connection-string.ts';

test('every key, case-insensitive; defaults', () => {
  const s = parseConnectionString('endpoint=x.westus2.durabletask.io;AUTHENTICATION=managedidentity;TaskHub=h;ClientID=c;TenantId=t;AdditionallyAllowedTenants=a, b;TokenFilePath=/f;');
  assert.equal(s.endpoint.href, 'https://x.westus2.durabletask.io/');
  assert.equal(s.authentication, 'ManagedIdentity');
  assert.deepEqual([s.taskHub, s.clientId, s.tenantId, s.tokenFilePath, s.resourceId], ['h', 'c', 't', '/f', 'https://durabletask.io']);
  assert.deepEqual(s.additionallyAllowedTenants, ['a', 'b']);
  assert.equal(parseConnectionString('Endpoint=http://localhost:8080;Authentication=None;TaskHub=default').endpoint.port, '8080');
});

test('malformed strings name the bad or missing key', () => {
  const cases: [string, RegExp][] = [
    ['Authentication=None', /Endpoint key is missing/],
    ['Endpoint=http://x', /Authentication key is missing/],
    ['Endpoint=http://x;Authentication=Password', /Authentication 'Password'/],
    ['Endpoint=http://x;Authentication=None;Colour=red', /unknown key 'Colour'/],
    ['Endpoint=http://x;Authentication=None;garbage', /'garbage' is not key=value/],
    ['Endpoint=ftp://x;Authentication=None', /Endpoint 'ftp:\/\/x'/],
    ['Endpoint=http://x;endpoint=http://y;Authentication=None', /'endpoint' appears twice/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseConnectionString(text), message, text);
});
