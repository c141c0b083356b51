import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { CPU_BACKENDS } from './cpu';
import { toGradFunc, toKernelFunc } from './kernel';
import type { KernelDef, KernelGradient, KernelImpl } from './kernel';

/**
 * Registers `kernel` for webgpu (`impl.webgpu`) and every CPU backend (cpu, wasm, tensorflow: `impl.cpu`);
 * idempotent (a backend that already has the kernel keeps it).
 */
export function registerOp<I extends object, A extends object>(kernel: KernelDef<I, A>, impl: { webgpu: KernelImpl<I, A>; cpu: KernelImpl<I, A> }): void {
  const webgpu = toKernelFunc(impl.webgpu);
  const cpu = toKernelFunc(impl.cpu);
  const targets: [string, KernelFunc][] = [['webgpu', webgpu], ...CPU_BACKENDS.map((b): [string, KernelFunc] => [b, cpu])];
  for (const [backendName, kernelFunc] of targets) {
    if (tf.getKernel(kernel.name, backendName)) continue;
    tf.registerKernel({ kernelName: kernel.name, backendName, kernelFunc });
  }
}

/** Registers the gradient of `kernel` (for every backend); idempotent. */
export function registerOpGradient<I extends object, A extends object>(kernel: KernelDef<I, A>, grad: KernelGradient<I, A>): void {
  if (tf.getGradient(kernel.name)) return;
  tf.registerGradient({ kernelName: kernel.name, inputsToSave: grad.inputsToSave, ...(grad.outputsToSave ? { outputsToSave: grad.outputsToSave } : {}), gradFunc: toGradFunc(grad) });
}
