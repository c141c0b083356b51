/**
 * The science of `optim-plrf-horizon`: the real @lemma/optim optimizer classes trained on a power-law random
 * features (PLRF) least-squares problem with fresh Gaussian samples every step, over several horizons T, with the
 * peak LR swept per (optimizer, T). Pure plan → data; figures and verdict live beside it.
 *
 * Sampling (exact in distribution, conditional on one draw of W; scaling-laws' eigenbasis reduction): with
 * K = U diag(λ) Uᵀ, a sample's features in the model's own coordinates are f = U(√λ ⊙ z), z ~ N(0, I_d), and its
 * residual is ⟨f, θ − θ*⟩ − ε, ε ~ N(0, 2P∞). The optimizers act on θ (the feature coordinates, as the authors'
 * PLRF code does), not on the eigenbasis, since Adam-like rules are not rotation invariant. Per step that is two
 * d×d mat-vecs: w = Uᵀ(θ − θ*), then the gradient U·(Σ_b f̃_b r_b)/B with f̃ = √λ ⊙ z.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamw, adana, ademamix, danaStarMK4, sgdMomentum, type ScheduleSpec } from '@lemma/optim';
import { fitPowerLaw, NormalStream, plrfInstance, studentT975, type PlrfSpectrum } from '@lemma/scaling-laws';
import { defineGroupedCells } from '../../lib/cell-pool';
import { timedTrainSteps } from '../../lib/timed-train-steps';
import { defineSeed } from '../../lib/seeds';
import { mean, sd } from '../../lib/stats';

/** The seed of a run of seed index s: s = 0 for the learning-rate sweep, 1, 2, … for the extra seeds at the best rate. */
export const horizonSeed = defineSeed('run', 'base + seedIndex', (base: number, s: number) => base + s);

/** The optimizers compared (all from @lemma/optim, paper hyperparameters; see {@link makeOptimizer}). */
export const OPTIMIZERS = ['adana-k0.5', 'adana-k0.85', 'dana-star-mk4', 'adamw', 'ademamix-logtime', 'sgd-momentum'] as const;
export type PlrfOptimizerName = (typeof OPTIMIZERS)[number];

/** Display names. */
export const LABEL: Record<PlrfOptimizerName, string> = {
  'adana-k0.5': 'ADANA κ=0.5',
  'adana-k0.85': 'ADANA κ=0.85',
  'dana-star-mk4': 'Dana-Star-MK4',
  adamw: 'AdamW',
  'ademamix-logtime': 'AdEMAMix (log-time)',
  'sgd-momentum': 'SGD-momentum',
};

/** The PLRF problem: Cov(x) = diag(j^−2α), target b_j = j^−β, d features, v = 4d, batch B. */
export interface PlrfProblem {
  alpha: number;
  beta: number;
  d: number;
  batch: number;
  /** Seed of W (one instance shared by every run). */
  instanceSeed: number;
}

/** One training: an optimizer at one peak LR, horizon and seed. Plain data (a cell of the pool). */
export interface HorizonCell {
  problem: PlrfProblem;
  optimizer: PlrfOptimizerName;
  T: number;
  lr: number;
  seed: number;
}

/** What one training returns. */
export interface HorizonRun extends HorizonCell {
  /** Excess risk ½(θ − θ*)ᵀK(θ − θ*) at `curveSteps` (the last is T unless it diverged). */
  curveSteps: number[];
  curveExcess: number[];
  /** Final excess risk; null when the run diverged (stopped early). */
  finalExcess: number | null;
  /** Wall time per step of one model (a step of a group of K models counts K). */
  msPerStep: number;
}

