#!/usr/bin/env node
// Entry point of the `dts` command: runs the compiled CLI (`npm run build` makes dist/).
import('../dist/src/cli/dts.js').then((m) => m.main(process.argv.slice(2)));
