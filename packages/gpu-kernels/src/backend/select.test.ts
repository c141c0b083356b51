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