/**
 * The paper's recipe for each optimizer on PLRF (arXiv 2602.05298, launch.sh): warm-up T/50 then cosine to 0.1×
 * for all; ADANA δ = 8; Dana-Star-MK4 κ = 0.85, clipSNR 2; log-time AdEMAMix β3 = 1 − δ/T, α = T^(1−κ) with
 * κ = 0.85, both warmed up over T; AdamW β = (0.9, 0.999); SGD-momentum μ = 0.9. No weight decay and no gradient
 * clipping anywhere: PLRF is a quadratic with its optimum away from 0, and the test is the momentum mechanism.
 */
export function makeOptimizer(name: PlrfOptimizerName, lr: number, T: number, learningRateScale?: number[]): tf.Optimizer {
  const schedule: ScheduleSpec = { kind: 'warmupCosine', totalSteps: T, warmupSteps: Math.max(1, Math.round(T / 50)), floor: 0.1 };
  // K models in one [K, d] variable: model k's peak LR is lr · learningRateScale[k].
  const common = { learningRate: lr, schedule, noDecay: 'auto' as const, ...(learningRateScale ? { learningRateScale } : {}) };
  switch (name) {
    case 'adana-k0.5':
      return adana({ ...common, kappa: 0.5, delta: 8 });
    case 'adana-k0.85':
      return adana({ ...common, kappa: 0.85, delta: 8 });
    case 'dana-star-mk4':
      return danaStarMK4({ ...common, kappa: 0.85, delta: 8, clipSNR: 2 });
    case 'adamw':
      return adamw({ ...common, beta1: 0.9, beta2: 0.999, weightDecay: 0 });
    case 'ademamix-logtime':
      return ademamix({ ...common, beta1: 0.9, beta2: 0.999, beta3: 1 - 8 / T, alpha: Math.pow(T, 0.15), alphaWarmup: T, beta3Warmup: T, weightDecay: 0 });
    case 'sgd-momentum':
      return sgdMomentum({ ...common, momentum: 0.9 });
  }
}

/** The tensors of one PLRF instance, built once per thread (the eigendecomposition takes seconds at d = 1000). */
interface Instance {
  key: string;
  spectrum: PlrfSpectrum;
  /** U and Uᵀ as the right operand of row-vector products (far faster on wasm than a transposed left operand). */
  U: tf.Tensor2D;
  Ut: tf.Tensor2D;
  sqrtLambda: tf.Tensor1D;
  lambda: tf.Tensor2D;
  thetaStar: tf.Tensor2D;
}
let memo: Instance | undefined;

const instanceKey = (p: PlrfProblem): string => `${p.alpha}/${p.beta}/${p.d}/${p.instanceSeed}`;

function instanceFor(p: PlrfProblem): Instance {
  const key = instanceKey(p);
  if (memo?.key === key) return memo;
  if (memo) tf.dispose([memo.U, memo.Ut, memo.sqrtLambda, memo.lambda, memo.thetaStar]);
  const s = plrfInstance({ alpha: p.alpha, beta: p.beta, d: p.d, seed: p.instanceSeed });
  memo = {
    key,
    spectrum: s,
    U: tf.tensor2d(Float32Array.from(s.U), [p.d, p.d]),
    Ut: tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(s.U), [p.d, p.d]))),
    sqrtLambda: tf.tensor1d(Float32Array.from(s.lambda, Math.sqrt)),
    lambda: tf.tensor2d(Float32Array.from(s.lambda), [1, p.d]),
    thetaStar: tf.tensor2d(Float32Array.from(s.thetaStar), [1, p.d]),
  };
  return memo;
}

/** The instance's irreducible risk P∞ and initial excess risk (θ₀ = 0), for reports. */
export function instanceSummary(p: PlrfProblem): { pInf: number; initialExcess: number } {
  const s = instanceFor(p).spectrum;
  let e = 0;
  for (let k = 0; k < p.d; k++) e += 0.5 * s.lambda[k]! * s.rho0[k]!;
  return { pInf: s.pInf, initialExcess: e };
}

/** About `n` log-spaced integer steps in [1, T], always ending at T. */
export function logSteps(T: number, n = 24): number[] {
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(Math.max(1, Math.round(Math.exp((Math.log(T) * (i + 1)) / n))));
  out.add(T);
  return [...out].sort((a, b) => a - b);
}

