/**
 * The Luce (multinomial-logit) curation factor H^K_p of Ferbach et al. (2024), Eq. 6:
 *   H^K_p(x) = E_{x_1..x_{K-1} ~ p}[ K e^{βr(x)} / (e^{βr(x)} + Σ_i e^{βr(x_i)}) ],
 * so one curation step maps p to p·H (Σ_x p(x) H(x) = 1). Everything here is float64 on typed arrays.
 * Eq. 6 is [S] (third-party copy); β inside the exponent is [U] (Algorithm 1 only calls β a 'reward multiplicative factor').
 */
import { describeType, expectInteger, expectOptions } from '@lemma/gpu-kernels/validate';
import { checkBeta, checkK } from './curation-parameter-checks';
import { checkAtomValues, checkDistribution } from './distribution-checks';

/** Most count vectors the multinomial sum enumerates (each is stored: 5e6 terms = 80 MB). */
const MAX_MULTINOMIAL_TERMS = 5e6;
/** Default `maxMultinomialTerms`: the most count vectors `auto` enumerates before it takes the quadrature. */
export const DEFAULT_MAX_MULTINOMIAL_TERMS = 20000;
/** Most (grid point × reward level) evaluations of the quadrature: past it one call runs for minutes. */
const MAX_QUADRATURE_WORK = 2e8;
/**
 * Most (count vector × (reward level + 1)) terms of the multinomial sum in one call: ~10 ns each, so ~10 s (2e6 count
 * vectors over 2000 levels took 33–46 s).
 */
const MAX_MULTINOMIAL_WORK = 1e9;

/** How {@link luceH} evaluates the expectation. */
export type LuceMethod = 'auto' | 'multinomial' | 'quadrature';

/** Options of {@link luceH}. */
export interface LuceOptions {
  /** Number of candidates per choice (K >= 1), or Infinity for the Lemma 2.1 limit e^{βr}/E_p[e^{βr}]. */
  K: number;
  /** Reward scale: choices are ∝ exp(beta·r). Default 1. */
  beta?: number;
  /**
   * `multinomial`: exact sum over count vectors of the K-1 rivals (over distinct reward levels; notes §1 [D], ours);
   * `quadrature`: the integral form (notes §1 [D], not a paper equation) H_i = K w_i ∫_0^∞ e^{-w_i s} (Σ_j p_j e^{-w_j s})^{K-1} ds on a log-spaced
   * trapezoid grid with log-sum-exp (accurate to ~1e-12 relative); `auto` (default) picks multinomial when it has
   * at most `maxMultinomialTerms` terms.
   */
  method?: LuceMethod;
  /** Largest number of count vectors `auto` will enumerate. Default 20000. */
  maxMultinomialTerms?: number;
  /** Trapezoid step in u = log s for `quadrature`. Default 0.1 (the integrand is analytic in a strip, so the error decays like exp(-π²/h)). */
  quadratureStep?: number;
}

/** Distinct reward levels of the atoms with positive mass: log-weights (shifted so max over all atoms is 0) and masses. */
interface Levels {
  logW: Float64Array;
  mass: Float64Array;
}

function levelsOf(p: Float64Array, logw: Float64Array): Levels {
  const map = new Map<number, number>();
  for (let i = 0; i < p.length; i++) {
    if (p[i]! > 0) map.set(logw[i]!, (map.get(logw[i]!) ?? 0) + p[i]!);
  }
  const keys = [...map.keys()].sort((a, b) => a - b);
  return { logW: Float64Array.from(keys), mass: Float64Array.from(keys.map((k) => map.get(k)!)) };
}

/** Number of count vectors of K-1 draws over L levels: C(K+L-2, L-1) (as a float, may be huge). */
export function multinomialTermCount(levels: number, K: number): number {
  expectInteger('multinomialTermCount', 'levels', levels, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
  checkK('multinomialTermCount', K);
  const n = K - 1;
  const k = Math.min(levels - 1, n);
  let c = 1;
  // C(n + L - 1, k) with k <= half the top grows at least like 2^k, so it overflows within ~1100 steps: stop there
  // instead of looping up to 2^53 times.
  for (let i = 1; i <= k && c !== Infinity; i++) c = (c * (n + (levels - 1) - k + i)) / i;
  return Math.round(c);
}

/** Shifted log-weights β(r - max r) and validated inputs. */
function prepare(fn: string, p: ArrayLike<number>, r: ArrayLike<number>, beta: number): { p: Float64Array; logw: Float64Array } {
  const pp = checkDistribution(fn, 'p', p);
  checkAtomValues(fn, 'r', r, pp.length, 'one reward per atom of p');
  checkBeta(fn, beta);
  let rmax = -Infinity;
  for (let i = 0; i < r.length; i++) rmax = Math.max(rmax, r[i]!);
  // H is invariant to r -> r + c, so shifting by max r keeps every weight <= 1 and exp() from overflowing.
  const logw = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) logw[i] = beta * (r[i]! - rmax);
  return { p: pp, logw };
}

