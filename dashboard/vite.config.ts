// Builds the dashboard UI (Preact) into dist/dashboard, served by the server at `/`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)), emptyOutDir: true, sourcemap: false },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
} as never);
