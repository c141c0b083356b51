import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expectFiniteValues, expectInteger, expectLayersModel, expectObject, expectOneOf, expectOptions } from '@lemma/gpu-kernels/validate';
import { checkModelInput, checkSameArchitecture, cloneModelAs, getParams, interpolateParamsAs, setParams, type Params } from './params';
import { checkSpec } from './permutation-spec';
import type { PermutationSpec } from './permutation-spec';
import { repairParamsAs } from './repair';

/** Labelled evaluation data: inputs and integer labels [N] (or one-hot [N, K]). */
export interface LabelledData {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Options of {@link lossBarrier}. */
export interface BarrierOptions {
  /** Interpolation grid (default 11 points 0, 0.1, ..., 1; must include 0 and 1). */
  ts?: number[];
  /** What the model outputs (default 'logits'); the loss is softmax cross-entropy either way. */
  outputs?: 'logits' | 'probabilities';
  /** Evaluation batch size (default 1000). */
  batchSize?: number;
  /** Apply REPAIR at every interior t, using these inputs for the statistics (needs a spec with layer indices). */
  repair?: { x: tf.Tensor; spec: PermutationSpec };
}

/** The interpolation curve and its barriers. */
export interface BarrierResult {
  ts: number[];
  loss: number[];
  accuracy: number[];
  /** max_t [L(θ_t) - ((1 - t) L(θ_A) + t L(θ_B))] (0 at the endpoints, so >= 0). */
  // Frankle/Entezari form (as Ferbach et al.), not Git Re-Basin Def. 2.2, which subtracts ½(L(θ_A) + L(θ_B)).
  lossBarrier: number;
  /** max_t [((1 - t) acc(θ_A) + t acc(θ_B)) - acc(θ_t)]. */
  accuracyBarrier: number;
}

/**
 * Throws unless `data` fits `model`: x of the model's input shape with at least one row and finite entries; y either
 * integer class labels in [0, K) (one per row) or an [N, K] matrix of finite, non-negative rows summing to 1.
 * An out-of-range label would one-hot to a zero row and silently drop out of the loss.
 */
export async function checkLabelledData(fn: string, model: tfl.LayersModel, data: LabelledData): Promise<void> {
  expectLayersModel(fn, 'model', model);
  if (!data || !(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor)) throw new Error(`${fn}: data must be { x: Tensor, y: Tensor }`);
  checkModelInput(fn, 'data.x', model, data.x);
  const N = data.x.shape[0]!;
  const K = model.outputs[0]?.shape[1];
  if (typeof K !== 'number') throw new Error(`${fn}: the model must output [rows, classes], got output shape [${model.outputs[0]?.shape}]`);
  if (data.y.shape[0] !== N) throw new Error(`${fn}: data.y must have ${N} rows (one per x), got shape [${data.y.shape}]`);
  expectFiniteValues(fn, 'data.x', await data.x.data());
  const y = await data.y.data();
  if (data.y.rank === 1) {
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= K) throw new Error(`${fn}: data.y must hold integer class labels in [0, ${K}), got ${v} at row ${i}`);
    }
  } else if (data.y.rank === 2 && data.y.shape[1] === K) {
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) {
        const v = y[i * K + j]!;
        if (!Number.isFinite(v) || v < 0) throw new Error(`${fn}: data.y rows must be probability vectors, got ${v} at (${i}, ${j})`);
        s += v;
      }
      if (Math.abs(s - 1) > 1e-4) throw new Error(`${fn}: data.y rows must sum to 1, got ${s} at row ${i}`);
    }
  } else {
    throw new Error(`${fn}: data.y must be [${N}] class labels or [${N}, ${K}] one-hot rows, got shape [${data.y.shape}]`);
  }
}

function checkEvalOptions(fn: string, options: Pick<BarrierOptions, 'outputs' | 'batchSize'>): void {
  if (options.outputs !== undefined) expectOneOf(fn, 'options.outputs', options.outputs, ['logits', 'probabilities']);
  if (options.batchSize !== undefined) expectInteger(fn, 'options.batchSize', options.batchSize, { min: 1 });
}

/** Mean cross-entropy and accuracy of `model` on `data` (see {@link checkLabelledData} for what data must hold). */
export async function evaluate(model: tfl.LayersModel, data: LabelledData, options: Pick<BarrierOptions, 'outputs' | 'batchSize'> = {}): Promise<{ loss: number; accuracy: number }> {
  expectOptions('evaluate', 'options', options, ['outputs', 'batchSize']);
  checkEvalOptions('evaluate', options);
  await checkLabelledData('evaluate', model, data);
  return evaluateUnchecked(model, data, options);
}

