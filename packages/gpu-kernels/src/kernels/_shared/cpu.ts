import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** Backends whose kernels read and write plain typed arrays synchronously. */
export const CPU_BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number | null, values?: tf.backend_util.BackendValues): TensorInfo;
}
interface CpuLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): TensorInfo;
}

/** Values of a tensor on a CPU backend (cpu: the live array; wasm/tensorflow: a copy). */
export function readValues(backend: unknown, t: TensorInfo): Float32Array | Int32Array {
  return (backend as KernelBackend).readSync(t.dataId) as Float32Array | Int32Array;
}

/** A new tensor on a CPU backend holding `values`. */
export function makeOutput(backend: unknown, shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): TensorInfo {
  const b = backend as unknown as Partial<WasmLike & CpuLike>;
  if (typeof b.makeTensorInfo === 'function') return b.makeTensorInfo(shape, dtype, values);
  if (typeof b.makeOutput === 'function') return b.makeOutput(shape, dtype, null, values);
  throw new Error(`@lemma/gpu-kernels: backend '${tf.getBackend()}' cannot create tensors from values`);
}

interface CpuData { data: { get(id: DataId): { values: unknown } } }
interface WasmHeap { typedArrayFromHeap(t: TensorInfo): Float32Array }

/** A live (writable) float32 view of a tensor's storage on the cpu or wasm backend, or null elsewhere. */
export function liveFloat32(t: tf.Tensor): Float32Array | null {
  const name = tf.getBackend();
  const be = tf.backend() as unknown;
  if (name === 'cpu') {
    const v = (be as CpuData).data.get(t.dataId).values;
    return v instanceof Float32Array ? v : null;
  }
  if (name === 'wasm') return (be as WasmHeap).typedArrayFromHeap(t);
  return null;
}
