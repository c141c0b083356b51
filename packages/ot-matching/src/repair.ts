import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convConfig, sequentialOutputs, specLayers } from './activations';
import { checkFiniteTensor, checkModelInput, checkParamsFor, checkSameArchitecture, cloneModelAs, getParams, interpolateParamsAs, paramKeys, type Params } from './params';
import type { PermutationSpec } from './permutation-spec';

/** Pre-activation (x W + b, or conv) of weight layer `i` given its input; [rows, units]. */
function preActivation(layer: tfl.layers.Layer, input: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor2D {
  return tf.tidy(() => {
    const cls = layer.getClassName();
    let y: tf.Tensor;
    if (cls === 'Dense') y = tf.matMul(tf.reshape(input, [-1, kernel.shape[0]!]), kernel as tf.Tensor2D);
    else if (cls === 'Conv2D') {
      const cfg = convConfig('repair', layer);
      y = tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, cfg.strides, cfg.padding, 'NHWC', cfg.dilations);
    } else throw new Error(`repair: layer '${layer.name}' (${cls}) is not Dense or Conv2D`);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [-1, kernel.shape[kernel.shape.length - 1]!]) as tf.Tensor2D;
  });
}

async function unitStats(pre: tf.Tensor2D): Promise<{ mean: Float64Array; std: Float64Array }> {
  const { mean, variance } = tf.moments(pre, 0);
  const [m, v] = await Promise.all([mean.data(), variance.data()]);
  mean.dispose();
  variance.dispose();
  // 1e-5 as in the BatchNorm the REPAIR code inserts.
  return { mean: Float64Array.from(m), std: Float64Array.from(v, (x) => Math.sqrt(x + 1e-5)) };
}

async function producerStats(model: tfl.LayersModel, params: Params, x: tf.Tensor, producer: number): Promise<{ mean: Float64Array; std: Float64Array }> {
  const keys = paramKeys(model)[producer]!;
  const input = producer === 0 ? x : sequentialOutputs(model, x, [producer - 1]).get(producer - 1)!;
  const k = params[keys[0]!]!;
  const b = keys[1] ? params[keys[1]]! : null;
  const kt = tf.tensor(k.values, k.shape);
  const bt = b ? tf.tensor(b.values, b.shape) : null;
  const pre = preActivation(model.layers[producer]!, input, kt, bt);
  if (input !== x) input.dispose();
  kt.dispose();
  bt?.dispose();
  const s = await unitStats(pre);
  pre.dispose();
  return s;
}

/**
 * REPAIR (Jordan et al. 2023, arXiv 2211.08403; KellerJordan/REPAIR code): rescales every hidden unit of the interpolated parameters so its pre-activation mean
 * and std on `x` equal the interpolation of the endpoints' (μ_t = (1-t) μ_A + t μ_B, σ_t likewise), layer by layer
 * from the input (each correction changes the statistics downstream). Folds the correction into kernel and bias.
 * Where a BatchNormalization layer follows the producer, its running statistics are reset to the interpolated net's
 * statistics on `x` instead (BatchNorm then restores the interpolated γ, β itself). For Sequential models of
 * Dense/Conv2D layers, optionally each followed by BatchNormalization; B must already be aligned with A.
 */
export async function repairParams(A: tfl.LayersModel, B: tfl.LayersModel, interp: Params, t: number, x: tf.Tensor, spec: PermutationSpec): Promise<Params> {
  return repairParamsAs('repairParams', A, B, interp, t, x, spec);
}

