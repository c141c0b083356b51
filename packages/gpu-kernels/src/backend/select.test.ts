import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { formatBackendReport, resolveBackendChoice, selectBackend } from './select';
import { BackendUnavailableError } from './types';

describe('resolveBackendChoice', () => {
  it('rejects unknown names with the list of valid ones', () => {
    expect(() => resolveBackendChoice('cuda')).toThrow(/one of auto, webgpu, tensorflow, wasm, cpu; got 'cuda'/);
  });
  it('accepts names case-insensitively', () => {
    expect(resolveBackendChoice(' WASM ')).toBe('wasm');
  });
});

describe('selectBackend', () => {
  it('auto picks a backend and explains every skipped one', async () => {
    const r = await selectBackend('auto');
    expect(tf.getBackend()).toBe(r.backend);
    for (const a of r.attempts.slice(0, -1)) {
      expect(a.ok).toBe(false);
      expect(a.reason.length).toBeGreaterThan(0);
    }
    expect(formatBackendReport(r)).toContain(`backend: ${r.backend}`);
  });
  it('rejects unknown option keys', async () => {
    await expect(selectBackend({ backend: 'cpu', wasmPath: '/x/' } as never)).rejects.toThrow(/unknown key 'wasmPath'; known keys: backend, wasmPaths/);
  });
  it('cpu in a fresh Node process prints nothing on stderr (no tfjs-node banner)', () => {
    // A child process: the banner fires on a cpu backend's first op, which this test process may have used already.
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `import { selectBackend } from ${JSON.stringify(join(here, 'select.ts'))}; import * as tf from '@tensorflow/tfjs-core';
      await selectBackend('cpu'); tf.add(tf.scalar(1), tf.scalar(2)).dataSync();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: here, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/tfjs-node/);
  });
  it('an explicit unavailable backend is an error naming the fix', async () => {
    // tfjs-node is never installed by Lemma itself.
    await expect(selectBackend('tensorflow')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(selectBackend('tensorflow')).rejects.toThrow(/not installed.*Fix: optional/);
  });
});

describeEachBackend('core gradients', (backend) => {
  it('tf.grad works (gradients are registered in Node)', async () => {
    expect(tf.getBackend()).toBe(backend);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await g.data())).toEqual([2, -4, 6]);
  });
});
