import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { activateBackend } from '../testing/backends';
import { stageUploads } from './webgpu';

describe('webgpu uploads go through a staging copy', () => {
  it('no storage buffer is created mapped at creation, and uploaded values arrive intact', async (ctx) => {
    const skip = await activateBackend('webgpu');
    if (skip) return ctx.skip();
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const seen: GPUBufferDescriptor[] = [];
    const create = device.createBuffer;
    device.createBuffer = function (this: GPUDevice, desc: GPUBufferDescriptor) {
      seen.push(desc);
      return create.call(this, desc);
    };
    try {
      // A size no earlier test used, so the pool has no buffer for it and tfjs must create one.
      const n = 12_347;
      const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      const y = tf.tidy(() => tf.add(tf.tensor1d(values), 1));
      const got = await y.data();
      y.dispose();
      expect(Array.from(got.slice(0, 5))).toEqual(Array.from(values.slice(0, 5), (v) => Math.fround(Math.fround(v) + 1)));
      expect(got[n - 1]).toBe(Math.fround(Math.fround(values[n - 1]!) + 1));
      const storage = seen.filter((d) => (d.usage & GPUBufferUsage.STORAGE) !== 0);
      expect(storage.length).toBeGreaterThan(0);
      expect(storage.filter((d) => d.mappedAtCreation)).toEqual([]);
    } finally {
      device.createBuffer = create;
    }
  });

  it('leaves staging and mappable buffers mapped at creation, and is idempotent', () => {
    const calls: [number, boolean | undefined][] = [];
    const backend = { bufferManager: { acquireBuffer: (_size: number, usage: number, mapped?: boolean) => (calls.push([usage, mapped]), {} as GPUBuffer) } };
    stageUploads(backend);
    stageUploads(backend);
    backend.bufferManager.acquireBuffer(16, 0x80 | 0x4 | 0x8, true); // STORAGE | COPY_SRC | COPY_DST: the upload target
    backend.bufferManager.acquireBuffer(16, 0x2 | 0x4, true); // MAP_WRITE | COPY_SRC: the staging buffer
    backend.bufferManager.acquireBuffer(16, 0x80, false);
    expect(calls).toEqual([[0x80 | 0x4 | 0x8, false], [0x2 | 0x4, true], [0x80, false]]);
  });
});
