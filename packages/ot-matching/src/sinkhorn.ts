import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSqDist, sinkhornIterations } from '@lemma/gpu-kernels';
import { expectFiniteValues, expectOneOf, expectOptions, expectRank, expectTensor, invalidArgument, toFloatTensor } from '@lemma/gpu-kernels/validate';
import { DEFAULT_SINKHORN_THRESHOLD, epsilonSchedule, resolveEpsilon, validateSinkhornOptions, warnUnconverged, type SinkhornOptions, type SinkhornStats } from './sinkhorn-schedule';
import { dualObjectiveF64, stepMarginalError } from './marginal-error';
import { checkMass, checkWeights } from './sinkhorn-f64';

/** Warm start: KL-convention potentials (1-D tensors of length n and m) at the target ε. */
export interface SinkhornInit {
  f?: tf.Tensor1D;
  g?: tf.Tensor1D;
}

/** Result of {@link sinkhorn}. The caller owns (and disposes) the returned tensors. */
export interface SinkhornResult extends SinkhornStats {
  /** Row potential; P_ij = a_i b_j exp((f_i + g_j - C_ij)/ε). */
  f: tf.Tensor1D;
  /** Column potential. */
  g: tf.Tensor1D;
  /** n x m plan, or null with `returnPlan: false`. */
  plan: tf.Tensor2D | null;
}

type Vec = tf.Tensor | tf.TensorLike;

/**
 * Entropic optimal transport in the log domain (POT-style signature `sinkhorn(a, b, M, reg)`): ε-scaling, relative
 * ε like OTT-JAX, stopping on the marginal error, warm starts, general positive weights. The package's one Sinkhorn
 * solver for a materialised cost (curated-retrain's `sinkhornDistance` and the reproductions call it). Runs on the
 * active tfjs backend in float32; `sinkhornF64` is its float64 reference.
 *
 * Potentials are the KL(P | a⊗b) ones everywhere (warm starts, ε stages, results), P_ij = a_i b_j
 * exp((f_i + g_j − C_ij)/ε), updated by f_i = −ε LSE_j(log b_j + (g_j − C_ij)/ε),
 * g_j = −ε LSE_i(log a_i + (f_i − C_ij)/ε) (standard log-domain Sinkhorn, Cuturi 2013; POT's `sinkhorn_log`,
 * with f, g shifted by ε log a, ε log b). The iterations between two checks run as one call of gpu-kernels'
 * fused `sinkhornIterations` kernel in this convention (one pass over M per iteration on WebGPU); `kernel: 'tfjs'`
 * uses plain tfjs ops instead. Every `checkEvery` iterations the column-marginal error of the iterate is read back
 * and summed in float64 (`stepMarginalErrorF64`); the dual objective and ⟨P, C⟩ are float64 sums of the float32
 * potentials and plan entries read back.
 *
 * A solve that stops at `maxIterations` above `threshold` reports `converged: false` and warns once (`console.warn`,
 * naming the error reached and the options to change); `warn: false` silences it. Unknown option keys are errors,
 * with "did you mean" for POT's names (`numItermax` → `maxIterations`, `stopThr` → `threshold`, `log` → `onCheck`).
 *
 * @example
 * const r = await sinkhorn([0.5, 0.5], [0.5, 0.5], [[0, 1], [1, 0]], 0.05);
 * r.plan?.print(); // ≈ [[0.5, 0], [0, 0.5]]
 */
