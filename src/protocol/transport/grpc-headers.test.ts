import assert from 'node:assert/strict';
import { it } from 'node:test';
import { encodeGrpcMessage, metadataOf, timeoutMs } from './grpc-headers.ts';

it('reads grpc-timeout in each of its units, and refuses anything else', () => {
  assert.equal(timeoutMs(undefined), undefined);
  assert.equal(timeoutMs('2H'), 7_200_000);
  assert.equal(timeoutMs('3M'), 180_000);
  assert.equal(timeoutMs('5S'), 5000);
  assert.equal(timeoutMs('250m'), 250);
  assert.equal(timeoutMs('1500u'), 1.5);
  assert.equal(timeoutMs('99999999n'), 99.999999);
  for (const bad of ['', '5', 'S', '123456789S', '5s', '-5S', '1.5S', '5 S']) assert.throws(() => timeoutMs(bad), /grpc-timeout/, bad);
});

it('percent-encodes grpc-message outside printable ASCII, and the percent sign itself', () => {
  assert.equal(encodeGrpcMessage('plain text: ok'), 'plain text: ok');
  assert.equal(encodeGrpcMessage('100% über\n'), '100%25 %C3%BCber%0A');
  assert.equal(decodeURIComponent(encodeGrpcMessage('hub \'h%C3\' ✓')), 'hub \'h%C3\' ✓');
});

it('gives text metadata as sent and decodes -bin metadata from base64, repeated values too', () => {
  const metadata = metadataOf({ taskhub: 'hub', 'x-list': ['a', 'b'], 'trace-bin': `${Buffer.from([1, 2]).toString('base64')},${Buffer.from([255]).toString('base64')}` });
  assert.equal(metadata.get('taskhub'), 'hub');
  assert.equal(metadata.get('x-list'), 'a, b');
  assert.equal(metadata.get('missing'), undefined);
  assert.deepEqual(metadata.binary('trace-bin'), Buffer.from([1, 2, 255]));
  assert.equal(metadata.binary('taskhub'), undefined, 'a text key is not binary');
});
