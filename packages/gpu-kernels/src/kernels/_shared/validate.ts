import * as tf from '@tensorflow/tfjs-core';

/** Converts a tensor-like argument to a float32 tensor, naming the op and argument on failure. */
export function toFloatTensor(x: tf.Tensor | tf.TensorLike, op: string, arg: string): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.dtype !== 'float32') throw new Error(`${op}: ${arg} must be float32, got ${x.dtype}`);
    return x;
  }
  try {
    return tf.tensor(x as tf.TensorLike, undefined, 'float32');
  } catch (e) {
    throw new Error(`${op}: ${arg} must be a tensor or nested number array (${(e as Error).message})`);
  }
}

/** Throws unless `t` has rank `rank`. */
export function expectRank(t: tf.Tensor, rank: number, op: string, arg: string): void {
  if (t.rank !== rank) throw new Error(`${op}: ${arg} must be a ${rank}-D tensor, got shape [${t.shape.join(', ')}]`);
}

/** Throws unless `v` is a finite number greater than 0. */
export function expectPositive(v: number, op: string, arg: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${op}: ${arg} must be a finite number > 0, got ${v}`);
}

/** Throws unless `v` is a finite number. */
export function expectFinite(v: number, op: string, arg: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${arg} must be a finite number, got ${v}`);
}

/** Throws unless every dimension of `shape` is a non-negative integer. */
export function expectShape(shape: readonly number[], op: string, arg: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${op}: ${arg} must be an array of non-negative integers, got [${String(shape)}]`);
  }
}