export async function sinkhorn(
  a: Vec,
  b: Vec,
  M: tf.Tensor2D | tf.TensorLike,
  reg: number,
  options: SinkhornOptions & { init?: SinkhornInit; kernel?: 'fused' | 'tfjs' } = {},
): Promise<SinkhornResult> {
  const fn = 'sinkhorn';
  validateSinkhornOptions(fn, options, ['init', 'kernel']);
  if (options.kernel !== undefined) expectOneOf(fn, 'options.kernel', options.kernel, ['fused', 'tfjs']);
  expectOptions(fn, 'options.init', options.init, ['f', 'g']);
  for (const key of ['f', 'g'] as const) {
    const v = options.init?.[key];
    if (v !== undefined && !(v instanceof tf.Tensor)) throw new Error(`${fn}: init.${key} must be a 1-D tensor, got ${String(v)}`);
  }
  // toFloatTensor rejects strings, ragged arrays, other dtypes and disposed tensors with this function's name.
  const C = toFloatTensor(fn, 'M', M) as tf.Tensor2D;
  const owned: tf.Tensor[] = C === M ? [] : [C];
  try {
    if (C.rank !== 2) throw new Error(`${fn}: M must be a 2-D tensor, got shape [${C.shape}]`);
    const [n, m] = C.shape as [number, number];
    const at = toFloatTensor(fn, 'a', a);
    if (at !== a) owned.push(at);
    const bt = toFloatTensor(fn, 'b', b);
    if (bt !== b) owned.push(bt);
    if (at.rank !== 1 || at.shape[0] !== n) throw new Error(`${fn}: a must be a 1-D tensor of length ${n} (rows of M), got shape [${at.shape}]`);
    if (bt.rank !== 1 || bt.shape[0] !== m) throw new Error(`${fn}: b must be a 1-D tensor of length ${m} (columns of M), got shape [${bt.shape}]`);
    const [av, bv] = await Promise.all([at.data(), bt.data()]);
    checkWeights(fn, 'a', av, 'rows of M');
    checkWeights(fn, 'b', bv, 'columns of M');
    checkMass(fn, av, bv);
    const init = options.init;
    const warm = init?.f !== undefined || init?.g !== undefined;
    // One fused read-back of only the statistics this call needs (each is a full pass over M on the GPU).
    const rel = options.relativeEpsilon ?? false;
    const scaling = options.epsilonScaling ?? {};
    const needRange = rel === 'max' || (!warm && scaling !== false && scaling.start === undefined);
    const statsT = tf.tidy(() => {
      const parts: tf.Tensor[] = [tf.mean(C)];
      if (rel === 'std') parts.push(tf.sqrt(tf.moments(C).variance));
      if (needRange) parts.push(tf.max(C), tf.min(C));
      return tf.stack(parts);
    });
    const sv = await statsT.data();
    statsT.dispose();
    // A NaN or ±Infinity anywhere makes the mean non-finite, so this is the finiteness check too.
    if (!Number.isFinite(sv[0]!)) throw new Error(`${fn}: M must be finite (no NaN or Infinity), got a non-finite mean ${sv[0]}`);
    const mean = sv[0]!;
    const std = rel === 'std' ? sv[1]! : Number.NaN;
    const max = needRange ? sv[rel === 'std' ? 2 : 1]! : Number.NaN;
    const min = needRange ? sv[rel === 'std' ? 3 : 2]! : Number.NaN;
    const sched = epsilonSchedule(fn, reg, { mean, std, max, min }, options, warm);
    const threshold = options.threshold ?? DEFAULT_SINKHORN_THRESHOLD;
    const maxIter = options.maxIterations ?? 1000;
    const every = Math.max(1, options.checkEvery ?? 10);
    if (init?.f && (init.f.rank !== 1 || init.f.shape[0] !== n)) throw new Error(`${fn}: init.f must be a 1-D tensor of length ${n}, got shape [${init.f.shape}]`);
    if (init?.g && (init.g.rank !== 1 || init.g.shape[0] !== m)) throw new Error(`${fn}: init.g must be a 1-D tensor of length ${m}, got shape [${init.g.shape}]`);
    // A NaN potential would propagate into every iterate without any error.
    if (init?.f) expectFiniteValues(fn, 'init.f', await init.f.data());
    if (init?.g) expectFiniteValues(fn, 'init.g', await init.g.data());

    const loga = tf.log(at) as tf.Tensor1D;
    const logb = tf.log(bt) as tf.Tensor1D;
    owned.push(loga, logb);
    // KL(P | a⊗b) potentials throughout (warm starts, stages, kernels, result): no conversion anywhere.
    let f: tf.Tensor1D = init?.f ? init.f.clone() : tf.zeros([n]);
    let g: tf.Tensor1D = init?.g ? init.g.clone() : tf.zeros([m]);
    let iterations = 0;
    let err = Infinity;
    const fused = (options.kernel ?? 'fused') === 'fused';
    try {
      for (let s = 0; s < sched.stages.length; s++) {
        const eps = sched.stages[s]!;
        const last = s === sched.stages.length - 1;
        const cap = last ? maxIter : sched.stageIterations;
        const run = fused ? fusedIterations(C, loga, logb, eps) : tfjsIterations(C, loga, logb, eps);
        try {
          // Blocks of `every` iterations (the last one shorter) end in a check: k − 1 iterations, then the last one
          // from the kept g, whose column step gives the error of the iterate (stepMarginalError; ours).
          for (let done = 0; done < cap; ) {
            const block = Math.min(every, cap - done);
            if (block > 1) [f, g] = run(f, g, block - 1);
            const gPrev = g;
            [f, g] = run(f, gPrev, 1, false);
            done += block;
            iterations += block;
            err = await stepMarginalError(bv, gPrev, g, eps);
            gPrev.dispose();
            options.onCheck?.({ stage: s, epsilon: eps, iteration: iterations, marginalError: err });
            if (err < threshold) break;
          }
        } finally {
          run.dispose();
        }
      }
      const eps = sched.target;
      // Host sums in float64 over the float32 potentials (and plan entries) read back.
      const [fv, gv] = await Promise.all([f.data(), g.data()]);
      const regularizedCost = dualObjectiveF64(fv, av, gv, bv);
      let plan: tf.Tensor2D | null = null;
      let transportCost = Number.NaN;
      if (options.returnPlan ?? true) {
        // P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε)
        plan = tf.tidy(() =>
          tf.exp(tf.add(tf.add(tf.reshape(loga, [n, 1]), tf.reshape(logb, [1, m])), tf.div(tf.sub(tf.add(tf.reshape(f, [n, 1]), tf.reshape(g, [1, m])), C), eps))),
        ) as tf.Tensor2D;
        const pc = tf.mul(plan, C);
        const terms = await pc.data();
        pc.dispose();
        transportCost = 0;
        for (let k = 0; k < terms.length; k++) transportCost += terms[k]!;
      }
      const converged = err < threshold;
      if (options.warn ?? true) warnUnconverged(fn, [{ converged, marginalError: err, iterations }], threshold, eps, 'reg');
      return { f, g, plan, regularizedCost, transportCost, epsilon: eps, iterations, marginalError: err, converged };
    } catch (e) {
      tf.dispose([f, g]);
      throw e;
    }
  } finally {
    for (const t of owned) t.dispose();
  }
}

