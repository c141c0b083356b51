import * as tf from '@tensorflow/tfjs-core';

/**
 * Labels as one-hot [K or 1, B, C] float32 from int32 class ids ([B] shared or [K, B]) or one-hot / soft targets
 * ([B, C] shared or [K, B, C]).
 */
function oneHotLabels(op: string, labels: tf.Tensor, K: number, B: number, C: number): tf.Tensor3D {
  if (!(labels instanceof tf.Tensor)) throw new Error(`${op}: labels must be a tensor, got ${typeof labels}`);
  const s = labels.shape;
  if (labels.dtype === 'int32') {
    // One explicit cast (an int32 one-hot would be cast at every use; tfjs-wasm's OneHot ignores a float32 dtype).
    if (labels.rank === 1 && s[0] === B) return tf.expandDims(tf.cast(tf.oneHot(labels as tf.Tensor1D, C), 'float32'), 0) as tf.Tensor3D;
    if (labels.rank === 2 && s[0] === K && s[1] === B) return tf.cast(tf.oneHot(labels as tf.Tensor2D, C), 'float32') as tf.Tensor3D;
    throw new Error(`${op}: int32 labels must be [${B}] (shared) or [${K}, ${B}] (per model), got shape [${s.join(', ')}]`);
  }
  if (labels.dtype !== 'float32') throw new Error(`${op}: labels must be int32 class ids or float32 targets, got ${labels.dtype}`);
  if (labels.rank === 2 && s[0] === B && s[1] === C) return tf.expandDims(labels, 0) as tf.Tensor3D;
  if (labels.rank === 3 && s[0] === K && s[1] === B && s[2] === C) return labels as tf.Tensor3D;
  throw new Error(`${op}: float32 labels must be [${B}, ${C}] (shared) or [${K}, ${B}, ${C}] (per model), got shape [${s.join(', ')}]`);
}

function logitShape(op: string, logits: tf.Tensor): [number, number, number] {
  if (!(logits instanceof tf.Tensor) || logits.rank !== 3) {
    throw new Error(`${op}: logits must be a [K, B, C] tensor, got ${logits instanceof tf.Tensor ? `shape [${logits.shape.join(', ')}]` : typeof logits}`);
  }
  return logits.shape as [number, number, number];
}

/**
 * Softmax cross-entropy of each model, averaged over its batch: [K]. Labels are int32 class ids ([B] or [K, B])
 * or float32 one-hot / soft targets ([B, C] or [K, B, C]).
 */
export function kCrossEntropyPerModel(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  const op = 'kCrossEntropy';
  const [K, B, C] = logitShape(op, logits);
  return tf.tidy(() => {
    const y = oneHotLabels(op, labels, K, B, C);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1), -1)) as tf.Tensor1D;
  });
}

/**
 * The training loss of K models: the sum over models of each model's mean cross-entropy. Summing (not averaging)
 * makes d loss / d θ_k exactly model k's own gradient, so K models trained together follow the same
 * trajectories as each trained alone.
 *
 * @example
 * opt.minimize(() => kCrossEntropy(net.forward(x), labels), false, net.variables());
 */
export function kCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const [K, B, C] = logitShape('kCrossEntropy', logits);
  // -(1/B)·Σ_{k,b,c} y·log p in one reduction: the same gradient as Σ_k mean_b, with fewer kernels.
  return tf.tidy(() => tf.mul(tf.sum(tf.mul(oneHotLabels('kCrossEntropy', labels, K, B, C), tf.logSoftmax(logits))), -1 / B) as tf.Scalar);
}

/** Mean squared error of each model over its batch and outputs: [K]. Targets are [B, D] (shared) or [K, B, D]. */
export function kMeanSquaredErrorPerModel(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  const op = 'kMeanSquaredError';
  const [K, B, D] = logitShape(op, pred);
  if (!(target instanceof tf.Tensor) || target.dtype !== 'float32') throw new Error(`${op}: target must be a float32 tensor, got ${target instanceof tf.Tensor ? target.dtype : typeof target}`);
  const s = target.shape;
  const ok = (target.rank === 2 && s[0] === B && s[1] === D) || (target.rank === 3 && s[0] === K && s[1] === B && s[2] === D);
  if (!ok) throw new Error(`${op}: target must be [${B}, ${D}] (shared) or [${K}, ${B}, ${D}] (per model), got shape [${s.join(', ')}]`);
  return tf.tidy(() => tf.mean(tf.squaredDifference(pred, target), [1, 2]) as tf.Tensor1D);
}

/** Sum over models of each model's mean squared error (see {@link kCrossEntropy} for why a sum). */
export function kMeanSquaredError(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(kMeanSquaredErrorPerModel(pred, target)));
}

/** Fraction of argmax hits per model: [K]. Labels are int32 class ids, [B] shared or [K, B]. */
export function kAccuracy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  const op = 'kAccuracy';
  const [K, B] = logitShape(op, logits);
  if (!(labels instanceof tf.Tensor) || labels.dtype !== 'int32') throw new Error(`${op}: labels must be int32 class ids, got ${labels instanceof tf.Tensor ? labels.dtype : typeof labels}`);
  const ok = (labels.rank === 1 && labels.shape[0] === B) || (labels.rank === 2 && labels.shape[0] === K && labels.shape[1] === B);
  if (!ok) throw new Error(`${op}: labels must be [${B}] (shared) or [${K}, ${B}] (per model), got shape [${labels.shape.join(', ')}]`);
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32'), -1) as tf.Tensor1D);
}
