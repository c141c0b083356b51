/**
 * Chinchilla-style fit L(N, D) = E + A / N^a + B / D^b (Hoffmann et al. Approach 3, as replicated by
 * Epoch AI): minimise sum Huber_delta(log Lhat - log L) with delta = 1e-3, log Lhat = LSE(log A - a log N,
 * log B - b log D, log E), by L-BFGS from a grid of starts. Variable projection supplies good starts:
 * for fixed (a, b) the model is linear in (E, A, B), solved by nonnegative weighted least squares.
 * Sources: Hoffmann et al. Approach 3 (no equation number in the notes); Epoch `epoch-research/analyzing-chinchilla`.
 */
import { minimizeLbfgs } from './lbfgs';
import { createRng } from '@lemma/gpu-kernels';
import { expectFiniteArray, expectInteger, expectNumber, expectOneOf, expectOptions, expectPositive, expectSeed, invalidArgument } from '@lemma/gpu-kernels/validate';

/** Observed (N, D, L) points. */
export interface ScalingObservations {
  /** Parameters N. */
  N: ArrayLike<number>;
  /** Tokens D. */
  D: ArrayLike<number>;
  /** Loss L. */
  L: ArrayLike<number>;
}

/** Fitted L(N, D) = E + A/N^a + B/D^b. */
export interface ChinchillaParams {
  E: number;
  A: number;
  B: number;
  a: number;
  b: number;
}

/** Options of {@link fitChinchilla}. */
export interface ChinchillaFitOptions {
  /** Huber delta in log space (default 1e-3, as Hoffmann et al. and Epoch). */
  huberDelta?: number;
  /**
   * Start grid: 'approach3' = Hoffmann's 4,500 starts (a, b in {0,.5,..,2}, e in {-1,..,1},
   * log A, log B in {0,5,..,25}); 'varpro' (default) = the best few variable-projection starts plus a
   * small subset of the Approach-3 grid.
   */
  starts?: 'approach3' | 'varpro';
}

/** Result of {@link fitChinchilla}. */
export interface ChinchillaFit extends ChinchillaParams {
  /** Final objective (sum of Huber losses). */
  loss: number;
  /** Number of L-BFGS starts tried. */
  starts: number;
}

function validate(fn: string, o: ScalingObservations): number {
  if (o === null || typeof o !== 'object') throw invalidArgument(fn, 'obs', 'an object { N, D, L } of equal-length arrays', o, 'type');
  const n = expectFiniteArray(fn, 'obs.N', o.N).length;
  expectFiniteArray(fn, 'obs.D', o.D, n);
  expectFiniteArray(fn, 'obs.L', o.L, n);
  if (n < 5) throw invalidArgument(fn, 'obs.N', 'at least 5 observations (5 parameters are fitted)', o.N);
  for (const k of ['N', 'D', 'L'] as const) {
    const a = o[k];
    for (let i = 0; i < n; i++) if (!(a[i]! > 0)) throw invalidArgument(fn, `obs.${k}[${i}]`, 'a finite number > 0', a[i]);
  }
  return n;
}

const FIT_KEYS = ['huberDelta', 'starts'] as const;

function validateFitOptions(fn: string, opts: ChinchillaFitOptions, extra: readonly string[] = []): void {
  expectOptions(fn, 'opts', opts, [...FIT_KEYS, ...extra] as (keyof ChinchillaFitOptions)[]);
  if (opts.huberDelta !== undefined) expectPositive(fn, 'opts.huberDelta', opts.huberDelta);
  if (opts.starts !== undefined) expectOneOf(fn, 'opts.starts', opts.starts, ['approach3', 'varpro']);
}

/** Most resamples {@link bootstrapChinchilla} takes (each is an L-BFGS refit, ~ms). */
const MAX_RESAMPLES = 1e5;

/** The Huber objective in log space over parameters x = (log A, log B, log E, a, b), with gradient. */
// Gradient sum clip(r, ±delta) (w_N, w_D, w_E, -w_N ln N, -w_D ln D), w the LSE softmax weights: ours (standard calculus).
function makeObjective(o: ScalingObservations, idx: Int32Array, delta: number) {
  const n = idx.length;
  const lN = new Float64Array(n), lD = new Float64Array(n), lL = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    lN[k] = Math.log(o.N[i]!);
    lD[k] = Math.log(o.D[i]!);
    lL[k] = Math.log(o.L[i]!);
  }
  return (x: Float64Array, g: Float64Array): number => {
    const [la, lb, le, a, b] = [x[0]!, x[1]!, x[2]!, x[3]!, x[4]!];
    g.fill(0);
    let f = 0;
    for (let k = 0; k < n; k++) {
      const u = la - a * lN[k]!, v = lb - b * lD[k]!, w = le;
      const m = Math.max(u, v, w);
      const eu = Math.exp(u - m), ev = Math.exp(v - m), ew = Math.exp(w - m);
      const s = eu + ev + ew;
      const r = m + Math.log(s) - lL[k]!;
      const ar = Math.abs(r);
      f += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
      const psi = ar <= delta ? r : delta * Math.sign(r);
      const wu = (psi * eu) / s, wv = (psi * ev) / s, we = (psi * ew) / s;
      g[0] = g[0]! + wu;
      g[1] = g[1]! + wv;
      g[2] = g[2]! + we;
      g[3] = g[3]! - wu * lN[k]!;
      g[4] = g[4]! - wv * lD[k]!;
    }
    return f;
  };
}