/**
 * k full iterations from g (f is replaced and disposed; g too, unless `disposeG` is false: the solver keeps the g
 * before a block's last iteration for its marginal error). `dispose` frees what the stage precomputed.
 */
interface Iterate {
  (f: tf.Tensor1D, g: tf.Tensor1D, k: number, disposeG?: boolean): [tf.Tensor1D, tf.Tensor1D];
  dispose(): void;
}

/** Iterations through gpu-kernels' fused `sinkhornIterations` kernel in the KL convention (one pass over C each on WebGPU). */
function fusedIterations(C: tf.Tensor2D, loga: tf.Tensor1D, logb: tf.Tensor1D, eps: number): Iterate {
  const run = ((f: tf.Tensor1D, g: tf.Tensor1D, k: number, disposeG = true): [tf.Tensor1D, tf.Tensor1D] => {
    // f_i = −ε LSE_j(log b_j + (g_j − C_ij)/ε), then g_j = −ε LSE_i(log a_i + (f_i − C_ij)/ε) (standard log-domain Sinkhorn)
    const out = sinkhornIterations({ C, logA: loga, logB: logb, eps, iterations: k, g, convention: 'kl' });
    f.dispose();
    if (disposeG) g.dispose();
    return [out.f, out.g];
  }) as Iterate;
  run.dispose = () => {};
  return run;
}