/**
 * Trains a group of cells that share the problem and horizon, as K models at once: the cells of each optimizer
 * form one [K_o, d] variable with its own optimizer (model k's peak LR through learningRateScale), and every model
 * has its own data stream (stream 7 of its seed, so the data never depends on the optimizer or the LR: common
 * random numbers; models with equal seeds share their batches). θ₀ = 0, a fresh batch of B Gaussian samples per
 * step, the optimizers' own applyGradients, all T steps in one timedTrainSteps call (one replayed step graph on
 * webgpu for every optimizer of the group); the excess-risk curve is measured between steps at {@link logSteps},
 * where a model that diverged stops recording (and training stops once all have).
 */
export async function trainHorizonGroup(cells: readonly HorizonCell[]): Promise<HorizonRun[]> {
  const c0 = cells[0]!;
  const { problem: p, T } = c0;
  const inst = instanceFor(p);
  if (cells.some((c) => c.T !== T || instanceKey(c.problem) !== inst.key || c.problem.batch !== p.batch)) {
    throw new Error('trainHorizonGroup: the cells of a group must share problem and T');
  }
  const d = p.d, B = p.batch, K = cells.length;
  const noise = Math.sqrt(2 * inst.spectrum.pInf);
  // One variable and optimizer per optimizer name; θ's rows (all models) are the cells in the order `order`.
  const names = [...new Set(cells.map((c) => c.optimizer))];
  const parts = names.map((name, j) => {
    const rows = cells.flatMap((c, i) => (c.optimizer === name ? [i] : []));
    const lrs = rows.map((i) => cells[i]!.lr);
    const theta = tf.variable(tf.zeros([rows.length, d]), true, `plrf_theta_${name}_${T}_${c0.seed}_${j}`);
    return { rows, theta, opt: makeOptimizer(name, lrs[0]!, T, rows.length > 1 ? lrs.map((l) => l / lrs[0]!) : undefined) };
  });
  const order = parts.flatMap((q) => q.rows);
  const rowOf = new Map(order.map((i, r) => [i, r]));
  const thetaAll = (): tf.Tensor2D => (parts.length === 1 ? parts[0]!.theta : tf.concat(parts.map((q) => q.theta), 0)) as tf.Tensor2D;
  // Data streams in the order their seeds first appear among θ's rows; a row reads its seed's batch.
  const seeds = [...new Set(order.map((i) => cells[i]!.seed))];
  const S = seeds.length;
  const streams = seeds.map((s) => new NormalStream(s, 7));
  const seedOfRow = order.map((i) => seeds.indexOf(cells[i]!.seed));
  const rowSeed = S > 1 && seedOfRow.some((s, r) => s !== r) ? tf.tensor1d(Int32Array.from(seedOfRow), 'int32') : null;
  const z64 = new Float64Array(B * d + B);
  // Per model: ½ Σ λ w² with w = (θ − θ*)U, i.e. ½(θ − θ*)ᵀK(θ − θ*) (the excess risk).
  const excessOf = (w: tf.Tensor2D): tf.Tensor1D => tf.mul(0.5, tf.sum(tf.mul(inst.lambda, tf.square(w)), 1));
  const rowsExcess = async (): Promise<Float32Array> => {
    const e = tf.tidy(() => excessOf(tf.matMul(tf.sub(thetaAll(), inst.thetaStar), inst.U)));
    const v = (await e.data()) as Float32Array;
    e.dispose();
    return v;
  };
  const e0 = (await rowsExcess())[0]!;
  const step = ([z, eps]: tf.Tensor[]): tf.Scalar => {
    const [gs, loss] = tf.tidy(() => {
      // Row vectors: W = (θ − θ*)U is Uᵀ(θ − θ*) per model, and gUᵀ maps an eigenbasis gradient back to θ coordinates.
      const W = tf.matMul(tf.sub(thetaAll(), inst.thetaStar), inst.U);
      const F = tf.mul(z!, inst.sqrtLambda); // eigenbasis features √λ ⊙ z
      let gE: tf.Tensor2D; // ∇ of ½ mean r² in the eigenbasis, [K, d]
      if (S === 1) {
        const r = tf.sub(tf.matMul(F as tf.Tensor2D, W, false, true), eps!); // residuals [B, K]
        gE = tf.div(tf.matMul(r, F as tf.Tensor2D, true, false), B);
      } else {
        const Fk = (rowSeed ? tf.gather(F, rowSeed) : F) as tf.Tensor3D; // [K, B, d]
        const r = tf.sub(tf.matMul(Fk, tf.reshape(W, [K, d, 1])), rowSeed ? tf.gather(eps!, rowSeed) : eps!); // [K, B, 1]
        gE = tf.reshape(tf.div(tf.matMul(r as tf.Tensor3D, Fk, true, false), B), [K, d]);
      }
      const grad = tf.matMul(gE, inst.Ut);
      // A diverged model's non-finite gradient is zeroed: the optimizer would otherwise skip every model's step.
      const g = tf.where(tf.isFinite(grad), grad, tf.zerosLike(grad));
      const split = parts.length === 1 ? [g] : tf.split(g, parts.map((q) => q.rows.length), 0);
      return [split, tf.mean(excessOf(W as tf.Tensor2D)) as tf.Scalar] as const;
    });
    parts.forEach((q, j) => q.opt.applyGradients({ [q.theta.name]: gs[j]! }));
    tf.dispose(gs);
    return loss;
  };
  const batch = (): tf.Tensor[] => {
    const zs = new Float32Array(S * B * d);
    const es = new Float32Array(S * B);
    streams.forEach((rng, s) => {
      rng.fill(z64);
      zs.set(z64.subarray(0, B * d), s * B * d);
      for (let i = 0; i < B; i++) es[s * B + i] = noise * z64[B * d + i]!;
    });
    return S === 1 ? [tf.tensor2d(zs, [B, d]), tf.tensor2d(es, [B, 1])] : [tf.tensor3d(zs, [S, B, d]), tf.tensor3d(es, [S, B, 1])];
  };
  const curves = cells.map(() => ({ steps: [] as number[], excess: [] as number[], diverged: false }));
  const marks = logSteps(T);
  const label = K === 1 ? `${c0.optimizer}-T${T}-lr${c0.lr.toPrecision(3)}-seed${c0.seed}` : `T${T}-k${K}-seed${c0.seed}`;
  const t0 = performance.now();
  const { steps: run } = await timedTrainSteps(step, batch, {
    steps: T,
    readEvery: T,
    run: label,
    models: K,
    evaluate: {
      at: marks,
      run: async (done) => {
        const v = await rowsExcess();
        curves.forEach((c, k) => {
          if (c.diverged) return;
          const e = v[rowOf.get(k)!]!;
          c.steps.push(done);
          c.excess.push(e);
          // Diverged: non-finite, or 100× above the start (no good run ever comes back from there).
          c.diverged = !Number.isFinite(e) || e > 100 * e0;
        });
        return curves.some((c) => !c.diverged);
      },
    },
  });
  const msPerStep = (performance.now() - t0) / Math.max(1, run * K);
  for (const q of parts) q.opt.dispose();
  tf.dispose([...parts.map((q) => q.theta), ...(rowSeed ? [rowSeed] : [])]);
  return cells.map((cell, k) => {
    const c = curves[k]!;
    return { ...cell, curveSteps: c.steps, curveExcess: c.excess, finalExcess: c.diverged ? null : c.excess.at(-1)!, msPerStep };
  });
}

