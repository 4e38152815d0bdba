#!/usr/bin/env node
// Committed entry point of `msa-worker`. npm links package bins at install time, before
// `npm run build` has produced dist/, and does not link a bin whose target is missing; this
// shim always exists and loads the compiled CLI.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('msa-worker: the compiled CLI (dist/cli.js) is missing: run `npm run build` first\n');
  process.exit(1);
}
await import(cli.href);