/** The unfused fallback (`kernel: 'tfjs'`): −C/ε once per stage, then one tfjs logSumExp per half step. */
function tfjsIterations(C: tf.Tensor2D, loga: tf.Tensor1D, logb: tf.Tensor1D, eps: number): Iterate {
  const [n, m] = C.shape;
  const negCe = tf.mul(C, -1 / eps) as tf.Tensor2D;
  const run = ((f: tf.Tensor1D, g: tf.Tensor1D, k: number, disposeG = true): [tf.Tensor1D, tf.Tensor1D] => {
    let fc = f;
    let gc = g;
    for (let t = 0; t < k; t++) {
      const [fN, gN] = tf.tidy(() => {
        // f_i = −ε LSE_j(log b_j + (g_j − C_ij)/ε), then g_j = −ε LSE_i(log a_i + (f_i − C_ij)/ε)
        const fNew = tf.mul(tf.logSumExp(tf.add(negCe, tf.reshape(tf.add(tf.div(gc, eps), logb), [1, m])), 1), -eps) as tf.Tensor1D;
        const gNew = tf.mul(tf.logSumExp(tf.add(negCe, tf.reshape(tf.add(tf.div(fNew, eps), loga), [n, 1])), 0), -eps) as tf.Tensor1D;
        return [fNew, gNew];
      });
      fc.dispose();
      if (gc !== g || disposeG) gc.dispose();
      fc = fN!;
      gc = gN!;
    }
    return [fc, gc];
  }) as Iterate;
  run.dispose = () => negCe.dispose();
  return run;
}

/** Options of {@link sinkhornDivergence}. */
export interface SinkhornDivergenceOptions extends Omit<SinkhornOptions, 'returnPlan'> {
  /** Weights of x (default uniform). */
  a?: Vec;
  /** Weights of y (default uniform). */
  b?: Vec;
}

/** Result of {@link sinkhornDivergence}: the value and what each of its three solves reported. */
export interface SinkhornDivergenceResult {
  /** S_ε = OT_ε(x, y) − ½ OT_ε(x, x) − ½ OT_ε(y, y). */
  value: number;
  /** The one ε of all three terms (with `relativeEpsilon`: reg · stat(C_xy)). */
  epsilon: number;
  /** The three solves: x against y, x against itself, y against itself (`transportCost` is NaN: no plan is built). */
  xy: SinkhornStats;
  xx: SinkhornStats;
  yy: SinkhornStats;
  /** All three solves met `threshold`; when false, `value` comes from an unconverged inner solve. */
  converged: boolean;
}

/**
 * Debiased Sinkhorn divergence between point clouds x [n, d] and y [m, d] with cost ||x - y||²:
 * S_ε(x, y) = OT_ε(x, y) - ½ OT_ε(x, x) - ½ OT_ε(y, y) (Genevay et al. 2018; Feydy et al. 2019; GeomLoss `debias=True`).
 * Non-negative, zero when x = y, and → W_2² as ε → 0.
 *
 * All three terms use one ε: `reg`, or with `relativeEpsilon` reg · stat(C_xy), resolved once from the cross cost
 * (the debiasing only cancels the entropic bias at a common ε). Returns the value with the three solves' reports
 * rather than a bare number, so an unconverged inner solve is visible (`converged`; since 0.2 — read `.value`
 * where a number was used). Unconverged inner solves warn once for the call, naming each (`warn: false` silences it).
 *
 * @example
 * const { value, converged } = await sinkhornDivergence(tf.randomNormal([64, 2]), tf.randomNormal([64, 2]), 0.05);
 */
