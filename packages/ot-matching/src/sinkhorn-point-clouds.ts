import * as tf from '@tensorflow/tfjs-core';
import { SINKHORN_ONLINE_MAX_DIM, sinkhornOnlineHalfStep } from '@lemma/gpu-kernels';
import { expectBoolean, expectInteger, expectOptions, expectPositive, invalidArgument, toFloatTensor } from '@lemma/gpu-kernels/validate';
import { epsilonSchedule, SINKHORN_OPTIONS_RULE, warnUnconverged } from './sinkhorn-schedule';
import { dualObjectiveF64, stepMarginalError } from './marginal-error';
import { checkMass, checkWeights } from './sinkhorn-f64';

type Vec = tf.Tensor | tf.TensorLike;

/** Options of {@link sinkhornPointClouds} and {@link sinkhornDivergencePointClouds}. */
export interface SinkhornPointCloudOptions {
  /** Weights of the points of x (positive, default uniform 1/n); must carry the mass of b. */
  a?: Vec;
  /** Weights of the points of y (positive, default uniform 1/m). */
  b?: Vec;
  /** Blur radius σ: ε = σ² (GeomLoss's convention for p = 2). Default 0.05; give `blur` or `eps`, not both. */
  blur?: number;
  /** Entropic regularisation ε > 0 in the units of ‖x − y‖², instead of `blur`. */
  eps?: number;
  /**
   * ε-scaling ratio in (0, 1), GeomLoss-style: ε starts at diameter² and is multiplied by scaling² per stage down to
   * the target (default 0.5); `false` starts at the target ε.
   */
  scaling?: number | false;
  /** Diameter for the schedule's start (default: the diagonal of the bounding box of x and y together). */
  diameter?: number;
  /** Iterations per intermediate ε stage (default 1, GeomLoss's annealing; an integer ≥ 1). */
  stageIterations?: number;
  /** Iteration cap at the target ε (default 1000, an integer ≥ 1). */
  maxIterations?: number;
  /** Stop when the L1 row-marginal error ‖P·1 − a‖₁ falls below this (default 1e-3, OTT-JAX's default). */
  threshold?: number;
  /** Check the marginal error every this many iterations at the target ε (default 10; each check reads back). */
  checkEvery?: number;
  /**
   * Warn (one `console.warn` per call) when a solve stops at `maxIterations` above `threshold` (default true);
   * `false` silences it. `converged` in the result says the same either way.
   */
  warn?: boolean;
}

/** Convergence report of one point-cloud Sinkhorn solve. */
export interface SinkhornPointCloudStats {
  /** OT_ε = ⟨f, a⟩ + ⟨g, b⟩, the entropic OT value (= ⟨P, C⟩ + ε KL(P | a⊗b) at convergence). */
  regularizedCost: number;
  /** The target ε. */
  epsilon: number;
  /** Full iterations (a row and a column half step each) over all stages. */
  iterations: number;
  /**
   * ‖P·1 − a‖₁ of the returned potentials (their column marginals are exact up to float32), from the online LSE:
   * `stepMarginalErrorF64` of two row steps, summed in float64.
   */
  marginalError: number;
  /** marginalError < threshold. */
  converged: boolean;
}

/** Result of {@link sinkhornPointClouds}; the caller owns (and disposes) f and g. */
export interface SinkhornPointCloudResult extends SinkhornPointCloudStats {
  /** Row potential (KL convention of `sinkhorn`): P_ij = a_i b_j exp((f_i + g_j − ‖x_i − y_j‖²)/ε). */
  f: tf.Tensor1D;
  /** Column potential. */
  g: tf.Tensor1D;
}

/** Result of {@link sinkhornDivergencePointClouds}. */
export interface SinkhornDivergencePointCloudResult {
  /** S_ε = OT_ε(a, b) − ½ OT_ε(a, a) − ½ OT_ε(b, b). */
  value: number;
  /** The one ε used by all three solves. */
  epsilon: number;
  /** The three solves: x against y, x against itself, y against itself. */
  xy: SinkhornPointCloudStats;
  xx: SinkhornPointCloudStats;
  yy: SinkhornPointCloudStats;
  /** All three solves met `threshold` (as {@link sinkhornDivergence}'s). */
  converged: boolean;
}