/** Trains one cell (a group of one). */
export async function trainHorizon(cell: HorizonCell): Promise<HorizonRun> {
  return (await trainHorizonGroup([cell]))[0]!;
}

/** The cell function of the pool: on webgpu, the cells of one horizon train together (worker threads build the instance once each). */
export const horizonCells = defineGroupedCells('optim-plrf-horizon/train', trainHorizonGroup);
const groupKey = (c: HorizonCell): string => `T${c.T}`;
/** Models per group: a full sweep of one horizon (6 optimizers × 11 LRs) is one group. */
const MAX_GROUP = 128;

/** Peak LR grid: `center` × 2^k for k = −⌊n/2⌋ … n − 1 − ⌊n/2⌋ (a ×2 grid of n points). */
export function lrGrid(center: number, n: number): number[] {
  const h = Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => center * Math.pow(2, i - h));
}

/** The run with the lowest final excess risk (diverged runs never win); null if all diverged. */
export function bestRun<R extends { finalExcess: number | null }>(runs: readonly R[]): R | null {
  let best: R | null = null;
  for (const r of runs) if (r.finalExcess !== null && (best === null || r.finalExcess < best.finalExcess!)) best = r;
  return best;
}

/** Mean of log excess risk over seeds with its 95% Student-t interval (in log space). */
export interface LogSummary {
  meanLog: number;
  lo: number;
  hi: number;
  n: number;
}