export async function sinkhornDivergence(x: tf.Tensor2D, y: tf.Tensor2D, reg: number, options: SinkhornDivergenceOptions = {}): Promise<SinkhornDivergenceResult> {
  const fn = 'sinkhornDivergence';
  checkPointClouds(fn, x, y);
  // Checked here so a bad option is reported as this function's, not as the inner sinkhorn call's.
  validateSinkhornOptions(fn, options, ['a', 'b']);
  if ((options as { returnPlan?: unknown }).returnPlan !== undefined) throw new TypeError(`${fn}: options has an unknown key 'returnPlan' (the divergence never builds a plan)`);
  if (typeof reg !== 'number' || !(reg > 0) || !Number.isFinite(reg)) throw new Error(`${fn}: reg must be a finite number > 0, got ${String(reg)}`);
  const n = x.shape[0];
  const m = y.shape[0];
  const weights: ArrayLike<number>[] = [];
  for (const [key, len] of [['a', n], ['b', m]] as const) {
    const w = options[key];
    const what = `rows of ${key === 'a' ? 'x' : 'y'}`;
    if (w === undefined) {
      weights.push(new Array<number>(len).fill(1 / len));
      continue;
    }
    const shape = w instanceof tf.Tensor ? w.shape : Array.isArray(w) || ArrayBuffer.isView(w) ? [(w as ArrayLike<number>).length] : null;
    if (shape === null || shape.length !== 1 || shape[0] !== len) throw new Error(`${fn}: options.${key} must be a 1-D array of ${len} weights (${what}), got ${shape ? `shape [${shape}]` : typeof w}`);
    const values = w instanceof tf.Tensor ? await w.data() : (w as ArrayLike<number>);
    checkWeights(fn, `options.${key}`, values, what);
    weights.push(values);
  }
  checkMass(fn, weights[0]!, weights[1]!);
  expectFiniteValues(fn, 'x', await x.data());
  expectFiniteValues(fn, 'y', await y.data());
  const { a: _a, b: _b, relativeEpsilon, ...rest } = options;
  const a = options.a ?? new Array<number>(n).fill(1 / n);
  const b = options.b ?? new Array<number>(m).fill(1 / m);
  const Cxy = squaredDistances(x, y);
  try {
    // One ε for the three terms, from C_xy (the cross cost) when relative.
    let eps = reg;
    if (relativeEpsilon !== undefined && relativeEpsilon !== false) {
      const statsT = tf.tidy(() => tf.stack([tf.mean(Cxy), tf.sqrt(tf.moments(Cxy).variance), tf.max(Cxy), tf.min(Cxy)]));
      const [mean, std, max, min] = await statsT.data();
      statsT.dispose();
      eps = resolveEpsilon(fn, reg, { mean: mean!, std: std!, max: max!, min: min! }, relativeEpsilon);
    }
    const solve = async (C: tf.Tensor2D, wp: Vec, wq: Vec): Promise<SinkhornStats> => {
      // The inner solves stay quiet: the divergence warns once for all three below.
      const { f, g, plan: _plan, ...stats } = await sinkhorn(wp, wq, C, eps, { ...rest, returnPlan: false, warn: false });
      tf.dispose([f, g]);
      return stats;
    };
    const xy = await solve(Cxy, a, b);
    const self = async (p: tf.Tensor2D, w: Vec): Promise<SinkhornStats> => {
      const C = squaredDistances(p, p);
      try {
        return await solve(C, w, w);
      } finally {
        C.dispose();
      }
    };
    const xx = await self(x, a);
    const yy = await self(y, b);
    if (options.warn ?? true) warnUnconverged(fn, [{ label: 'xy', ...xy }, { label: 'xx', ...xx }, { label: 'yy', ...yy }], options.threshold ?? DEFAULT_SINKHORN_THRESHOLD, eps, 'reg');
    return { value: xy.regularizedCost - 0.5 * xx.regularizedCost - 0.5 * yy.regularizedCost, epsilon: eps, xy, xx, yy, converged: xy.converged && xx.converged && yy.converged };
  } finally {
    Cxy.dispose();
  }
}

/** ||x_i - y_j||² as an [n, m] tensor (the fused `pairwiseSqDist` of @lemma/gpu-kernels). */
export function squaredDistances(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  checkPointClouds('squaredDistances', x, y);
  return pairwiseSqDist(x, y) as tf.Tensor2D;
}

/** Throws unless x [n, d] and y [m, d] are live 2-D float32 tensors with the same number of columns. */
function checkPointClouds(fn: string, x: tf.Tensor, y: tf.Tensor): void {
  for (const [arg, t] of [['x', x], ['y', y]] as const) {
    expectTensor(fn, arg, t, 'float32');
    expectRank(fn, arg, t, 2);
  }
  if (x.shape[1] !== y.shape[1]) throw invalidArgument(fn, 'y', `a 2-D tensor with ${x.shape[1]} columns (those of x)`, y);
}
