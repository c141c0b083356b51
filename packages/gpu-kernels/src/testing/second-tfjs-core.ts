import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A second instance of tfjs-core, as a second install would load: a copy of its CJS bundle at another path (its
 * "kernel already registered" warnings are silenced). For tests of the one-copy checks (`tfjsCoreProblems`).
 */
export function loadSecondTfjsCore(): typeof tf {
  const require = createRequire(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-copy-'));
  copyFileSync(require.resolve('@tensorflow/tfjs-core'), join(dir, 'tf-core.node.js'));
  const warn = console.warn;
  console.warn = () => {};
  try {
    return require(join(dir, 'tf-core.node.js')) as typeof tf;
  } finally {
    console.warn = warn;
  }
}