/**
 * {@link LogSummary} of positive values. Not lib/mean-interval's meanCi95: the t quantile is the scaling-laws
 * package's (Cornish-Fisher beyond 20 degrees of freedom), the half-width is (t·sd)/√n, and one value gives a
 * zero-width interval.
 */
export function summariseLog(values: readonly number[]): LogSummary {
  const l = values.map(Math.log);
  const n = l.length;
  const m = mean(l);
  if (n < 2) return { meanLog: m, lo: m, hi: m, n };
  const h = (studentT975(n - 1) * sd(l)) / Math.sqrt(n);
  return { meanLog: m, lo: m - h, hi: m + h, n };
}

/** Decay exponent s of E(T) ∝ T^−s from every (T, seed) final excess risk, with its 95% interval. */
export function fitHorizonSlope(Ts: readonly number[], finals: readonly number[]): { slope: number; lo: number; hi: number } | null {
  if (new Set(Ts).size < 2 || Ts.length < 3) return null;
  const f = fitPowerLaw(Ts, finals);
  return { slope: f.exponent, lo: -f.slopeCI95[1], hi: -f.slopeCI95[0] };
}

/**
 * Steps T′ at which AdamW's tuned final excess risk (geometric mean over seeds, one point per horizon) equals
 * `target`: log-log interpolation between horizons; outside them, the fitted AdamW power law (flagged extrapolated).
 */
export function stepsToReach(Ts: readonly number[], meanLogs: readonly number[], target: number, fit: { slope: number; logA: number }): { steps: number; extrapolated: boolean } {
  const lt = Math.log(target);
  // AdamW's risk falls with T: find the bracketing horizons.
  for (let i = 1; i < Ts.length; i++) {
    const a = meanLogs[i - 1]!, b = meanLogs[i]!;
    if ((a - lt) * (b - lt) <= 0 && a !== b) {
      const xs = [Math.log(Ts[i - 1]!), Math.log(Ts[i]!)];
      const w = (lt - a) / (b - a);
      return { steps: Math.exp(xs[0]! + w * (xs[1]! - xs[0]!)), extrapolated: false };
    }
  }
  if (Math.abs(meanLogs[0]! - lt) < 1e-15) return { steps: Ts[0]!, extrapolated: false };
  return { steps: Math.exp((lt - fit.logA) / -fit.slope), extrapolated: true };
}


/** What one invocation trains. */
export interface HorizonPlan {
  problem: PlrfProblem;
  optimizers: PlrfOptimizerName[];
  horizons: number[];
  /** Points of the ×2 peak-LR grid per (optimizer, T), centred on {@link lrCenter}. */
  lrPoints: number;
  /** Seeds at the best LR (the sweep's seed included). */
  seeds: number;
}

