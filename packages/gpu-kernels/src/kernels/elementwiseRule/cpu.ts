import * as tf from '@tensorflow/tfjs-core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

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
