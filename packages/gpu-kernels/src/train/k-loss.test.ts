import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '../rng/rng';
import { describeEachBackend } from '../testing/backends';
import { assertAllClose } from '../testing/numeric';
import { kAccuracy, kCrossEntropy, kCrossEntropyPerModel, kMeanSquaredError, kMeanSquaredErrorPerModel } from './k-loss';

const [K, B, C] = [3, 5, 4];
const rng = createRng(91);
const logits = Float32Array.from(rng.normalArray(K * B * C), (v) => 3 * v);
const ids = Int32Array.from({ length: K * B }, () => rng.int(C));
const soft = (() => {
  const t = Float32Array.from(rng.uniformArray(K * B * C));
  for (let r = 0; r < K * B; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += t[r * C + c]!;
    for (let c = 0; c < C; c++) t[r * C + c] = t[r * C + c]! / s;
  }
  return t;
})();

/** Mean over b of -Σ_c y_kbc log softmax(z_kb)_c in float64 for each model k; y(k, b, c) gives the target. */
function crossEntropyRef(y: (k: number, b: number, c: number) => number): number[] {
  return Array.from({ length: K }, (_, k) => {
    let total = 0;
    for (let b = 0; b < B; b++) {
      const z = Array.from({ length: C }, (_, c) => logits[(k * B + b) * C + c]!);
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      for (let c = 0; c < C; c++) total -= y(k, b, c) * (z[c]! - lse);
    }
    return total / B;
  });
}

// float32 logSoftmax of O(10) logits and a mean of B terms: a few ulps of values O(10), so 1e-5 relative + 1e-5 absolute.
const TOL = { rtol: 1e-5, atol: 1e-5 };

