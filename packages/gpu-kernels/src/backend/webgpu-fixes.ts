/**
 * Fixes of tfjs-webgpu 4.22 kernels that give wrong results silently, installed when gpu-kernels starts the webgpu
 * backend (so they reach every user of `selectBackend`).
 *
 * AddN: tfjs binds all n inputs and the output in one shader; from n + 1 > the device's
 * maxStorageBuffersPerShaderStage (8 by default) the bind group is invalid and the result is wrong (measured:
 * eight tensors summed to the sum of the first three). Here larger sums run as chunks that fit, then a sum of the
 * chunks' partial sums.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

const FIXED = Symbol('lemma-addn-chunked');

type Limits = { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } };

/** Replaces tfjs-webgpu's AddN kernel by one that chunks its inputs to the device's storage-buffer limit. Idempotent. */
export function installWebGPUKernelFixes(): void {
  const orig = tf.getKernel('AddN', 'webgpu');
  if (!orig || (orig.kernelFunc as { [FIXED]?: true })[FIXED]) return;
  const inner = orig.kernelFunc;
  const chunked = ((args: Parameters<KernelFunc>[0]) => {
    const inputs = Object.values(args.inputs) as TensorInfo[];
    // One binding is the output.
    const most = Math.max(2, ((args.backend as Limits).device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
    if (inputs.length <= most) return inner(args);
    const partials: TensorInfo[] = [];
    for (let i = 0; i < inputs.length; i += most) {
      const part = inputs.slice(i, i + most);
      partials.push(part.length === 1 ? part[0]! : (inner({ ...args, inputs: part as unknown as tf.NamedTensorInfoMap }) as TensorInfo));
    }
    const out = chunked({ ...args, inputs: partials as unknown as tf.NamedTensorInfoMap }) as TensorInfo;
    for (const p of partials) if (!inputs.includes(p)) (args.backend as tf.KernelBackend).disposeData(p.dataId);
    return out;
  }) as KernelFunc & { [FIXED]?: true };
  chunked[FIXED] = true;
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...orig, kernelFunc: chunked });
}