/**
 * Evaluates H at every distinct log-weight in `logw` through `perLevel`, then scatters back to atoms; with `massOf`,
 * only at the atoms where it is > 0 (the others get 0).
 */
function scatter(logw: Float64Array, perLevel: (lw: number) => number, massOf: Float64Array | null): Float64Array {
  const cache = new Map<number, number>();
  const out = new Float64Array(logw.length);
  for (let i = 0; i < logw.length; i++) {
    if (massOf !== null && !(massOf[i]! > 0)) continue;
    let h = cache.get(logw[i]!);
    if (h === undefined) {
      h = perLevel(logw[i]!);
      cache.set(logw[i]!, h);
    }
    out[i] = h;
  }
  return out;
}

/** Exact H by enumerating the multinomial counts of the K-1 rivals over the distinct reward levels. */
function hMultinomial(p: Float64Array, logw: Float64Array, K: number, massOnly: boolean): Float64Array {
  const { logW, mass } = levelsOf(p, logw);
  const L = logW.length;
  const n = K - 1;
  const logFact = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) logFact[i] = logFact[i - 1]! + Math.log(i);
  const logMass = mass.map(Math.log);
  const w = logW.map(Math.exp);
  const probs: number[] = [];
  const sums: number[] = [];
  // Depth-first over count vectors m (|m| = K-1): log Mult(m) = log (K-1)! + Σ (m_l log q_l - log m_l!).
  const rec = (l: number, remaining: number, logP: number, s: number): void => {
    if (l === L - 1) {
      probs.push(Math.exp(logP + remaining * logMass[l]! - logFact[remaining]! + logFact[n]!));
      sums.push(s + remaining * w[l]!);
      return;
    }
    for (let m = 0; m <= remaining; m++) rec(l + 1, remaining - m, logP + m * logMass[l]! - logFact[m]!, s + m * w[l]!);
  };
  rec(0, n, 0, 0);
  return scatter(logw, (lw) => {
    const wi = Math.exp(lw);
    let acc = 0;
    // Divide in the form 1/(1 + S/w) so tiny w_i (rewards far below the max) keep full relative precision.
    for (let j = 0; j < probs.length; j++) acc += probs[j]! / (1 + sums[j]! / wi);
    return K * acc;
  }, massOnly ? p : null);
}

/** The quadrature's integration range in u = log s for these log-weights and K. */
function quadratureRange(logw: Float64Array, K: number): { uLo: number; uHi: number; lwMin: number } {
  let lwMin = 0;
  for (let i = 0; i < logw.length; i++) lwMin = Math.min(lwMin, logw[i]!);
  // Left tail of the integrand is K w_i e^u, relative to H_i >= w_i: cut where K e^u < 1e-18.
  const uLo = Math.log(1e-18 / K);
  // Right tail is <= K exp(-w_i e^u): relative error < 1e-16 once w_min e^u >= log(K/w_min) + 37.
  const uHi = Math.log(Math.log(K) - lwMin + 37) - lwMin;
  return { uLo, uHi, lwMin };
}

/** Grid points of the quadrature (its memory and time are linear in this). */
function quadraturePoints(logw: Float64Array, K: number, h: number): number {
  const { uLo, uHi } = quadratureRange(logw, K);
  return Math.ceil((uHi - uLo) / h) + 1;
}

/** Deepest reward-level recursion the multinomial enumeration takes (one stack frame per level). */
export const MAX_RECURSION_LEVELS = 2000;

