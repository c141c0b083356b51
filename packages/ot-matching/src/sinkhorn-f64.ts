import { expectFiniteValues, expectNumberArray, expectOptions } from '@lemma/gpu-kernels/validate';
import { dualObjectiveF64, stepMarginalErrorF64 } from './marginal-error';
import { DEFAULT_SINKHORN_THRESHOLD, epsilonSchedule, validateSinkhornOptions, warnUnconverged, type SinkhornOptions, type SinkhornStats } from './sinkhorn-schedule';

/** Result of {@link sinkhornF64}. Potentials follow the KL convention: P_ij = a_i b_j exp((f_i + g_j - C_ij)/ε). */
export interface SinkhornF64Result extends SinkhornStats {
  f: Float64Array;
  g: Float64Array;
  /** Row-major plan (n x m), or null when `returnPlan` is false. */
  plan: Float64Array | null;
}

/** Warm start for {@link sinkhornF64}: KL-convention potentials at the target ε. */
export interface SinkhornF64Init {
  f?: Float64Array;
  g?: Float64Array;
}

/**
 * Float64 log-domain Sinkhorn on typed arrays: the one float64 reference of the package's solvers (`sinkhorn`,
 * `sinkhornPointClouds`, their divergences) and of the reproductions, and a CPU fallback. Same algorithm, potential
 * convention (KL(P | a⊗b)) and options as `sinkhorn` (ε-scaling, relative ε, marginal-error stopping
 * with the same `stepMarginalErrorF64`, warm starts, `onCheck`); like it, warns once when it stops unconverged
 * (`warn: false` silences it).
 *
 * @example
 * const r = sinkhornF64([0.5, 0.5], [0.5, 0.5], Float64Array.from([0, 1, 1, 0]), 0.01);
 */
