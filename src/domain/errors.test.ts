import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { BASE_CODE, ERROR_CODES } from './errors.ts';

it('docs/errors.md lists every error code with its base code, retry flag and meaning', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
  assert.equal(rows.length, Object.keys(ERROR_CODES).length, 'one row per code, no retired rows');
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    const row = `| \`${code}\` | \`${BASE_CODE[code as keyof typeof BASE_CODE]}\` | ${spec.retryable ? 'yes' : 'no'} | ${spec.description} |`;
    assert.ok(rows.includes(row), `docs/errors.md is missing or out of date for ${code}`);
  }
});