/** H by the integral form on a uniform grid in u = log s, with the (K-1)-th power taken in log space. */
function hQuadrature(p: Float64Array, logw: Float64Array, K: number, h: number, massOnly: boolean): Float64Array {
  const { logW, mass } = levelsOf(p, logw);
  const logMass = mass.map(Math.log);
  const { uLo, lwMin } = quadratureRange(logw, K);
  const Q = quadraturePoints(logw, K, h);
  const logPow = new Float64Array(Q);
  const us = new Float64Array(Q);
  // w·e^u as a product of precomputed exponentials halves the exp() calls; fall back to exp(lw + u) when
  // the weights would underflow (β·Δr > ~700) and the product would be 0·∞.
  const safeProduct = lwMin > -600;
  const eu = new Float64Array(Q);
  const wl = logW.map(Math.exp);
  for (let q = 0; q < Q; q++) {
    const u = uLo + q * h;
    us[q] = u;
    eu[q] = Math.exp(u);
    // L(u) = log Σ_l q_l exp(-w_l e^u) = log(1 - S), S = Σ_l q_l (1 - exp(-w_l e^u)). (K-1)·L needs L to a
    // relative, not absolute, precision (K up to 1e300): log1p(-S) with S from expm1 while S is small; the
    // log-sum-exp form where S is near 1 (L far below 0, where exp(-w e^u) would underflow).
    let S = 0;
    for (let l = 0; l < logW.length; l++) S -= mass[l]! * Math.expm1(-(safeProduct ? wl[l]! * eu[q]! : Math.exp(logW[l]! + u)));
    if (S < 0.5) {
      logPow[q] = (K - 1) * Math.log1p(-S);
      continue;
    }
    let m = -Infinity;
    for (let l = 0; l < logW.length; l++) m = Math.max(m, logMass[l]! - (safeProduct ? wl[l]! * eu[q]! : Math.exp(logW[l]! + u)));
    let s = 0;
    for (let l = 0; l < logW.length; l++) s += Math.exp(logMass[l]! - (safeProduct ? wl[l]! * eu[q]! : Math.exp(logW[l]! + u)) - m);
    logPow[q] = (K - 1) * (m + Math.log(s));
  }
  return scatter(logw, (lw) => {
    let acc = 0;
    const w = Math.exp(lw);
    for (let q = 0; q < Q; q++) {
      // Integrand in u: K w_i e^u exp(-w_i e^u) exp((K-1) L(u)).
      const we = safeProduct ? w * eu[q]! : Math.exp(lw + us[q]!);
      acc += Math.exp(lw + us[q]! - we + logPow[q]!);
    }
    return K * acc * h;
  }, massOnly ? p : null);
}

/**
 * The curation factor H^K_p(x) for a discrete distribution `p` with rewards `r` (Eq. 6).
 * Properties: H ≡ 1 for K = 1 or constant r, invariant to r + c, 0 < H < K, nondecreasing in r, Σ p H = 1.
 *
 * @example
 * const H = luceH([0.5, 0.5], [0, 1], { K: 4 });
 * const next = [0.5 * H[0], 0.5 * H[1]]; // one curation step
 */
export function luceH(p: ArrayLike<number>, r: ArrayLike<number>, options: LuceOptions): Float64Array {
  return luceFactor('luceH', p, r, options);
}

/**
 * {@link luceH} with errors naming `fn` (the exact updates call it on their callers' behalf). With `massOnly`, H is
 * evaluated only where p > 0 and left 0 elsewhere (the exact updates use p·H, which is 0 there either way).
 */
export function luceFactor(fn: string, p: ArrayLike<number>, r: ArrayLike<number>, options: LuceOptions, massOnly = false): Float64Array {
  const plan = planLuceFactor(fn, p, r, options);
  switch (plan.kind) {
    case 'limit':
      return hLimitFromLogw(plan.p, plan.logw);
    case 'ones':
      return new Float64Array(plan.p.length).fill(1);
    case 'multinomial':
      return hMultinomial(plan.p, plan.logw, plan.K, massOnly);
    case 'quadrature':
      return hQuadrature(plan.p, plan.logw, plan.K, plan.step, massOnly);
  }
}

/** How one {@link luceFactor} call evaluates H, decided (and its arguments validated) before any of the work. */
export interface LucePlan {
  /** The validated distribution (renormalised float64 copy) and the shifted log-weights β(r - max r). */
  readonly p: Float64Array;
  readonly logw: Float64Array;
  readonly K: number;
  /** 'limit': K = Infinity (Lemma 2.1); 'ones': H ≡ 1 (K = 1 or one reward level with mass); else the sum or the integral. */
  readonly kind: 'limit' | 'ones' | 'multinomial' | 'quadrature';
  /** Distinct reward levels among the atoms with mass (0 where not needed: 'limit', K = 1). */
  readonly levels: number;
  /** Count vectors the multinomial sum enumerates (multinomialTermCount(levels, K); 0 where not needed). */
  readonly terms: number;
  /** Quadrature grid points (0 unless 'quadrature') and its step. */
  readonly points: number;
  readonly step: number;
}