const OPTION_KEYS = ['a', 'b', 'blur', 'eps', 'scaling', 'diameter', 'stageIterations', 'maxIterations', 'threshold', 'checkEvery', 'warn'] as const;

/** Checked scalar options, with ε resolved once. */
interface Resolved {
  eps: number;
  scaling: number | false;
  stageIterations: number;
  maxIterations: number;
  threshold: number;
  checkEvery: number;
  warn: boolean;
}

/** How these solvers take ε, for the non-convergence warning. */
const EPS_NAME = 'options.blur (or options.eps)';

function resolveOptions(fn: string, o: SinkhornPointCloudOptions): Resolved {
  expectOptions(fn, 'options', o, OPTION_KEYS, SINKHORN_OPTIONS_RULE);
  if (o.blur !== undefined && o.eps !== undefined) throw new Error(`${fn}: options.blur and options.eps both set, got blur ${o.blur} and eps ${o.eps}; give one (ε = blur²)`);
  if (o.blur !== undefined) expectPositive(fn, 'options.blur', o.blur);
  if (o.eps !== undefined) expectPositive(fn, 'options.eps', o.eps);
  if (o.diameter !== undefined) expectPositive(fn, 'options.diameter', o.diameter);
  if (o.threshold !== undefined) expectPositive(fn, 'options.threshold', o.threshold);
  if (o.stageIterations !== undefined) expectInteger(fn, 'options.stageIterations', o.stageIterations, { min: 1 });
  if (o.maxIterations !== undefined) expectInteger(fn, 'options.maxIterations', o.maxIterations, { min: 1 });
  if (o.checkEvery !== undefined) expectInteger(fn, 'options.checkEvery', o.checkEvery, { min: 1 });
  if (o.warn !== undefined) expectBoolean(fn, 'options.warn', o.warn);
  const s = o.scaling;
  if (s !== undefined && s !== false && !(typeof s === 'number' && s > 0 && s < 1)) throw new Error(`${fn}: options.scaling must be a number in (0, 1) or false, got ${String(s)}`);
  return {
    eps: o.eps ?? (o.blur ?? 0.05) ** 2,
    scaling: s ?? 0.5,
    stageIterations: o.stageIterations ?? 1,
    maxIterations: o.maxIterations ?? 1000,
    threshold: o.threshold ?? 1e-3,
    checkEvery: o.checkEvery ?? 10,
    warn: o.warn ?? true,
  };
}

type Own = <T extends tf.Tensor>(t: T) => T;

/** Converts and checks a point cloud: a 2-D float32 [points, d] tensor with 1 ≤ d ≤ 64. */
function points(fn: string, name: string, v: unknown, own: Own): tf.Tensor2D {
  const t = toFloatTensor(fn, name, v);
  if (t !== v) own(t);
  if (t.rank !== 2 || t.shape[0] === 0 || t.shape[1]! < 1 || t.shape[1]! > SINKHORN_ONLINE_MAX_DIM) {
    throw invalidArgument(fn, name, `a 2-D tensor [points, d] with at least one point and 1 ≤ d ≤ ${SINKHORN_ONLINE_MAX_DIM}`, t);
  }
  return t as tf.Tensor2D;
}

/** Converts and checks weights (default uniform); returns the tensor and its values. */
async function weights(fn: string, name: string, v: Vec | undefined, len: number, what: string, own: Own): Promise<{ w: tf.Tensor1D; values: ArrayLike<number> }> {
  const w = v === undefined ? own(tf.fill([len], 1 / len)) : toFloatTensor(fn, `options.${name}`, v);
  if (v !== undefined && w !== v) own(w);
  if (w.rank !== 1 || w.shape[0] !== len) throw invalidArgument(fn, `options.${name}`, `a 1-D tensor of length ${len} (${what})`, w);
  const values = await w.data();
  checkWeights(fn, `options.${name}`, values, what);
  return { w: w as tf.Tensor1D, values };
}

/**
 * One read-back for both clouds: the count of non-finite coordinates and the diagonal of their joint bounding box.
 */
