/**
 * Child process of the bad-input harness (bad-input.ts): `node --import tsx bad-input-child.ts <table module>
 * <export> <backend>`. Prints `{"start": i}` before and one outcome line after each case, as JSON lines on stdout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../backend/select';
import type { BackendName } from '../backend/types';
import type { BadInputCase, BadInputOutcome } from './bad-input';

function disposeAll(x: unknown, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof tf.Tensor) {
    if (!x.isDisposed) x.dispose();
    return;
  }
  if (ArrayBuffer.isView(x)) return;
  if (typeof (x as { dispose?: unknown }).dispose === 'function' && !(x instanceof tf.Tensor)) {
    try {
      (x as { dispose(): void }).dispose();
    } catch {
      // not ours to dispose
    }
  }
  for (const v of Object.values(x as object)) disposeAll(v, seen);
}

async function main(): Promise<void> {
  const [modulePath, exportName, backend] = process.argv.slice(2) as [string, string, BackendName];
  await selectBackend({ backend });
  const mod = (await import(pathToFileURL(modulePath).href)) as Record<string, BadInputCase[]>;
  const cases = mod[exportName];
  if (!Array.isArray(cases)) throw new Error(`${modulePath} has no array export '${exportName}'`);
  const write = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    write({ start: i });
    const inputs = c.setup ? c.setup() : undefined;
    const before = tf.memory().numTensors;
    let out: BadInputOutcome;
    try {
      const result = await c.call(inputs as never);
      disposeAll(result);
      out = { i, outcome: 'returned', leaked: tf.memory().numTensors - before };
    } catch (e) {
      out = { i, outcome: 'threw', message: e instanceof Error ? e.message : String(e), leaked: tf.memory().numTensors - before };
    }
    disposeAll(inputs);
    write(out);
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exit(3);
  },
);