/** Validates {@link luceFactor}'s arguments (same checks, same order, same messages) and picks its method. */
export function planLuceFactor(fn: string, p: ArrayLike<number>, r: ArrayLike<number>, options: LuceOptions): LucePlan {
  expectOptions(fn, 'options', options, ['K', 'beta', 'method', 'maxMultinomialTerms', 'quadratureStep'], { required: true, describe: describeType });
  const K = checkK(fn, options.K, true);
  const beta = options.beta ?? 1;
  const { p: pp, logw } = prepare(fn, p, r, beta);
  const plan = { p: pp, logw, K, levels: 0, terms: 0, points: 0, step: 0 };
  if (K === Infinity) return { ...plan, kind: 'limit' };
  if (K === 1) return { ...plan, kind: 'ones' };
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'multinomial' && method !== 'quadrature') {
    throw new Error(`${fn}: method must be 'auto', 'multinomial' or 'quadrature', got ${String(method)}`);
  }
  const maxTerms = expectInteger(fn, 'maxMultinomialTerms', options.maxMultinomialTerms ?? DEFAULT_MAX_MULTINOMIAL_TERMS, { min: 1, max: MAX_MULTINOMIAL_TERMS, expected: `an integer in [1, ${MAX_MULTINOMIAL_TERMS}] (each count vector is stored)`, describe: describeType });
  const step = options.quadratureStep ?? 0.1;
  if (!(typeof step === 'number' && step > 0 && step <= 1)) throw new Error(`${fn}: quadratureStep must be in (0, 1], got ${String(step)}`);
  const L = levelsOf(pp, logw).logW.length;
  // One reward level among the atoms with mass: H ≡ 1 (every rival ties), whatever K (no K-sized tables).
  if (L === 1) return { ...plan, kind: 'ones', levels: 1 };
  const terms = multinomialTermCount(L, K);
  const exactWork = terms * (L + 1);
  const useExact = method === 'multinomial' || (method === 'auto' && terms <= maxTerms && L <= MAX_RECURSION_LEVELS && exactWork <= MAX_MULTINOMIAL_WORK);
  if (useExact && (terms > MAX_MULTINOMIAL_TERMS || L > MAX_RECURSION_LEVELS)) {
    throw new Error(`${fn}: method 'multinomial' would enumerate ${terms} count vectors (K=${K}, ${L} reward levels; at most ${MAX_MULTINOMIAL_TERMS} terms over ${MAX_RECURSION_LEVELS} levels); use 'quadrature'`);
  }
  if (useExact && exactWork > MAX_MULTINOMIAL_WORK) {
    throw new Error(`${fn}: method 'multinomial' would sum ${terms} count vectors over ${L} reward levels (${exactWork.toPrecision(3)} terms, more than ${MAX_MULTINOMIAL_WORK}: tens of seconds); use 'quadrature'`);
  }
  if (useExact) return { ...plan, kind: 'multinomial', levels: L, terms };
  const Q = quadraturePoints(logw, K, step);
  if (Q * (L + 1) > MAX_QUADRATURE_WORK) {
    throw new Error(`${fn}: quadratureStep ${step} with beta·(reward range) = ${(-quadratureRange(logw, K).lwMin).toPrecision(3)} needs a grid of ${Q.toPrecision(3)} points over ${L} reward levels (more than ${MAX_QUADRATURE_WORK} evaluations); use a larger quadratureStep or a smaller beta`);
  }
  return { ...plan, kind: 'quadrature', levels: L, terms, points: Q, step };
}

function hLimitFromLogw(p: Float64Array, logw: Float64Array): Float64Array {
  let z = 0;
  for (let i = 0; i < p.length; i++) z += p[i]! * Math.exp(logw[i]!);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.exp(logw[i]!) / z;
  return out;
}

/** Lemma 2.1: the K -> ∞ limit e^{βr(x)} / E_p[e^{βr}] of H^K_p (the replicator / exponential-tilt factor). */
export function luceHLimit(p: ArrayLike<number>, r: ArrayLike<number>, beta = 1): Float64Array {
  const { p: pp, logw } = prepare('luceHLimit', p, r, beta);
  return hLimitFromLogw(pp, logw);
}

/** K = 2 (Bradley–Terry): H_2(x) = 2 E_{Y~p}[σ(β(r(x) - r(Y)))], σ the logistic function (Eq. 6 at K = 2; notes §1 [D]). */
export function luceHBradleyTerry(p: ArrayLike<number>, r: ArrayLike<number>, beta = 1): Float64Array {
  const { p: pp } = prepare('luceHBradleyTerry', p, r, beta);
  const out = new Float64Array(pp.length);
  for (let i = 0; i < pp.length; i++) {
    let acc = 0;
    for (let j = 0; j < pp.length; j++) acc += pp[j]! / (1 + Math.exp(-beta * (r[i]! - r[j]!)));
    out[i] = 2 * acc;
  }
  return out;
}