describeEachBackend('K-model losses', () => {
  it('kCrossEntropyPerModel equals the float64 cross-entropy for [K, B] ids, shared [B] ids, [K, B, C] and shared [B, C] targets', async () => {
    const z = tf.tensor3d(logits, [K, B, C]);
    const cases: [tf.Tensor, (k: number, b: number, c: number) => number][] = [
      [tf.tensor2d(ids, [K, B], 'int32'), (k, b, c) => (ids[k * B + b] === c ? 1 : 0)],
      [tf.tensor1d(ids.subarray(0, B), 'int32'), (_k, b, c) => (ids[b] === c ? 1 : 0)],
      [tf.tensor3d(soft, [K, B, C]), (k, b, c) => soft[(k * B + b) * C + c]!],
      [tf.tensor2d(soft.subarray(0, B * C), [B, C]), (_k, b, c) => soft[b * C + c]!],
    ];
    for (const [labels, y] of cases) {
      const want = crossEntropyRef(y);
      const per = kCrossEntropyPerModel(z, labels);
      const sum = kCrossEntropy(z, labels);
      expect(per.shape).toEqual([K]);
      expect(sum.shape).toEqual([]);
      assertAllClose(await per.data(), want, { ...TOL, label: `per model, labels ${labels.shape}` });
      // The training loss is the sum over models (not the mean): each model's gradient is its own.
      assertAllClose(await sum.data(), [want.reduce((a, b) => a + b, 0)], { ...TOL, label: `sum, labels ${labels.shape}` });
      tf.dispose([per, sum, labels]);
    }
    z.dispose();
  });

  it('kMeanSquaredError(PerModel) is the per-model mean over batch and outputs, summed over models', async () => {
    const pred = tf.tensor3d(logits, [K, B, C]);
    const target = Float32Array.from(rng.normalArray(K * B * C));
    for (const shared of [false, true]) {
      const t = shared ? tf.tensor2d(target.subarray(0, B * C), [B, C]) : tf.tensor3d(target, [K, B, C]);
      const want = Array.from({ length: K }, (_, k) => {
        let s = 0;
        for (let i = 0; i < B * C; i++) s += (logits[k * B * C + i]! - target[(shared ? 0 : k * B * C) + i]!) ** 2;
        return s / (B * C);
      });
      const per = kMeanSquaredErrorPerModel(pred, t);
      const sum = kMeanSquaredError(pred, t);
      assertAllClose(await per.data(), want, { ...TOL, label: `mse shared=${shared}` });
      assertAllClose(await sum.data(), [want.reduce((a, b) => a + b, 0)], { ...TOL, label: `mse sum shared=${shared}` });
      tf.dispose([t, per, sum]);
    }
    pred.dispose();
  });

  it('kAccuracy is the fraction of argmax hits per model (exact: multiples of 1/B)', async () => {
    const z = tf.tensor3d(logits, [K, B, C]);
    const argmax = (k: number, b: number) => {
      let best = 0;
      for (let c = 1; c < C; c++) if (logits[(k * B + b) * C + c]! > logits[(k * B + b) * C + best]!) best = c;
      return best;
    };
    // Labels that hit model k's argmax on its first k + 1 rows (and miss elsewhere): accuracy (k + 1) / B.
    const lab = Int32Array.from({ length: K * B }, (_, i) => {
      const k = Math.floor(i / B), b = i % B;
      return b <= k ? argmax(k, b) : (argmax(k, b) + 1) % C;
    });
    const perModel = tf.tensor2d(lab, [K, B], 'int32');
    const acc = kAccuracy(z, perModel);
    expect(Array.from(await acc.data())).toEqual(Array.from({ length: K }, (_, k) => Math.fround((k + 1) / B)));
    const shared = tf.tensor1d(lab.subarray(0, B), 'int32');
    const acc2 = kAccuracy(z, shared);
    const want = Array.from({ length: K }, (_, k) => Math.fround(Array.from({ length: B }, (_, b) => (argmax(k, b) === lab[b] ? 1 : 0) as number).reduce((a, b) => a + b, 0) / B));
    expect(Array.from(await acc2.data())).toEqual(want);
    tf.dispose([z, perModel, acc, shared, acc2]);
  });

  it('rejects bad shapes and dtypes, naming the argument and the expected shapes', () => {
    const z = tf.zeros([K, B, C]);
    const bad: [() => unknown, string][] = [
      [() => kCrossEntropy(tf.zeros([B, C]), tf.zeros([B], 'int32')), 'kCrossEntropy: logits must be a [K, B, C] tensor, got shape [5, 4]'],
      [() => kCrossEntropy(z, tf.zeros([B + 1], 'int32')), `kCrossEntropy: int32 labels must be [${B}] (shared) or [${K}, ${B}] (per model), got shape [6]`],
      [() => kCrossEntropyPerModel(z, tf.zeros([K, B])), `kCrossEntropy: float32 labels must be [${B}, ${C}] (shared) or [${K}, ${B}, ${C}] (per model), got shape [3, 5]`],
      [() => kCrossEntropy(z, tf.zeros([B], 'bool')), 'kCrossEntropy: labels must be int32 class ids or float32 targets, got bool'],
      [() => kCrossEntropy(z, [1, 2] as unknown as tf.Tensor), 'kCrossEntropy: labels must be a tensor, got object'],
      [() => kMeanSquaredError(z, tf.zeros([B, C + 1])), `kMeanSquaredError: target must be [${B}, ${C}] (shared) or [${K}, ${B}, ${C}] (per model), got shape [5, 5]`],
      [() => kMeanSquaredError(z, tf.zeros([B, C], 'int32')), 'kMeanSquaredError: target must be a float32 tensor, got int32'],
      [() => kAccuracy(z, tf.zeros([B])), 'kAccuracy: labels must be int32 class ids, got float32'],
      [() => kAccuracy(z, tf.zeros([K + 1, B], 'int32')), `kAccuracy: labels must be [${B}] (shared) or [${K}, ${B}] (per model), got shape [4, 5]`],
      [() => kAccuracy(tf.zeros([2]), tf.zeros([2], 'int32')), 'kAccuracy: logits must be a [K, B, C] tensor, got shape [2]'],
    ];
    // Inside tidy: the tensors made for the bad calls are freed when the call throws.
    for (const [call, message] of bad) {
      expect(() => tf.tidy(() => {
        call();
      })).toThrow(message);
    }
    z.dispose();
  });
});
