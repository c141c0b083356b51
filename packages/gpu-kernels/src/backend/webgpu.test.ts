import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackends } from '../testing/backends';
import { prepareWebGPU, releaseWebGPU } from './webgpu';

describe('prepareWebGPU', () => {
  afterAll(() => releaseWebGPU());

  it('starts once (the same promise), and either registers the backend with an adapter description or explains why not', async () => {
    const p = prepareWebGPU();
    expect(prepareWebGPU()).toBe(p);
    const r = await p;
    expect(r.name).toBe('webgpu');
    if (r.ok) {
      expect(tf.findBackendFactory('webgpu')).toBeTruthy();
      expect(r.detail!.length).toBeGreaterThan(0);
      expect(typeof r.software).toBe('boolean');
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeDefined();
    } else {
      expect(r.reason.length).toBeGreaterThan(0);
      if (process.env.LEMMA_REQUIRE_WEBGPU === '1' && testBackends().includes('webgpu')) throw new Error(`webgpu required: ${r.reason}`);
    }
  });

  it('releaseWebGPU drops navigator.gpu and the backend; the next prepareWebGPU is a new attempt', async () => {
    const before = prepareWebGPU();
    const first = await before;
    releaseWebGPU();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    if (first.ok) expect(tf.findBackendFactory('webgpu')).toBeNull();
    const again = prepareWebGPU();
    expect(again).not.toBe(before);
    const second = await again;
    expect(second.name).toBe('webgpu');
    // A backend that started once cannot start again in this process, and says why.
    if (first.ok) {
      expect(second.ok).toBe(false);
      expect(second.reason).toMatch(/registers itself once per process, at import: after releaseWebGPU it cannot be started again in this process/);
    }
  });
});
