import assert from 'node:assert/strict';
import { it } from 'node:test';
import { quote } from './quote.ts';

it('quotes short values whole and cuts long ones, saying how long they were', () => {
  assert.equal(quote('abc'), "'abc'");
  assert.equal(quote(42), "'42'");
  const long = quote('x'.repeat(1_000_000));
  assert.ok(long.length < 120, long);
  assert.match(long, /^'x{80}…' \(1000000 characters\)$/);
});

it('escapes control characters so a message stays one printable line', () => {
  assert.equal(quote('a\nb\u001b[31m'), "'a\\u000ab\\u001b[31m'");
});
