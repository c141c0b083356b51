import * as tf from '@tensorflow/tfjs-core';
import { expectRank, expectTensor, invalidArgument, pairwiseSqDist, sinkhornHalfStep, toFloatTensor } from '@lemma/gpu-kernels';
import { epsilonSchedule, validateSinkhornOptions, type SinkhornOptions, type SinkhornStats } from './sinkhorn-schedule';
import { checkFiniteArray, checkOneOf, checkOptionKeys } from './validate';
import { stepMarginalError } from './marginal-error';
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
 * ε like OTT-JAX, stopping on the marginal error, warm starts, general positive weights. Runs on the active tfjs
 * backend in float32; use `sinkhornF64` for a float64 CPU reference.
 *
 * Each half-iteration is one fused log-sum-exp pass over M (`sinkhornHalfStep` from @lemma/gpu-kernels; `kernel:
 * 'tfjs'` uses plain tfjs ops instead): f_i = -ε LSE_j(log b_j + (g_j - C_ij)/ε), g_j = -ε LSE_i(log a_i + (f_i - C_ij)/ε).
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
  checkOneOf(fn, 'options.kernel', options.kernel, ['fused', 'tfjs']);
  checkOptionKeys(fn, 'options.init', options.init, ['f', 'g']);
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
    const threshold = options.threshold ?? 1e-6;
    const maxIter = options.maxIterations ?? 1000;
    const every = Math.max(1, options.checkEvery ?? 10);
    if (init?.f && (init.f.rank !== 1 || init.f.shape[0] !== n)) throw new Error(`${fn}: init.f must be a 1-D tensor of length ${n}, got shape [${init.f.shape}]`);
    if (init?.g && (init.g.rank !== 1 || init.g.shape[0] !== m)) throw new Error(`${fn}: init.g must be a 1-D tensor of length ${m}, got shape [${init.g.shape}]`);
    // A NaN potential would propagate into every iterate without any error.
    if (init?.f) checkFiniteArray(fn, 'init.f', await init.f.data());
    if (init?.g) checkFiniteArray(fn, 'init.g', await init.g.data());

    const loga = tf.log(at) as tf.Tensor1D;
    const logb = tf.log(bt) as tf.Tensor1D;
    owned.push(loga, logb);
    let f: tf.Tensor1D = init?.f ? init.f.clone() : tf.zeros([n]);
    let g: tf.Tensor1D = init?.g ? init.g.clone() : tf.zeros([m]);
    let iterations = 0;
    let err = Infinity;
    const fused = (options.kernel ?? 'fused') === 'fused';
    for (let s = 0; s < sched.stages.length; s++) {
      const eps = sched.stages[s]!;
      const last = s === sched.stages.length - 1;
      const cap = last ? maxIter : sched.stageIterations;
      // Within a stage iterate on f̃ = f + ε log a, g̃ = g + ε log b (the fused kernel's convention); convert back after.
      let ft = tf.tidy(() => tf.add(f, tf.mul(loga, eps))) as tf.Tensor1D;
      let gt = tf.tidy(() => tf.add(g, tf.mul(logb, eps))) as tf.Tensor1D;
      f.dispose();
      g.dispose();
      // Unfused fallback: -C/ε once per stage, then one tfjs logSumExp per half step.
      const negCe = fused ? null : (tf.mul(C, -1 / eps) as tf.Tensor2D);
      const half = (pot: tf.Tensor1D, logMarg: tf.Tensor1D, axis: 'rows' | 'cols'): tf.Tensor1D => {
        if (negCe === null) return sinkhornHalfStep({ C, potential: pot, logMarginal: logMarg, eps, axis });
        return tf.tidy(() => {
          const z = tf.add(negCe, axis === 'rows' ? tf.reshape(tf.div(pot, eps), [1, m]) : tf.reshape(tf.div(pot, eps), [n, 1]));
          return tf.sub(tf.mul(logMarg, eps), tf.mul(tf.logSumExp(z, axis === 'rows' ? 1 : 0), eps)) as tf.Tensor1D;
        });
      };
      for (let it = 0; it < cap; it++) {
        const check = (it + 1) % every === 0 || it === cap - 1;
        // Eq. of the half steps: f̃_i = ε log a_i - ε LSE_j((g̃_j - C_ij)/ε), then g̃ likewise over i.
        const fN = half(gt, loga, 'rows');
        const gN = half(fN, logb, 'cols');
        // Column marginal of P(f̃_new, g̃_old) is b_j exp((g̃_old - g̃_new)/ε).
        const e = check ? stepMarginalError(bt, gt, gN, eps) : null;
        ft.dispose();
        gt.dispose();
        ft = fN;
        gt = gN;
        iterations++;
        if (e) {
          err = (await e.data())[0]!;
          e.dispose();
          if (err < threshold) break;
        }
      }
      negCe?.dispose();
      f = tf.tidy(() => tf.sub(ft, tf.mul(loga, eps))) as tf.Tensor1D;
      g = tf.tidy(() => tf.sub(gt, tf.mul(logb, eps))) as tf.Tensor1D;
      ft.dispose();
      gt.dispose();
    }
    const eps = sched.target;
    const costT = tf.tidy(() => tf.add(tf.sum(tf.mul(f, at)), tf.sum(tf.mul(g, bt))));
    const regularizedCost = (await costT.data())[0]!;
    costT.dispose();
    let plan: tf.Tensor2D | null = null;
    let transportCost = Number.NaN;
    if (options.returnPlan ?? true) {
      plan = tf.tidy(() =>
        tf.exp(tf.add(tf.add(tf.reshape(loga, [n, 1]), tf.reshape(logb, [1, m])), tf.div(tf.sub(tf.add(tf.reshape(f, [n, 1]), tf.reshape(g, [1, m])), C), eps))),
      ) as tf.Tensor2D;
      const tc = tf.tidy(() => tf.sum(tf.mul(plan!, C)));
      transportCost = (await tc.data())[0]!;
      tc.dispose();
    }
    return { f, g, plan, regularizedCost, transportCost, epsilon: eps, iterations, marginalError: err, converged: err < threshold };
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** Options of {@link sinkhornDivergence}. */
export interface SinkhornDivergenceOptions extends Omit<SinkhornOptions, 'returnPlan'> {
  /** Weights of x (default uniform). */
  a?: Vec;
  /** Weights of y (default uniform). */
  b?: Vec;
}

