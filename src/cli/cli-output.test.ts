import assert from 'node:assert/strict';
import { it } from 'node:test';
import { listFlag, parseFlags, tagsFlag, UsageError } from './cli-args.ts';
import { formatResult } from './cli-output.ts';

const scheduler = { name: 's1', properties: { endpoint: 'http://h:1', sku: { name: 'Dedicated', capacity: 1 } }, location: 'westus' };

it('prints --query results as az does: tsv scalars bare, json sorted and indented', () => {
  assert.equal(formatResult(scheduler, 'tsv', 'properties.endpoint'), 'http://h:1');
  assert.equal(formatResult([scheduler, { ...scheduler, name: 's2' }], 'tsv', '[].name'), 's1\ns2');
  assert.equal(formatResult(scheduler, 'tsv', undefined), 'westus\ts1');
  assert.equal(formatResult({ b: 1, a: { d: 2, c: 3 } }, 'json', undefined), '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}');
  assert.equal(formatResult(scheduler, 'none', undefined), undefined);
  assert.match(formatResult([scheduler], 'table', undefined) ?? '', /^Name\s+Location\n-+\s+-+\ns1\s+westus$/);
  assert.throws(() => formatResult(scheduler, 'json', '[[['), UsageError);
});

it('prints an object of names and values as export lines for POSIX shells (-o env)', () => {
  assert.equal(formatResult({ A: 'x', B_2: "it's; $HOME" }, 'env', undefined), "export A='x'\nexport B_2='it'\\''s; $HOME'");
  assert.throws(() => formatResult({ 'not-a-name': 'x' }, 'env', undefined), /'not-a-name' is not a shell variable name/);
  assert.throws(() => formatResult([1, 2], 'env', undefined), UsageError);
});

it('parses az-style flags: aliases, multi-value tags, shorthand lists, required flags', () => {
  const specs = [
    { key: 'name', names: ['--name', '-n'], help: '', required: true },
    { key: 'tags', names: ['--tags'], help: '', multi: true },
    { key: 'ip-allowlist', names: ['--ip-allowlist'], help: '', multi: true },
  ];
  const values = parseFlags(['-n', 'x', '--tags', 'a=1', 'b', '--ip-allowlist', '[0.0.0.0/0, ::1]'], specs, 'test');
  assert.deepEqual(tagsFlag(values), { a: '1', b: '' });
  assert.deepEqual(listFlag(values, 'ip-allowlist'), ['0.0.0.0/0', '::1']);
  assert.deepEqual(listFlag(parseFlags(['-n', 'x', '--ip-allowlist', '["10.0.0.0/8"]'], specs, 't'), 'ip-allowlist'), ['10.0.0.0/8']);
  assert.deepEqual(listFlag(parseFlags(['-n', 'x', '--ip-allowlist', '[]'], specs, 't'), 'ip-allowlist'), []);
  assert.throws(() => parseFlags([], specs, 'test'), /required: --name\/-n/);
  assert.throws(() => parseFlags(['-n', 'x', '--nope'], specs, 'test'), /^UsageError: unrecognized argument --nope; see 'dts test --help'$/);
  assert.throws(() => parseFlags(['-n', 'x', '--tgas', 'a'], specs, 'test'), /unrecognized argument --tgas; did you mean --tags\? see 'dts test --help'/);
});
