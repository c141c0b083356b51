/**
 * equivariant-prune-sets: trained DeepSets set-sum / set-max targets, matched by pruning random DeepSets networks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import {
  type EquivariantNetwork,
  basisNorm,
  buildRandomNetwork,
  deepSetsBasis,
  equivarianceErrorF64,
  estimateSupError,
  hiddenCopiesFor,
  onesVector,
  biasFromCoeffs,
  biasVectorsTensor,
  layerForwardFromCoeffs,
  mlpBasis,
  networkForwardF64,
  parameterReport,
  pruneToTarget,
  setReadoutBasis,
  symmetricGroup,
} from '@lemma/equivariant-prune';
import { adamw } from '@lemma/optim';
import type {
  Reproduction,
  ReproContext,
  ReproResult,
  Table,
} from '../../types';
import { cosineDecay, TFJS_ADAM_EPS } from '../../lib/learning-rate';
import { timedTrainSteps } from '../../lib/timed-train-steps';
import { VEGA_LITE } from '../../lib/figures';

const PAPER = 'A General Framework For Proving The Equivariant Strong Lottery Ticket Hypothesis (Ferbach et al., ICLR 2023, arXiv 2206.04270)';
const PKG = '@lemma/equivariant-prune';

export interface SetsPlan {
  /** Hidden channels C of the DeepSets target (widths 1, C, C, C, 1). */
  width: number;
  /** Adam steps of each target's training (batches of 128 sets). */
  steps: number;
  /** Test sets (at least 20: the invariance check reads the first 20). */
  testSets: number;
  /** The pruning's target error ε. */
  eps: number;
}

export const QUICK_PLAN: SetsPlan = { width: 12, steps: 1200, testSets: 2000, eps: 0.01 };
export const FULL_PLAN: SetsPlan = { width: 24, steps: 5000, testSets: 2000, eps: 0.01 };
/** A plan for the tests: both tasks, a narrow target trained briefly, pruned to a loose ε. */
export const TINY_PLAN: SetsPlan = { width: 3, steps: 20, testSets: 100, eps: 0.1 };

