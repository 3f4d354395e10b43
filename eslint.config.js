// The lint run by `npm test`: the import boundaries of ARCHITECTURE.md section 2 (and the rows the
// README's Architecture adds for the folders the design does not list), promise discipline and no `any`.
// Type-aware rules read each file's nearest tsconfig.json (the root one, or dashboard/'s).
import importX from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * One row of the import table: files under `src/<folder>` (or `target`) may import from `src/`
 * only their own folder and `mayImport` (folders or files, relative to `src/`). Packages are not
 * restricted here; only our own files are.
 */
function row(folder, mayImport, { target = `src/${folder}` } = {}) {
  return {
    target,
    from: 'src',
    except: [folder, ...mayImport],
    message:
      mayImport.length === 0
        ? `src/${folder} imports nothing of ours (README, Architecture).`
        : `src/${folder} may import, of ours, only ${mayImport.join(', ')} (README, Architecture).`,
  };
}

/** Concrete stores, present and future: every folder under src/store/. */
const concreteStores = 'src/store/*/**';

const boundaryZones = [
  row('lib', []),
  row('domain', ['lib']),
  row('store', ['domain', 'lib']),
  { target: 'src/store/sqlite', from: 'src/store/postgres', message: 'One backend never imports another.' },
  { target: 'src/store/postgres', from: 'src/store/sqlite', message: 'One backend never imports another.' },
  row('engine', ['store', 'domain', 'lib']),
  row('protocol', ['engine', 'auth', 'domain', 'lib']),
  row('auth', ['domain', 'lib']),
  row('http', ['auth', 'domain', 'lib']),
  row('control', ['engine', 'store', 'auth', 'http', 'domain', 'lib']),
  row('dashboard', [
    'engine',
    'store',
    'auth',
    'http',
    'control/validate-resource.ts',
    'protocol/rpc-observer.ts',
    'domain',
    'lib',
  ]),
  row('cli', ['client', 'auth/roles.ts', 'domain', 'lib'], { target: 'src/cli/!(dts).ts' }),
  row('cli', ['client', 'auth/roles.ts', 'domain', 'lib', 'config', 'main.ts'], { target: 'src/cli/dts.ts' }),
  row('client', ['lib']),
  row('config', ['engine', 'store', 'domain', 'lib']),
  row('health', ['config', 'domain', 'lib']),
  row('observability', ['engine', 'store', 'domain', 'lib']),
  {
    target: ['src/engine', 'src/control', 'src/dashboard', 'src/config', 'src/observability'],
    from: concreteStores,
    message: 'Only the composition root names a concrete store; depend on the contracts in src/store/*.ts.',
  },
  {
    target: 'dashboard/src',
    from: 'src',
    message: 'The dashboard UI talks to the server over HTTP; it imports no server code.',
  },
  { target: 'src', from: ['test', 'bench'], message: 'Server code never imports tests or benchmarks.' },
];

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.bench/**', 'test-output/**', '.scratch/**', 'data/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: { allowDefaultProject: ['dashboard/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises that never reject: the runner awaits them and
        // reports each failure itself.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Tests are composition too: they wire real stores and servers, so the table binds only the
    // code that ships.
    files: ['src/**/*.ts', 'dashboard/src/**/*.ts', 'dashboard/src/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: boundaryZones, basePath: import.meta.dirname }] },
  },
  {
    // Code generated from a schema may use whatever types its generator emits.
    files: ['**/generated/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