/**
 * Variable projection: for fixed exponents (a, b), (E, A, B) >= 0 minimising sum ((Lhat - L)/L)^2
 * (relative error ~ log error), by trying every active set of the 3-variable NNLS.
 * Idea of VPNLS (Open-Athena, arXiv 2603.22339); this relative-error NNLS form is ours.
 */
export function projectLinear(o: ScalingObservations, a: number, b: number): { E: number; A: number; B: number; sse: number } {
  const n = o.N.length;
  // Normal equations of the weighted problem with columns [1, N^-a, D^-b] / L and target 1.
  const M = new Float64Array(9);
  const r = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    const w = 1 / o.L[i]!;
    const c = [w, Math.pow(o.N[i]!, -a) * w, Math.pow(o.D[i]!, -b) * w];
    for (let p = 0; p < 3; p++) {
      r[p] = r[p]! + c[p]!;
      for (let q = 0; q < 3; q++) M[p * 3 + q] = M[p * 3 + q]! + c[p]! * c[q]!;
    }
  }
  let best = { E: 0, A: 0, B: 0, sse: Infinity };
  for (let mask = 1; mask < 8; mask++) {
    const act = [0, 1, 2].filter((p) => mask & (1 << p));
    const sol = solveSmall(M, r, act);
    if (!sol || sol.some((s) => !(s >= 0))) continue;
    const x = [0, 0, 0];
    act.forEach((p, k) => (x[p] = sol[k]!));
    // sse = n - 2 x.r + x^T M x
    let sse = n;
    for (let p = 0; p < 3; p++) {
      sse -= 2 * x[p]! * r[p]!;
      for (let q = 0; q < 3; q++) sse += x[p]! * M[p * 3 + q]! * x[q]!;
    }
    if (sse < best.sse) best = { E: x[0]!, A: x[1]!, B: x[2]!, sse };
  }
  return best;
}

function solveSmall(M: Float64Array, r: Float64Array, act: number[]): number[] | null {
  const k = act.length;
  const a = act.map((p) => act.map((q) => M[p * 3 + q]!));
  const y = act.map((p) => r[p]!);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(a[i]![c]!) > Math.abs(a[piv]![c]!)) piv = i;
    if (Math.abs(a[piv]![c]!) < 1e-300) return null;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    [y[c], y[piv]] = [y[piv]!, y[c]!];
    for (let i = c + 1; i < k; i++) {
      const fct = a[i]![c]! / a[c]![c]!;
      for (let j = c; j < k; j++) a[i]![j] = a[i]![j]! - fct * a[c]![j]!;
      y[i] = y[i]! - fct * y[c]!;
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let j = i + 1; j < k; j++) s -= a[i]![j]! * x[j]!;
    x[i] = s / a[i]![i]!;
  }
  return x;
}

function fitOnIndex(o: ScalingObservations, idx: Int32Array, opts: ChinchillaFitOptions, extraStarts: Float64Array[] = []): ChinchillaFit {
  const delta = opts.huberDelta ?? 1e-3;
  const obj = makeObjective(o, idx, delta);
  const sub: ScalingObservations = {
    N: Array.from(idx, (i) => o.N[i]!),
    D: Array.from(idx, (i) => o.D[i]!),
    L: Array.from(idx, (i) => o.L[i]!),
  };
  const starts: Float64Array[] = [...extraStarts];
  if (opts.starts === 'approach3') {
    for (const a of [0, 0.5, 1, 1.5, 2]) for (const b of [0, 0.5, 1, 1.5, 2]) for (const e of [-1, -0.5, 0, 0.5, 1])
      for (const la of [0, 5, 10, 15, 20, 25]) for (const lb of [0, 5, 10, 15, 20, 25]) starts.push(Float64Array.from([la, lb, e, a, b]));
  } else {
    // Variable projection over a 30 x 30 exponent grid; keep the 4 best as starts.
    const cand: { sse: number; x: Float64Array }[] = [];
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) {
      const a = 0.05 + (1.45 * i) / 29, b = 0.05 + (1.45 * j) / 29;
      const p = projectLinear(sub, a, b);
      if (!(p.E > 0 && p.A > 0 && p.B > 0)) continue;
      cand.push({ sse: p.sse, x: Float64Array.from([Math.log(p.A), Math.log(p.B), Math.log(p.E), a, b]) });
    }
    cand.sort((u, v) => u.sse - v.sse);
    for (const c of cand.slice(0, 4)) starts.push(c.x);
    for (const a of [0.5, 1]) for (const b of [0.5, 1]) starts.push(Float64Array.from([10, 10, 0.5, a, b]));
  }
  let best: { x: Float64Array; f: number } | null = null;
  for (const s of starts) {
    const r = minimizeLbfgs(obj, s, { maxIterations: 1000, gradTol: 1e-13, fTol: 1e-15 });
    if (!best || r.f < best.f) best = { x: r.x, f: r.f };
  }
  const x = best!.x;
  return { A: Math.exp(x[0]!), B: Math.exp(x[1]!), E: Math.exp(x[2]!), a: x[3]!, b: x[4]!, loss: best!.f, starts: starts.length };
}

