import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** The active tfjs WebGPU backend, or `null` when another backend is active. */
export function getWebGPUBackend(): WebGPUBackend | null {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend) : null;
}

/** The `GPUDevice` tfjs's WebGPU backend runs on, for our own WGSL pipelines; `null` off webgpu. */
export function getGPUDevice(): GPUDevice | null {
  return getWebGPUBackend()?.device ?? null;
}

/** True when the active backend keeps tensors on a GPU (reads must be async). */
export function isGpuBackend(): boolean {
  const b = tf.getBackend();
  return b === 'webgpu' || b === 'webgl';
}
