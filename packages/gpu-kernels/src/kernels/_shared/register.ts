import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { CPU_BACKENDS } from './cpu';
import { toGradFunc, toKernelFunc } from './kernel';
import type { KernelDef, KernelGradient, KernelImpl } from './kernel';

/**
 * Registers `kernel` for webgpu (`impl.webgpu`) and every CPU backend (cpu, wasm, tensorflow: `impl.cpu`);
 * idempotent (a backend that already has the kernel keeps it).
 */
export function registerOp<I extends object, A extends object>(kernel: KernelDef<I, A>, impl: { webgpu: KernelImpl<I, A>; cpu: KernelImpl<I, A> }): void;
/** @deprecated Untyped form, until every op folder has a `kernel.ts`: pass a {@link KernelDef}. */
export function registerOp(kernelName: string, impl: { webgpu: KernelFunc; cpu: KernelFunc }): void;
export function registerOp(kernel: string | KernelDef<object, object>, impl: { webgpu: KernelFunc | KernelImpl<object, object>; cpu: KernelFunc | KernelImpl<object, object> }): void {
  const kernelName = typeof kernel === 'string' ? kernel : kernel.name;
  const webgpu = toKernelFunc(impl.webgpu as KernelImpl<object, object>);
  const cpu = toKernelFunc(impl.cpu as KernelImpl<object, object>);
  const targets: [string, KernelFunc][] = [['webgpu', webgpu], ...CPU_BACKENDS.map((b): [string, KernelFunc] => [b, cpu])];
  for (const [backendName, kernelFunc] of targets) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}

/** Registers the gradient of `kernel` (for every backend); idempotent. */
export function registerOpGradient<I extends object, A extends object>(kernel: KernelDef<I, A>, grad: KernelGradient<I, A>): void {
  if (tf.getGradient(kernel.name)) return;
  tf.registerGradient({ kernelName: kernel.name, inputsToSave: grad.inputsToSave, gradFunc: toGradFunc(grad) });
}