async function evaluateUnchecked(model: tfl.LayersModel, data: LabelledData, options: Pick<BarrierOptions, 'outputs' | 'batchSize'>): Promise<{ loss: number; accuracy: number }> {
  const N = data.x.shape[0]!;
  const bs = options.batchSize ?? 1000;
  const probs = options.outputs === 'probabilities';
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < N; s += bs) {
    const e = Math.min(N, s + bs);
    const t = tf.tidy(() => {
      const xb = tf.slice(data.x, s, e - s);
      const yb = tf.slice(data.y, s, e - s);
      const out = model.predict(xb) as tf.Tensor2D;
      const K = out.shape[1]!;
      const logp = probs ? tf.log(tf.clipByValue(out, 1e-12, 1)) : tf.logSoftmax(out);
      const onehot = yb.rank === 1 ? tf.oneHot(tf.cast(yb, 'int32'), K) : tf.cast(yb, 'float32');
      const nll = tf.neg(tf.sum(tf.mul(onehot, logp)));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(onehot, 1)), 'float32'));
      return tf.stack([nll, hits]);
    });
    const v = await t.data();
    t.dispose();
    lossSum += v[0]!;
    correct += v[1]!;
  }
  return { loss: lossSum / N, accuracy: correct / N };
}

/**
 * Loss and accuracy along the straight line θ_t = (1 - t) θ_A + t θ_B, and the barriers (Frankle et al. 2020;
 * Ferbach et al. use the same definition). Align B first (weight or activation matching) to measure linear mode
 * connectivity modulo permutations. A model with itself has barrier exactly 0.
 *
 * @example
 * const { lossBarrier, loss } = await lossBarrier(modelA, alignedB, { x, y });
 */
export async function lossBarrier(A: tfl.LayersModel, B: tfl.LayersModel, data: LabelledData, options: BarrierOptions = {}): Promise<BarrierResult> {
  const fn = 'lossBarrier';
  expectOptions(fn, 'options', options, ['ts', 'outputs', 'batchSize', 'repair']);
  checkEvalOptions(fn, options);
  checkSameArchitecture(fn, A, B);
  const ts = options.ts ?? Array.from({ length: 11 }, (_, i) => i / 10);
  // Every point costs a full evaluation of the data; more than MAX_BARRIER_POINTS is a hang, not a finer curve.
  if (!Array.isArray(ts) || ts.length < 2 || ts.length > MAX_BARRIER_POINTS) throw new Error(`${fn}: options.ts must be an array of 2 to ${MAX_BARRIER_POINTS} points, got ${Array.isArray(ts) ? `${ts.length} points` : String(ts)}`);
  if (ts[0] !== 0 || ts[ts.length - 1] !== 1) throw new Error(`${fn}: ts must start at 0 and end at 1, got [${ts[0]}, ..., ${ts[ts.length - 1]}]`);
  for (let i = 1; i < ts.length; i++) {
    if (!(ts[i]! > ts[i - 1]!)) throw new Error(`${fn}: ts must increase strictly within [0, 1], got ${ts[i]} after ${ts[i - 1]} at index ${i}`);
  }
  if (options.repair !== undefined) {
    expectObject(fn, 'options.repair', options.repair, '{ x, spec }');
    expectOptions(fn, 'options.repair', options.repair, ['x', 'spec']);
    checkModelInput(fn, 'options.repair.x', A, options.repair.x);
    checkSpec(fn, 'options.repair.spec', options.repair.spec);
    if (!options.repair.spec.layers) throw new Error(`${fn}: options.repair.spec.layers is missing; use sequentialPermutationSpec`);
  }
  await checkLabelledData(fn, A, data);
  const [pa, pb] = await Promise.all([getParams(A), getParams(B)]);
  checkFiniteParams(fn, 'A', pa);
  checkFiniteParams(fn, 'B', pb);
  const work = await cloneModelAs(fn, A, pa);
  const loss: number[] = [];
  const accuracy: number[] = [];
  try {
    for (const t of ts) {
      let p = interpolateParamsAs(fn, pa, pb, t);
      if (options.repair && t > 0 && t < 1) p = await repairParamsAs(fn, A, B, p, t, options.repair.x, options.repair.spec);
      setParams(work, p);
      const r = await evaluateUnchecked(work, data, options);
      loss.push(r.loss);
      accuracy.push(r.accuracy);
    }
  } finally {
    work.dispose();
  }
  const l0 = loss[0]!;
  const l1 = loss[loss.length - 1]!;
  const a0 = accuracy[0]!;
  const a1 = accuracy[accuracy.length - 1]!;
  let lb = 0;
  let ab = 0;
  ts.forEach((t, i) => {
    // l0 + t (l1 - l0): exact when both endpoints agree, so a model with itself has barrier exactly 0.
    lb = Math.max(lb, loss[i]! - (l0 + t * (l1 - l0)));
    ab = Math.max(ab, a0 + t * (a1 - a0) - accuracy[i]!);
  });
  return { ts, loss, accuracy, lossBarrier: lb, accuracyBarrier: ab };
}

/** Most interpolation points {@link lossBarrier} evaluates. */
const MAX_BARRIER_POINTS = 1001;

function checkFiniteParams(fn: string, which: string, p: Params): void {
  for (const [key, v] of Object.entries(p)) expectFiniteValues(fn, `${which}'s weight '${key}'`, v.values);
}