/**
 * Centre of the LR grid per optimizer: the best peak LR of a ×2–×4 pilot sweep at T = 2000 and 8000 (seed 0,
 * d = 1000, wasm), interpolated/extrapolated log-log in T. Only the grid's placement depends on it: the sweep picks the best.
 */
export const PILOT_BEST_LR: Record<PlrfOptimizerName, [number, number]> = {
  'adana-k0.5': [1e-3, 5e-4],
  'adana-k0.85': [4e-3, 4e-3],
  'dana-star-mk4': [4e-3, 8e-3],
  adamw: [6.4e-2, 3.2e-2],
  'ademamix-logtime': [6.4e-2, 1.6e-2],
  'sgd-momentum': [1, 0.5],
};

/** The grid centre at horizon T. */
export function lrCenter(name: PlrfOptimizerName, T: number): number {
  const [a, b] = PILOT_BEST_LR[name];
  return a * Math.pow(b / a, Math.log(T / 2000) / Math.log(4));
}

/** One (optimizer, T) after the sweep and the extra seeds. */
export interface HorizonPoint {
  optimizer: PlrfOptimizerName;
  T: number;
  /** Best peak LR, whether it sat on the grid's edge, and the sweep (LR → final excess, null = diverged). */
  bestLr: number | null;
  atEdge: boolean;
  sweep: { lr: number; finalExcess: number | null }[];
  /** Final excess risk of each seed at the best LR (diverged seeds left out). */
  finals: number[];
  seeds: number[];
  summary: LogSummary | null;
  /** Best-LR curve of the first seed. */
  curve: { step: number; excess: number }[];
}

/** Per-optimizer result across horizons. */
export interface OptimizerScaling {
  optimizer: PlrfOptimizerName;
  points: HorizonPoint[];
  slope: { slope: number; lo: number; hi: number } | null;
  /** ln A of the log-log fit ln E = ln A − slope·ln T (for extrapolation). */
  logA: number | null;
}

/** Fits slope and prefactor from every (T, seed) point of an optimizer. */
function scalingOf(optimizer: PlrfOptimizerName, points: HorizonPoint[]): OptimizerScaling {
  const Ts: number[] = [];
  const ys: number[] = [];
  for (const p of points) for (const f of p.finals) (Ts.push(p.T), ys.push(f));
  const slope = fitHorizonSlope(Ts, ys);
  let logA: number | null = null;
  if (slope) {
    const mx = mean(Ts.map(Math.log));
    const my = mean(ys.map(Math.log));
    logA = my + slope.slope * mx;
  }
  return { optimizer, points, slope, logA };
}

/** Steps AdamW needs to match `other`'s final excess risk at each horizon, divided by that horizon. */
export interface Multiplier {
  optimizer: PlrfOptimizerName;
  T: number;
  multiplier: number;
  /** From the ends of the other optimizer's 95% interval of mean log excess. */
  lo: number;
  hi: number;
  extrapolated: boolean;
}

export function computeMultipliers(adam: OptimizerScaling, other: OptimizerScaling): Multiplier[] {
  const pts = adam.points.filter((p) => p.summary !== null);
  if (adam.slope === null || adam.logA === null || pts.length < 2) return [];
  const Ts = pts.map((p) => p.T);
  const ml = pts.map((p) => p.summary!.meanLog);
  const fit = { slope: adam.slope.slope, logA: adam.logA };
  const out: Multiplier[] = [];
  for (const p of other.points) {
    if (!p.summary) continue;
    const at = (logE: number) => stepsToReach(Ts, ml, Math.exp(logE), fit);
    const m = at(p.summary.meanLog);
    // A higher excess risk (hi end) needs fewer AdamW steps: the lower end of the multiplier.
    out.push({ optimizer: other.optimizer, T: p.T, multiplier: m.steps / p.T, lo: at(p.summary.hi).steps / p.T, hi: at(p.summary.lo).steps / p.T, extrapolated: m.extrapolated });
  }
  return out;
}