/**
 * Debiased Sinkhorn divergence between point clouds x [n, d] and y [m, d] with cost ||x - y||²:
 * S_ε(x, y) = OT_ε(x, y) - ½ OT_ε(x, x) - ½ OT_ε(y, y) (Genevay et al. 2018; Feydy et al. 2019). Non-negative,
 * zero when x = y, and → W_2² as ε → 0.
 *
 * @example
 * const s = await sinkhornDivergence(tf.randomNormal([64, 2]), tf.randomNormal([64, 2]), 0.05);
 */
export async function sinkhornDivergence(x: tf.Tensor2D, y: tf.Tensor2D, reg: number, options: SinkhornDivergenceOptions = {}): Promise<number> {
  const fn = 'sinkhornDivergence';
  checkPointClouds(fn, x, y);
  // Checked here so a bad option is reported as this function's, not as the inner sinkhorn call's.
  validateSinkhornOptions(fn, options, ['a', 'b']);
  if ((options as { returnPlan?: unknown }).returnPlan !== undefined) throw new Error(`${fn}: unknown option options.returnPlan (the divergence never builds a plan)`);
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
  checkFiniteArray(fn, 'x', await x.data());
  checkFiniteArray(fn, 'y', await y.data());
  const { a: _a, b: _b, ...rest } = options;
  const a = options.a ?? new Array<number>(n).fill(1 / n);
  const b = options.b ?? new Array<number>(m).fill(1 / m);
  const run = async (p: tf.Tensor2D, q: tf.Tensor2D, wp: Vec, wq: Vec): Promise<number> => {
    const C = squaredDistances(p, q);
    try {
      const r = await sinkhorn(wp, wq, C, reg, { ...rest, returnPlan: false });
      r.f.dispose();
      r.g.dispose();
      return r.regularizedCost;
    } finally {
      C.dispose();
    }
  };
  const xy = await run(x, y, a, b);
  const xx = await run(x, x, a, a);
  const yy = await run(y, y, b, b);
  return xy - 0.5 * xx - 0.5 * yy;
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
