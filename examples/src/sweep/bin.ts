#!/usr/bin/env node
/** `lemma-sweep ...` = `lemma-repro sweep ...` without loading the reproductions (queue workers of program trials). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sweepMain } from './cli';

const here = dirname(fileURLToPath(import.meta.url));
// Reproduction trials call the full CLI: beside this bundle in dist/, or the built one when run from src/.
const cli = [join(here, 'cli.js'), join(here, '../../dist/cli.js')].find((p) => existsSync(p)) ?? join(here, 'cli.js');
const argv = process.argv.slice(2);
sweepMain(argv[0] === '--' ? argv.slice(1) : argv, cli).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`lemma-sweep: ${e.message}\n`);
    process.exit(2);
  },
);
