import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { getGPUDevice, getWebGPUBackend, isGpuBackend } from './device';

describeEachBackend('device accessors', (backend) => {
  it('the webgpu backend and its GPUDevice exactly when webgpu is active; isGpuBackend only then', () => {
    expect(isGpuBackend()).toBe(backend === 'webgpu');
    if (backend === 'webgpu') {
      expect(getWebGPUBackend()).toBe(tf.backend());
      const device = getGPUDevice();
      expect(device).toBe((tf.backend() as unknown as { device: GPUDevice }).device);
      expect(typeof device!.createBuffer).toBe('function');
    } else {
      expect(getWebGPUBackend()).toBeNull();
      expect(getGPUDevice()).toBeNull();
    }
  });
});