/** Fits L(N, D) = E + A/N^a + B/D^b to observations (Approach 3 with a Huber loss in log space). */
export function fitChinchilla(obs: ScalingObservations, opts: ChinchillaFitOptions = {}): ChinchillaFit {
  const n = validate('fitChinchilla', obs);
  validateFitOptions('fitChinchilla', opts);
  return fitOnIndex(obs, Int32Array.from({ length: n }, (_, i) => i), opts);
}

/** Options of {@link bootstrapChinchilla}. */
export interface BootstrapOptions extends ChinchillaFitOptions {
  /** Number of bootstrap resamples, an integer in [2, 10^5] (default 200). */
  resamples?: number;
  seed: number;
  /** Two-sided interval level in (0, 1) (default 0.95). */
  level?: number;
}

/** Percentile bootstrap intervals of the Chinchilla parameters (resampling points with replacement). */
export interface ChinchillaBootstrap {
  fit: ChinchillaFit;
  intervals: Record<keyof ChinchillaParams, [number, number]>;
  /** Each resample's fitted parameters. */
  samples: ChinchillaParams[];
}

/** Bootstrap refits (each started from the full-data optimum plus variable-projection starts). */
export function bootstrapChinchilla(obs: ScalingObservations, opts: BootstrapOptions): ChinchillaBootstrap {
  const fn = 'bootstrapChinchilla';
  const n = validate(fn, obs);
  validateFitOptions(fn, opts, ['resamples', 'seed', 'level']);
  expectSeed(fn, 'opts.seed', opts.seed);
  const R = expectInteger(fn, 'opts.resamples', opts.resamples ?? 200, { min: 2, max: MAX_RESAMPLES });
  const level = expectNumber(fn, 'opts.level', opts.level ?? 0.95, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  const { resamples: _r, seed: _s, level: _l, ...fitOpts } = opts;
  const fit = fitChinchilla(obs, fitOpts);
  const rng = createRng(opts.seed, 41);
  const x0 = Float64Array.from([Math.log(fit.A), Math.log(fit.B), Math.log(fit.E), fit.a, fit.b]);
  const samples: ChinchillaParams[] = [];
  for (let r = 0; r < R; r++) {
    const idx = Int32Array.from({ length: n }, () => rng.int(n));
    const f = fitOnIndex(obs, idx, { ...fitOpts, starts: 'varpro' }, [x0]);
    samples.push({ E: f.E, A: f.A, B: f.B, a: f.a, b: f.b });
  }
  const q = (arr: number[], p: number): number => {
    const s = [...arr].sort((u, v) => u - v);
    const pos = p * (s.length - 1);
    const lo = Math.floor(pos);
    return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
  };
  const intervals = {} as Record<keyof ChinchillaParams, [number, number]>;
  for (const k of ['E', 'A', 'B', 'a', 'b'] as const) {
    const v = samples.map((s) => s[k]);
    intervals[k] = [q(v, (1 - level) / 2), q(v, 1 - (1 - level) / 2)];
  }
  return { fit, intervals, samples };
}

/** Evaluates L(N, D) = E + A/N^a + B/D^b. */
export function chinchillaLoss(p: ChinchillaParams, N: number, D: number): number {
  return p.E + p.A * Math.pow(N, -p.a) + p.B * Math.pow(D, -p.b);
}

/**
 * Compute-optimal allocation under C = 6 N D: N_opt = G (C/6)^(b/(a+b)), D_opt = G^-1 (C/6)^(a/(a+b)),
 * G = (a A / (b B))^(1/(a+b)). Hoffmann et al.'s closed form (no equation number in the notes).
 */
export function chinchillaOptimalAllocation(p: ChinchillaParams, C: number): { N: number; D: number; tokensPerParam: number; loss: number } {
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`chinchillaOptimalAllocation: C must be a finite number > 0, got ${C}`);
  const s = p.a + p.b;
  const G = Math.pow((p.a * p.A) / (p.b * p.B), 1 / s);
  const N = G * Math.pow(C / 6, p.b / s);
  const D = Math.pow(C / 6, p.a / s) / G;
  return { N, D, tokensPerParam: D / N, loss: chinchillaLoss(p, N, D) };
}

/** Epoch AI's replication of Chinchilla Approach 3 (arXiv 2404.10102). */
export const EPOCH_CHINCHILLA: ChinchillaParams = { E: 1.8172, A: 482.01, B: 2085.43, a: 0.3478, b: 0.3658 };
