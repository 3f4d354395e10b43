/**
 * The import table of the README's Layout, as eslint.config.js encodes it, bites: each source
 * below is linted as if it were a file at `file` (the imports resolve against the real tree), and
 * must be reported exactly when the table forbids it. An import the resolver could not find is
 * never reported, so the allowed cases and the forbidden ones together also show that resolution
 * works.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RULE = 'import-x/no-restricted-paths';

// Only the boundary rule runs, without type information: the files below do not exist.
const eslint = new ESLint({
  cwd: root,
  cache: false,
  ruleFilter: ({ ruleId }) => ruleId === RULE,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function reported(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as m from '${specifier}';\nexport { m };\n`, { filePath: file });
  assert.ok(result !== undefined);
  return result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const FORBIDDEN: [file: string, specifier: string][] = [
  ['src/engine/x.ts', '../store/sqlite/sqlite-store.ts'],
  ['src/engine/x.ts', '../store/postgres/postgres-store.ts'],
  ['src/engine/x.ts', '../protocol/grpc-server.ts'],
  ['src/lib/x.ts', '../domain/errors.ts'],
  ['src/domain/x.ts', '../engine/engine.ts'],
  ['src/store/x.ts', '../engine/engine.ts'],
  ['src/store/sqlite/x.ts', '../postgres/schema.ts'],
  ['src/store/postgres/x.ts', '../sqlite/schema.ts'],
  ['src/protocol/proto/x.ts', '../../store/read-model.ts'],
  ['src/protocol/x.ts', '../store/store.ts'],
  ['src/protocol/proto/x.ts', '../../store/sqlite/sqlite-store.ts'],
  ['src/auth/x.ts', '../control/auth-sources.ts'],
  ['src/auth/x.ts', '../store/catalog.ts'],
  ['src/http/x.ts', '../store/store.ts'],
  ['src/http/x.ts', '../control/control-http.ts'],
  ['src/control/x.ts', '../store/sqlite/sqlite-store.ts'],
  ['src/control/x.ts', '../protocol/grpc-server.ts'],
  ['src/control/x.ts', '../control-wiring.ts'],
  ['src/dashboard/api/x.ts', '../../store/postgres/postgres-store.ts'],
  ['src/cli/x.ts', '../engine/engine.ts'],
  ['src/cli/x.ts', '../main.ts'],
  ['src/client/x.ts', '../domain/errors.ts'],
  ['src/health/x.ts', '../store/sqlite/sqlite-store.ts'],
  ['src/config/x.ts', '../protocol/grpc-server.ts'],
  ['src/observability/x.ts', '../store/sqlite/sqlite-store.ts'],
  ['src/engine/x.ts', '../../test/support/wait.ts'],
  ['dashboard/src/x.ts', '../../src/domain/errors.ts'],
];

const ALLOWED: [file: string, specifier: string][] = [
  ['src/engine/x.ts', '../store/store.ts'],
  ['src/engine/x.ts', '../domain/errors.ts'],
  ['src/domain/x.ts', '../lib/assert.ts'],
  ['src/engine/x.ts', '../store/work-store.ts'],
  ['src/engine/x.ts', '../store/read-model.ts'],
  ['src/store/sqlite/x.ts', '../store.ts'],
  ['src/store/postgres/x.ts', '../rows.ts'],
  ['src/protocol/x.ts', '../engine/engine.ts'],
  ['src/protocol/x.ts', '../auth/gate.ts'],
  ['src/control/x.ts', '../store/catalog.ts'],
  ['src/control/x.ts', '../http/routes.ts'],
  ['src/cli/x.ts', '../auth/roles.ts'],
  ['src/cli/dts.ts', '../main.ts'],
  // Composition files import anything; so do tests, which wire real stores.
  ['src/main.ts', './store/sqlite/sqlite-store.ts'],
  ['src/engine/x.test.ts', '../store/sqlite/sqlite-store.ts'],
  ['test/x.test.ts', '../src/store/postgres/postgres-store.ts'],
];

describe('the import boundaries', () => {
  for (const [file, specifier] of FORBIDDEN) {
    it(`reports ${file} importing ${specifier}`, async () => {
      const messages = await reported(file, specifier);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0] ?? '', new RegExp(`^${RULE}: `));
    });
  }
  for (const [file, specifier] of ALLOWED) {
    it(`lets ${file} import ${specifier}`, async () => {
      assert.deepEqual(await reported(file, specifier), []);
    });
  }
});