async function finiteAndDiameter(fn: string, x: tf.Tensor2D, y: tf.Tensor2D): Promise<number> {
  const t = tf.tidy(() => {
    const bad = (p: tf.Tensor) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(p)), 'float32'));
    const span = tf.sub(tf.maximum(tf.max(x, 0), tf.max(y, 0)), tf.minimum(tf.min(x, 0), tf.min(y, 0)));
    return tf.stack([bad(x), bad(y), tf.sqrt(tf.sum(tf.square(span)))]);
  });
  const [bx, by, diam] = await t.data();
  t.dispose();
  if (bx! > 0) throw new Error(`${fn}: x must be finite (no NaN or Infinity), got ${bx} non-finite coordinates`);
  if (by! > 0) throw new Error(`${fn}: y must be finite (no NaN or Infinity), got ${by} non-finite coordinates`);
  return diam!;
}

/** A checked problem: both clouds and their weights, owned by the caller of `solve`. */
interface Cloud {
  p: tf.Tensor2D;
  /** The weights as read back (the float64 sums use them). */
  w: ArrayLike<number>;
  logW: tf.Tensor1D;
}

/** The ε stages: GeomLoss's diameter² start, ratio scaling² (ot-matching's shared schedule builder). */
function stages(fn: string, r: Resolved, diameter: number): { stages: number[]; target: number } {
  const none = { mean: Number.NaN, std: Number.NaN, max: Number.NaN, min: Number.NaN };
  const scaling = r.scaling === false ? false : { start: diameter * diameter, decay: r.scaling * r.scaling, stageIterations: r.stageIterations };
  return epsilonSchedule(fn, r.eps, none, { epsilonScaling: scaling }, false);
}

/** ‖P·1 − a‖₁ of (f, g) from f and the next row step f' = rows(g): (P·1)_i = a_i exp((f_i − f'_i)/ε). */
async function rowError(w: ArrayLike<number>, f: tf.Tensor1D, next: tf.Tensor1D, eps: number): Promise<number> {
  return stepMarginalError(w, f, next, eps);
}

/** OT_ε = ⟨f, a⟩ + ⟨g, b⟩, summed in float64 over the potentials read back. */
async function dualValue(src: Cloud, dst: Cloud, f: tf.Tensor1D, g: tf.Tensor1D): Promise<number> {
  const [fv, gv] = await Promise.all([f.data(), g.data()]);
  return dualObjectiveF64(fv, src.w, gv, dst.w);
}

/**
 * Alternating online half steps over the ε schedule, on KL potentials throughout (the half step takes the other
 * side's log-weights: f_i = −ε LSE_j(log b_j + (g_j − ‖x_i − y_j‖²)/ε), standard log-domain Sinkhorn; no conversion
 * between stages).
 * The row step that measures ‖P·1 − a‖₁ of (f, g) is the next iteration's row step.
 */
async function solve(src: Cloud, dst: Cloud, r: Resolved, diameter: number, fn: string): Promise<SinkhornPointCloudResult> {
  const x = src.p;
  const y = dst.p;
  const sched = stages(fn, r, diameter);
  const rows = (g: tf.Tensor1D, eps: number) => sinkhornOnlineHalfStep({ x, y, potential: g, logWeights: dst.logW, eps, axis: 'rows' });
  const cols = (f: tf.Tensor1D, eps: number) => sinkhornOnlineHalfStep({ x, y, potential: f, logWeights: src.logW, eps, axis: 'cols' });
  let g: tf.Tensor1D = tf.zeros([y.shape[0]]);
  let ft: tf.Tensor1D | null = null;
  let gt: tf.Tensor1D | null = null;
  let iterations = 0;
  let err = Number.NaN;
  for (let s = 0; s < sched.stages.length; s++) {
    const eps = sched.stages[s]!;
    const last = s === sched.stages.length - 1;
    ft = rows(g, eps);
    gt = cols(ft, eps);
    g.dispose();
    iterations++;
    const cap = last ? r.maxIterations : r.stageIterations;
    for (let k = 1; ; k++) {
      const due = last && (k % r.checkEvery === 0 || k >= cap);
      if (!due && k >= cap) break;
      const fN = rows(gt, eps);
      if (due) {
        err = await rowError(src.w, ft, fN, eps);
        if (err < r.threshold || k >= cap || !Number.isFinite(err)) {
          fN.dispose();
          break;
        }
      }
      const gN = cols(fN, eps);
      tf.dispose([ft, gt]);
      ft = fN;
      gt = gN;
      iterations++;
    }
    if (!last) {
      g = gt!;
      ft!.dispose();
    }
  }
  const regularizedCost = await dualValue(src, dst, ft!, gt!);
  return { f: ft!, g: gt!, regularizedCost, epsilon: sched.target, iterations, marginalError: err, converged: err < r.threshold };
}