export function sinkhornF64(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: ArrayLike<number>,
  reg: number,
  options: SinkhornOptions & { init?: SinkhornF64Init } = {},
): SinkhornF64Result {
  validateSinkhornOptions('sinkhornF64', options, ['init']);
  expectOptions('sinkhornF64', 'options.init', options.init, ['f', 'g']);
  expectNumberArray('sinkhornF64', 'a', a);
  expectNumberArray('sinkhornF64', 'b', b);
  expectNumberArray('sinkhornF64', 'M', M);
  if (options.init?.f !== undefined) expectNumberArray('sinkhornF64', 'init.f', options.init.f);
  if (options.init?.g !== undefined) expectNumberArray('sinkhornF64', 'init.g', options.init.g);
  const n = a.length;
  const m = b.length;
  checkWeights('sinkhornF64', 'a', a, 'rows of M');
  checkWeights('sinkhornF64', 'b', b, 'columns of M');
  checkMass('sinkhornF64', a, b);
  if (M.length !== n * m) throw new Error(`sinkhornF64: M must have a.length*b.length = ${n * m} entries, got ${M.length}`);
  let sum = 0;
  let sq = 0;
  let mx = -Infinity;
  let mn = Infinity;
  for (let k = 0; k < M.length; k++) {
    const c = M[k]!;
    if (!Number.isFinite(c)) throw new Error(`sinkhornF64: M must be finite, got ${c} at (${Math.floor(k / m)}, ${k % m})`);
    sum += c;
    sq += c * c;
    if (c > mx) mx = c;
    if (c < mn) mn = c;
  }
  const mean = sum / M.length;
  const stats = { mean, std: Math.sqrt(Math.max(sq / M.length - mean * mean, 0)), max: mx, min: mn };
  const warm = options.init?.f !== undefined || options.init?.g !== undefined;
  const sched = epsilonSchedule('sinkhornF64', reg, stats, options, warm);
  const threshold = options.threshold ?? DEFAULT_SINKHORN_THRESHOLD;
  const maxIter = options.maxIterations ?? 1000;
  const every = Math.max(1, options.checkEvery ?? 10);
  const loga = Float64Array.from(a, Math.log);
  const logb = Float64Array.from(b, Math.log);
  let f = options.init?.f ? Float64Array.from(options.init.f) : new Float64Array(n);
  let g = options.init?.g ? Float64Array.from(options.init.g) : new Float64Array(m);
  if (f.length !== n) throw new Error(`sinkhornF64: init.f must have length ${n}, got ${f.length}`);
  if (g.length !== m) throw new Error(`sinkhornF64: init.g must have length ${m}, got ${g.length}`);
  if (options.init?.f) expectFiniteValues('sinkhornF64', 'init.f', f);
  if (options.init?.g) expectFiniteValues('sinkhornF64', 'init.g', g);
  const rowTmp = new Float64Array(m);
  const colTmp = new Float64Array(n);
  let gNext = new Float64Array(m);

  // f_i = -ε LSE_j(log b_j + (g_j - C_ij)/ε)   (standard log-domain Sinkhorn, Cuturi 2013 / POT `sinkhorn_log`; KL(P | a⊗b) form)
  const rows = (eps: number): void => {
    for (let i = 0; i < n; i++) {
      let best = -Infinity;
      for (let j = 0; j < m; j++) {
        const z = logb[j]! + (g[j]! - M[i * m + j]!) / eps;
        rowTmp[j] = z;
        if (z > best) best = z;
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(rowTmp[j]! - best);
      f[i] = -eps * (best + Math.log(s));
    }
  };
  // g_j = -ε LSE_i(log a_i + (f_i - C_ij)/ε) into gNext; returns the column-marginal error of P(f, g_old)
  // (stepMarginalErrorF64 of g_old and g_new), then makes g_new current.
  const cols = (eps: number): number => {
    for (let j = 0; j < m; j++) {
      let best = -Infinity;
      for (let i = 0; i < n; i++) {
        const z = loga[i]! + (f[i]! - M[i * m + j]!) / eps;
        colTmp[i] = z;
        if (z > best) best = z;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(colTmp[i]! - best);
      gNext[j] = -eps * (best + Math.log(s));
    }
    const err = stepMarginalErrorF64(b, g, gNext, eps);
    [g, gNext] = [gNext, g];
    return err;
  };

  let iterations = 0;
  let err = Infinity;
  for (let s = 0; s < sched.stages.length; s++) {
    const eps = sched.stages[s]!;
    const last = s === sched.stages.length - 1;
    const cap = last ? maxIter : sched.stageIterations;
    for (let it = 0; it < cap; it++) {
      rows(eps);
      err = cols(eps);
      iterations++;
      // The tensor solver's checks: every `every` iterations and at the end of the stage.
      if ((it + 1) % every === 0 || it === cap - 1) options.onCheck?.({ stage: s, epsilon: eps, iteration: iterations, marginalError: err });
      if ((it + 1) % every === 0 && err < threshold) break;
    }
  }
  const eps = sched.target;
  const reg2 = dualObjectiveF64(f, a, g, b);
  let plan: Float64Array | null = null;
  let transportCost = Number.NaN;
  if (options.returnPlan ?? true) {
    plan = new Float64Array(n * m);
    transportCost = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        const p = Math.exp(loga[i]! + logb[j]! + (f[i]! + g[j]! - M[i * m + j]!) / eps);
        plan[i * m + j] = p;
        transportCost += p * M[i * m + j]!;
      }
  }
  f = Float64Array.from(f);
  g = Float64Array.from(g);
  const converged = err < threshold;
  if (options.warn ?? true) warnUnconverged('sinkhornF64', [{ converged, marginalError: err, iterations }], threshold, eps, 'reg');
  return { f, g, plan, regularizedCost: reg2, transportCost, epsilon: eps, iterations, marginalError: err, converged };
}

/** Checks a weight vector: positive, finite. Sums are compared by the caller. */
export function checkWeights(fn: string, name: string, w: ArrayLike<number>, what: string): void {
  if (w.length === 0) throw new Error(`${fn}: ${name} must be non-empty (${what})`);
  for (let k = 0; k < w.length; k++) {
    const x = w[k]!;
    if (!(x > 0) || !Number.isFinite(x)) throw new Error(`${fn}: ${name} must hold finite weights > 0, got ${x} at index ${k}`);
  }
}

/** Balanced OT: a and b must carry the same mass (relative 1e-6, float32 sums of up to ~1e4 terms pass). */
export function checkMass(fn: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  let sa = 0;
  let sb = 0;
  for (let k = 0; k < a.length; k++) sa += a[k]!;
  for (let k = 0; k < b.length; k++) sb += b[k]!;
  if (Math.abs(sa - sb) > 1e-6 * Math.max(sa, sb)) throw new Error(`${fn}: a and b must have the same total mass, got ${sa} and ${sb}`);
}
