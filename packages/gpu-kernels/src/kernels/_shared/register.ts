import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { CPU_BACKENDS } from './cpu';

/** Registers `kernelName` for webgpu and every CPU backend (cpu, wasm, tensorflow); idempotent. */
export function registerOp(kernelName: string, impl: { webgpu: KernelFunc; cpu: KernelFunc }): void {
  const targets: [string, KernelFunc][] = [['webgpu', impl.webgpu], ...CPU_BACKENDS.map((b): [string, KernelFunc] => [b, impl.cpu])];
  for (const [backendName, kernelFunc] of targets) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}