/**
 * OT_ε(a, a) of one cloud with GeomLoss's symmetric update f̃ ← ½(f̃ + T(f̃)) (T: the row step with y = x), which
 * converges where alternating steps oscillate. At a check it forms the pair (f̃, T(f̃)), whose columns are exact,
 * and measures its row error with one more step, so the report means what {@link solve}'s does.
 */
async function solveSelf(c: Cloud, r: Resolved, diameter: number, fn: string): Promise<SinkhornPointCloudStats> {
  const sched = stages(fn, r, diameter);
  // T(f)_i = −ε LSE_j(log a_j + (f_j − ‖x_i − x_j‖²)/ε), KL potentials as in solve.
  const step = (p: tf.Tensor1D, eps: number) => sinkhornOnlineHalfStep({ x: c.p, y: c.p, potential: p, logWeights: c.logW, eps, axis: 'rows' });
  let f: tf.Tensor1D = tf.zeros([c.p.shape[0]]);
  let pair: [tf.Tensor1D, tf.Tensor1D] | null = null;
  let iterations = 0;
  let err = Number.NaN;
  for (let s = 0; s < sched.stages.length; s++) {
    const eps = sched.stages[s]!;
    const last = s === sched.stages.length - 1;
    let ft = f;
    const cap = last ? r.maxIterations : r.stageIterations;
    for (let k = 1; ; k++) {
      const t = step(ft, eps);
      iterations++;
      if (last && (k % r.checkEvery === 0 || k >= cap)) {
        const next = step(t, eps);
        err = await rowError(c.w, ft, next, eps);
        next.dispose();
        if (err < r.threshold || k >= cap || !Number.isFinite(err)) {
          pair = [ft, t];
          break;
        }
      }
      const avg = tf.tidy(() => tf.mul(tf.add(ft, t), 0.5)) as tf.Tensor1D;
      tf.dispose([ft, t]);
      ft = avg;
      if (!last && k >= cap) break;
    }
    if (!last) f = ft;
  }
  const regularizedCost = await dualValue(c, c, pair![0], pair![1]);
  tf.dispose([...pair!]);
  return { regularizedCost, epsilon: sched.target, iterations, marginalError: err, converged: err < r.threshold };
}

/** Validates everything and runs `body` with the checked clouds; frees what it converted, also on a rejection. */
async function withClouds<R>(
  fn: string,
  xIn: tf.Tensor2D | tf.TensorLike,
  yIn: tf.Tensor2D | tf.TensorLike,
  options: SinkhornPointCloudOptions,
  body: (cx: Cloud, cy: Cloud, r: Resolved, diameter: number) => Promise<R>,
): Promise<R> {
  const r = resolveOptions(fn, options);
  const owned: tf.Tensor[] = [];
  const own: Own = (t) => {
    owned.push(t);
    return t;
  };
  try {
    const x = points(fn, 'x', xIn, own);
    const y = points(fn, 'y', yIn, own);
    if (y.shape[1] !== x.shape[1]) throw invalidArgument(fn, 'y', `a 2-D tensor [m, ${x.shape[1]}] (the point dimension of x)`, y);
    const [n, m] = [x.shape[0], y.shape[0]];
    const a = await weights(fn, 'a', options.a, n, 'points of x', own);
    const b = await weights(fn, 'b', options.b, m, 'points of y', own);
    checkMass(fn, a.values, b.values);
    const bbox = await finiteAndDiameter(fn, x, y);
    // Coincident clouds have a zero box: any positive start works, the target ε is then the first stage.
    const diameter = options.diameter ?? Math.max(bbox, Math.sqrt(r.eps));
    const cx = { p: x, w: a.values, logW: own(tf.log(a.w) as tf.Tensor1D) };
    const cy = { p: y, w: b.values, logW: own(tf.log(b.w) as tf.Tensor1D) };
    return await body(cx, cy, r, diameter);
  } finally {
    for (const t of owned) t.dispose();
  }
}