/** {@link repairParams} with errors naming `fn`. */
export async function repairParamsAs(fn: string, A: tfl.LayersModel, B: tfl.LayersModel, interp: Params, t: number, x: tf.Tensor, spec: PermutationSpec): Promise<Params> {
  const layers = specLayers(fn, spec);
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > 1) throw new Error(`${fn}: t must be in [0, 1], got ${String(t)}`);
  checkSameArchitecture(fn, A, B);
  checkModelInput(fn, 'x', A, x);
  checkParamsFor(fn, 'interp', A, interp);
  await checkFiniteTensor(fn, 'x', x);
  const [pa, pb] = await Promise.all([getParams(A), getParams(B)]);
  const out: Params = {};
  for (const [k, p] of Object.entries(interp)) out[k] = { shape: p.shape.slice(), values: Float32Array.from(p.values) };
  const work = await cloneModelAs(fn, A, out);
  try {
    for (const { producer } of Object.values(layers)) {
      const next = A.layers[producer + 1];
      if (next?.getClassName() === 'BatchNormalization') {
        // A BatchNorm after the producer renormalises its units itself: REPAIR reduces to resetting that layer's
        // running statistics to the interpolated net's own (as the REPAIR code's BatchNorm reset; Git Re-Basin recomputes BN stats).
        await resetBatchNorm(work, out, x, producer);
        continue;
      }
      const [sa, sb] = await Promise.all([producerStats(A, pa, x, producer), producerStats(B, pb, x, producer)]);
      const cur = await producerStats(work, out, x, producer);
      const keys = paramKeys(A)[producer]!;
      const kernel = out[keys[0]!]!;
      const units = kernel.shape[kernel.shape.length - 1]!;
      if (!keys[1]) throw new Error(`repairParams: layer ${producer} needs a bias to absorb the mean correction`);
      const bias = out[keys[1]]!;
      // y ← σ_goal (y − μ_cur)/σ_cur + μ_goal, μ/σ_goal interpolated: KellerJordan/REPAIR code, folded into W, b (ours).
      for (let u = 0; u < units; u++) {
        const goalMean = (1 - t) * sa.mean[u]! + t * sb.mean[u]!;
        const goalStd = (1 - t) * sa.std[u]! + t * sb.std[u]!;
        const s = goalStd / cur.std[u]!;
        for (let q = u; q < kernel.values.length; q += units) kernel.values[q] = kernel.values[q]! * s;
        bias.values[u] = (bias.values[u]! - cur.mean[u]!) * s + goalMean;
      }
      const ts = paramKeys(work)[producer]!.map((key) => tf.tensor(out[key]!.values, out[key]!.shape));
      work.layers[producer]!.setWeights(ts);
      for (const tt of ts) tt.dispose();
    }
  } finally {
    work.dispose();
  }
  return out;
}

/** Sets the moving mean / variance of the BatchNormalization after `producer` to the statistics of its input on x. */
async function resetBatchNorm(work: tfl.LayersModel, out: Params, x: tf.Tensor, producer: number): Promise<void> {
  const s = await producerStats(work, out, x, producer);
  const bn = producer + 1;
  const keys = paramKeys(work)[bn]!;
  const find = (name: string) => {
    const key = keys.find((k) => k.endsWith(`/${name}`));
    if (!key) throw new Error(`repairParams: BatchNormalization layer ${bn} has no ${name}`);
    return key;
  };
  out[find('moving_mean')] = { shape: [s.mean.length], values: Float32Array.from(s.mean) };
  // producerStats' std includes the 1e-5 it adds for the BatchNorm-style rescaling; take it back out.
  out[find('moving_variance')] = { shape: [s.std.length], values: Float32Array.from(s.std, (v) => Math.max(0, v * v - 1e-5)) };
  const ts = keys.map((key) => tf.tensor(out[key]!.values, out[key]!.shape));
  work.layers[bn]!.setWeights(ts);
  for (const tt of ts) tt.dispose();
}

/** A new model: the REPAIRed interpolation (1 - t)·A + t·B (see {@link repairParams}). */
export async function repair(A: tfl.LayersModel, B: tfl.LayersModel, t: number, x: tf.Tensor, spec: PermutationSpec): Promise<tfl.LayersModel> {
  specLayers('repair', spec);
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > 1) throw new Error(`repair: t must be in [0, 1], got ${String(t)}`);
  checkSameArchitecture('repair', A, B);
  checkModelInput('repair', 'x', A, x);
  const [pa, pb] = await Promise.all([getParams(A), getParams(B)]);
  return cloneModelAs('repair', A, await repairParamsAs('repair', A, B, interpolateParamsAs('repair', pa, pb, t), t, x, spec));
}