/** Everything the figures, tables and verdict need. */
export interface HorizonData {
  plan: HorizonPlan;
  pInf: number;
  initialExcess: number;
  scaling: OptimizerScaling[];
  multipliers: Multiplier[];
  runs: number;
  steps: number;
  msPerStep: number;
}

/** Runs the sweep (first seed), then the other seeds at each best LR, through the cell pool. */
export async function runHorizonExperiment(
  ctx: { workers: number; backend: string; seed: number; progress(label: string, total: number): { tick(n?: number): void; done(): void } },
  plan: HorizonPlan,
): Promise<HorizonData> {
  const { problem, optimizers, horizons } = plan;
  const sweepCells: HorizonCell[] = [];
  for (const optimizer of optimizers)
    for (const T of horizons) for (const lr of lrGrid(lrCenter(optimizer, T), plan.lrPoints)) sweepCells.push({ problem, optimizer, T, lr, seed: ctx.seed });
  const bar1 = ctx.progress('LR sweep', sweepCells.length);
  const sweep = await horizonCells.map(ctx, sweepCells, groupKey, bar1, MAX_GROUP);
  bar1.done();
  const key = (o: string, T: number) => `${o}@${T}`;
  const byKey = new Map<string, HorizonRun[]>();
  for (const r of sweep) byKey.set(key(r.optimizer, r.T), [...(byKey.get(key(r.optimizer, r.T)) ?? []), r]);
  const seedCells: HorizonCell[] = [];
  for (const runs of byKey.values()) {
    const b = bestRun(runs);
    if (b) for (let s = 1; s < plan.seeds; s++) seedCells.push({ problem, optimizer: b.optimizer, T: b.T, lr: b.lr, seed: horizonSeed(ctx.seed, s) });
  }
  const bar2 = ctx.progress('seeds at the best LR', seedCells.length);
  const extra = await horizonCells.map(ctx, seedCells, groupKey, bar2, MAX_GROUP);
  bar2.done();
  const scaling = optimizers.map((optimizer) => {
    const points = horizons.map((T): HorizonPoint => {
      const runs = byKey.get(key(optimizer, T))!;
      const b = bestRun(runs);
      const grid = runs.map((r) => r.lr);
      const seedsRun = b ? [b, ...extra.filter((r) => r.optimizer === optimizer && r.T === T)] : [];
      const finals = seedsRun.filter((r) => r.finalExcess !== null).map((r) => r.finalExcess!);
      return {
        optimizer,
        T,
        bestLr: b?.lr ?? null,
        atEdge: b !== null && (b.lr === Math.min(...grid) || b.lr === Math.max(...grid)),
        sweep: runs.map((r) => ({ lr: r.lr, finalExcess: r.finalExcess })),
        finals,
        seeds: seedsRun.map((r) => r.seed),
        summary: finals.length ? summariseLog(finals) : null,
        curve: b ? b.curveSteps.map((step, i) => ({ step, excess: b.curveExcess[i]! })) : [],
      };
    });
    return scalingOf(optimizer, points);
  });
  const adam = scaling.find((s) => s.optimizer === 'adamw');
  const multipliers = adam ? scaling.filter((s) => s !== adam).flatMap((s) => computeMultipliers(adam, s)) : [];
  const all = [...sweep, ...extra];
  const steps = all.reduce((a, r) => a + (r.curveSteps.at(-1) ?? 0), 0);
  const { pInf, initialExcess } = instanceSummary(problem);
  return { plan, pInf, initialExcess, scaling, multipliers, runs: all.length, steps, msPerStep: all.reduce((a, r) => a + r.msPerStep * (r.curveSteps.at(-1) ?? 0), 0) / Math.max(1, steps) };
}