/**
 * Entropic OT between point clouds x [n, d] and y [m, d] (d ≤ 64) with cost ‖x_i − y_j‖², never forming the n×m
 * cost or plan: each half step is one online log-sum-exp over the points (`sinkhornOnlineHalfStep` of
 * @lemma/gpu-kernels), so memory is O((n + m)·d) and n can reach 10⁶ per side. GeomLoss-style ε: `blur` (ε =
 * blur²) or `eps`, reached by ε-scaling from diameter² with ratio scaling². Potentials use the KL convention of
 * `sinkhorn` (same f, g as `sinkhorn(a, b, pairwiseSqDist(x, y), ε)`); no plan is returned. Stopping at
 * `maxIterations` above `threshold` warns once (`warn: false` silences it).
 *
 * @example
 * const x = tf.randomNormal([20000, 2]), y = tf.randomNormal([30000, 2], 1);
 * const r = await sinkhornPointClouds(x, y, { blur: 0.05 });
 * console.log(r.regularizedCost, r.iterations, r.marginalError);
 * tf.dispose([r.f, r.g]);
 */
export async function sinkhornPointClouds(
  x: tf.Tensor2D | tf.TensorLike,
  y: tf.Tensor2D | tf.TensorLike,
  options: SinkhornPointCloudOptions = {},
): Promise<SinkhornPointCloudResult> {
  const fn = 'sinkhornPointClouds';
  return withClouds(fn, x, y, options, async (cx, cy, r, diameter) => {
    const out = await solve(cx, cy, r, diameter, fn);
    if (r.warn) warnUnconverged(fn, [out], r.threshold, r.eps, EPS_NAME);
    return out;
  });
}

/**
 * Debiased Sinkhorn divergence between point clouds (Feydy et al. 2019; GeomLoss `debias=True`):
 * S_ε = OT_ε(a, b) − ½ OT_ε(a, a) − ½ OT_ε(b, b), with one ε and one ε schedule (diameter of x and y together) for
 * all three terms: the cross term by {@link sinkhornPointClouds}' iteration, the two self terms by GeomLoss's
 * symmetric (averaged) update, all with the online half step. Non-negative, zero when the
 * clouds and weights coincide, symmetric, and → W₂² as ε → 0 (cost ‖x − y‖², not GeomLoss's ½‖x − y‖²).
 * Unconverged solves warn once for the call, naming each (`warn: false` silences it).
 *
 * @example
 * const { value, xy } = await sinkhornDivergencePointClouds(tf.randomNormal([5000, 3]), tf.randomNormal([4000, 3], 2), { blur: 0.1 });
 * console.log(value, xy.converged);
 */
export async function sinkhornDivergencePointClouds(
  x: tf.Tensor2D | tf.TensorLike,
  y: tf.Tensor2D | tf.TensorLike,
  options: SinkhornPointCloudOptions = {},
): Promise<SinkhornDivergencePointCloudResult> {
  const fn = 'sinkhornDivergencePointClouds';
  return withClouds(fn, x, y, options, async (cx, cy, r, diameter) => {
    const { f, g, ...xy } = await solve(cx, cy, r, diameter, fn);
    tf.dispose([f, g]);
    const xx = await solveSelf(cx, r, diameter, fn);
    const yy = await solveSelf(cy, r, diameter, fn);
    if (r.warn) warnUnconverged(fn, [{ label: 'xy', ...xy }, { label: 'xx', ...xx }, { label: 'yy', ...yy }], r.threshold, r.eps, EPS_NAME);
    return { value: xy.regularizedCost - 0.5 * xx.regularizedCost - 0.5 * yy.regularizedCost, epsilon: r.eps, xy, xx, yy, converged: xy.converged && xx.converged && yy.converged };
  });
}
