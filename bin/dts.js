#!/usr/bin/env node
// Entry point of the `dts` command: runs the compiled CLI in dist/, which `npm ci` (its `prepare`
// script) or `npm run build` makes; a clone without it gets that hint instead of a stack trace.
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli/dts.js', import.meta.url);
import(cli.href).then(
  (m) => m.main(process.argv.slice(2)),
  (error) => {
    const path = fileURLToPath(cli);
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(path)) throw error;
    console.error(`dts: ${path} is missing; run 'npm ci' (or 'npm run build') in ${fileURLToPath(new URL('..', import.meta.url))}`);
    process.exit(2);
  },
);