export async function setTask(ctx: ReproContext, plan: SetsPlan): Promise<ReproResult> {
  const n = 6;
  const C = plan.width;
  const tasks = ['sum', 'max'] as const;
  const rows: Table['rows'] = [];
  const metrics: ReproResult['metrics'] = {};
  const points: Record<string, unknown>[] = [];
  let ok = true;
  const bases = [deepSetsBasis(n), deepSetsBasis(n), setReadoutBasis(n), mlpBasis()];
  const widths = [1, C, C, C, 1];
  const selfBases = [deepSetsBasis(n), deepSetsBasis(n), deepSetsBasis(n), mlpBasis()];
  // G-invariant biases: S_n acts transitively on a set, so one scalar per copy times the all-ones vector;
  // after the readout the space is R^1 (trivial action), so the vector [1].
  const biasVectors = bases.map((b) => [onesVector(b.dOut)]);
  const steps = plan.steps;
  for (const [ti, task] of tasks.entries()) {
    const rng = createRng(ctx.seed, 31 + ti);
    const sample = (count: number): { x: Float32Array; y: Float32Array } => {
      const x = Float32Array.from(rng.uniformArray(count * n), (u) => 2 * u - 1);
      const y = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const s = x.subarray(i * n, (i + 1) * n);
        y[i] = task === 'sum' ? s.reduce((a, b) => a + b, 0) / n : Math.max(...s);
      }
      return { x, y };
    };
    const vars = bases.map((b, i) => tf.variable(tf.tensor1d(Float32Array.from(rng.uniformArray(widths[i + 1]! * widths[i]! * b.elements.length), (u) => (2 * u - 1) * Math.sqrt(3 / (widths[i]! * b.elements.length))))));
    const biasVars = bases.map((_, i) => tf.variable(tf.zeros([widths[i + 1]!])) as tf.Variable);
    const biasTensors = biasVectors.map((vs) => biasVectorsTensor(vs));
    const stacks = bases.map((b) => {
      const d = new Float32Array(b.dIn * b.elements.length * b.dOut);
      b.elements.forEach((e, k) => e.values.forEach((v, t) => (d[e.colIdx[t]! * b.elements.length * b.dOut + k * b.dOut + e.rowIdx[t]!]! += v)));
      return tf.tensor2d(d, [b.dIn, b.elements.length * b.dOut]);
    });
    const forward = (x: tf.Tensor2D): tf.Tensor2D => {
      let h = x;
      bases.forEach((b, i) => {
        h = tf.add(layerForwardFromCoeffs(b, widths[i]!, widths[i + 1]!, vars[i]!, h, stacks[i]), biasFromCoeffs(widths[i + 1]!, biasVars[i]!, biasTensors[i]!));
        if (i < bases.length - 1) h = tf.relu(h);
      });
      return h;
    };
    const lr0 = 0.01;
    // Adam (no weight decay, tfjs' ε) with a cosine decay to 2% that the optimizer evaluates per step, so the step replays.
    const opt = adamw({ learningRate: lr0, weightDecay: 0, eps: TFJS_ADAM_EPS, schedule: cosineDecay(steps, 0.02) });
    const bar = ctx.progress(`train set-${task} target`, steps);
    let ticked = 0;
    await timedTrainSteps(
      ([yb, xb]) => {
        const loss = opt.minimize(() => tf.losses.meanSquaredError(yb!, forward(xb as tf.Tensor2D)) as tf.Scalar, true)!;
        tf.tidy(() => {
          for (const v of [...vars, ...biasVars]) v.assign(tf.clipByValue(v, -1, 1));
        });
        return loss;
      },
      () => {
        const { x, y } = sample(128);
        return [tf.tensor2d(y, [128, 1]), tf.tensor2d(x, [128, n])];
      },
      {
        steps,
        readEvery: 50,
        onProgress: (p) => {
          bar.tick(p.step + 1 - ticked, `mse ${p.loss.toExponential(2)}`);
          ticked = p.step + 1;
        },
        run: `set-${task}-target-seed${ctx.seed}`,
      },
    );
    bar.done();
    const target: EquivariantNetwork = {
      layers: await Promise.all(
        bases.map(async (b, i) => ({
          basis: b,
          cIn: widths[i]!,
          cOut: widths[i + 1]!,
          coeffs: Float64Array.from(await vars[i]!.data()),
          bias: { vectors: biasVectors[i]!, coeffs: Float64Array.from(await biasVars[i]!.data()) },
        })),
      ),
    };
    tf.dispose([...vars, ...biasVars, ...biasTensors, ...stacks]);
    opt.dispose();
    const norms = bases.map((b) => basisNorm(b).norm);
    const eps = plan.eps;
    // c = 1.6: trained targets are not norm-1 (errors are amplified by prod ‖W_i‖), so more samples per coefficient
    // than for the unit-norm targets; capped at 30 to keep meet in the middle (2^(m/2) per half) fast.
    const samples = target.layers.map((l, i) => Math.min(30, hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: l.basis.elements.length, basisNorm: norms[i]!, depth: bases.length, eps, c: 1.6 })));
    const pruned = pruneToTarget(target, buildRandomNetwork(target, { samples, seed: ctx.seed + 40 + ti, selfBases }), { basisNorms: norms });
    const nTest = plan.testSets;
    const test = sample(nTest);
    const xt = Float64Array.from(test.x);
    const yT = networkForwardF64(target, xt, nTest);
    const yP = networkForwardF64(pruned.network, xt, nTest);
    let mseT = 0;
    let mseP = 0;
    let gap = 0;
    let variance = 0;
    const mean = test.y.reduce((a, b) => a + b, 0) / nTest;
    for (let i = 0; i < nTest; i++) {
      mseT += (yT[i]! - test.y[i]!) ** 2 / nTest;
      mseP += (yP[i]! - test.y[i]!) ** 2 / nTest;
      variance += (test.y[i]! - mean) ** 2 / nTest;
      gap = Math.max(gap, Math.abs(yT[i]! - yP[i]!));
      if (i < 300) points.push({ task, target: yT[i], pruned: yP[i] });
    }
    const sg = symmetricGroup(n);
    const inv = equivarianceErrorF64(pruned.network, sg.set(), sg.invariant(), xt.subarray(0, 20 * n), 20, 720);
    const p = parameterReport(target, pruned.network, eps);
    const sup = estimateSupError(target, pruned.network, 256, 3).max;
    rows.push([task, Number((1 - mseT / variance).toFixed(4)), Number((1 - mseP / variance).toFixed(4)), Number(gap.toExponential(2)), Number(inv.toExponential(2)), samples.join('/'), p.target, p.random, p.kept]);
    metrics[`${task}_target_r2`] = 1 - mseT / variance;
    metrics[`${task}_pruned_r2`] = 1 - mseP / variance;
    metrics[`${task}_max_output_gap`] = gap;
    metrics[`${task}_unit_ball_sup_error`] = sup;
    metrics[`${task}_invariance_error`] = inv;
    metrics[`${task}_max_coeff_error`] = Math.max(...pruned.layers.map((r) => r.maxCoeffError));
    ok &&= Math.abs(mseT - mseP) <= 0.05 * variance && inv < 1e-9;
  }
  return {
    summary: `set tasks (n=${n}, invariant biases): pruned random DeepSets nets match trained targets (${rows.map((r) => `${r[0]}: R² ${r[1]} -> ${r[2]}`).join(', ')}) and are exactly permutation-invariant`,
    metrics,
    reproduced: ok,
    tables: [
      {
        title: 'Permutation-invariant set tasks: trained target vs pruned random network',
        columns: ['task', 'target R²', 'pruned R²', 'max |target - pruned|', 'invariance error (all 720 permutations)', 'm per layer', 'target coeffs', 'random coeffs', 'kept coeffs'],
        rows,
      },
    ],
    figures: [
      {
        id: 'sets-outputs',
        title: 'Pruned vs target outputs on set tasks',
        caption: 'Each point is one test set; the pruned network (no training) tracks the trained target.',
        spec: {
          $schema: VEGA_LITE,
          width: 260,
          height: 260,
          data: { values: points },
          mark: { type: 'point', size: 10, opacity: 0.5 },
          encoding: {
            x: { field: 'target', type: 'quantitative' },
            y: { field: 'pruned', type: 'quantitative' },
            column: { field: 'task', type: 'nominal' },
          },
        },
      },
    ],
    seeds: { base: ctx.seed, sum: ctx.seed + 40, max: ctx.seed + 41 },
  };
}

export const reproduction: Reproduction = {
  id: 'equivariant-prune-sets',
  title: 'Pruning a random DeepSets net to trained set-sum / set-max targets',
  paper: PAPER,
  package: PKG,
  run: (ctx) => setTask(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => setTask(ctx, TINY_PLAN),
};
