/**
 * Exact population (infinite-sample, exact-MLE) updates of curated retraining for discrete models, in float64:
 * Eq. 6 p_{t+1} = p_t H^K_{p_t} (curated only) and Eq. 8 p_{t+1} = p_data/(1+λ) + λ/(1+λ) p_t H^K_{p_t}.
 * (Eq. 6/8 are [S]; the real-data Theorems 2.2–2.4 are unreachable (notes §2), so nothing here cites them.)
 */
import { luceFactor, type LuceMethod } from './luce';
import { normalize } from './discrete';
import { checkAllFinite, checkBeta, checkDistribution, checkIntegerAtMost, checkK, checkLength, checkOptions, checkRatio } from './argument-checks';

const STEP_KEYS = ['K', 'beta', 'operator', 'method'] as const;

/** Largest iterations × atoms {@link iteratePopulation} accepts: the result keeps every p_t (5e7 float64 = 400 MB). */
export const MAX_POPULATION_CELLS = 5e7;

/** Which curator the exact update models. */
export type ExactOperator = 'luce' | 'best-of-k';

/** Options shared by the exact updates. */
export interface ExactStepOptions {
  /** Candidates per choice (K >= 1; Infinity allowed for 'luce', giving the Lemma 2.1 tilt). */
  K: number;
  /** Reward scale: choices ∝ exp(beta·r). Default 1. Ignored by 'best-of-k'. */
  beta?: number;
  /** 'luce' (default): Luce choice ∝ e^{βr}. 'best-of-k': keep the highest reward of K (β -> ∞). */
  operator?: ExactOperator;
  /** How H is computed (see {@link luceH}). */
  method?: LuceMethod;
}

/** Options of {@link mixedStep}: an exact step with real data re-injected. */
export interface MixedStepOptions extends ExactStepOptions {
  /** λ = synthetic count / real count, in [0, ∞]; 0 = real data only, Infinity = curated only. */
  syntheticToRealRatio: number;
}

/**
 * Hard best-of-K (β -> ∞) on a discrete distribution: the reward CDF maps F -> F^K, and within each reward level
 * mass is split in proportion to p. Ours (notes §1 [D]), not a paper equation.
 */
export function bestOfKStep(p: ArrayLike<number>, r: ArrayLike<number>, K: number): Float64Array {
  return bestOfKStepAs('bestOfKStep', p, r, K);
}

function bestOfKStepAs(fn: string, p: ArrayLike<number>, r: ArrayLike<number>, K: number): Float64Array {
  const pp = checkDistribution(fn, 'p', p);
  checkLength(fn, 'r', r, pp.length, 'one reward per atom of p');
  checkAllFinite(fn, 'r', r);
  checkK(fn, K);
  const order = Array.from(pp.keys()).sort((a, b) => r[a]! - r[b]!);
  const out = new Float64Array(pp.length);
  let below = 0;
  for (let s = 0; s < order.length; ) {
    let e = s;
    let mass = 0;
    while (e < order.length && r[order[e]!]! === r[order[s]!]!) mass += pp[order[e++]!]!;
    const newMass = Math.pow(below + mass, K) - Math.pow(below, K);
    for (let j = s; j < e; j++) out[order[j]!] = mass > 0 ? (newMass * pp[order[j]!]!) / mass : 0;
    below += mass;
    s = e;
  }
  return normalize(out);
}

/** One curated-only step p -> p·H^K_p (Eq. 6), renormalised. */
export function curatedStep(p: ArrayLike<number>, r: ArrayLike<number>, options: ExactStepOptions): Float64Array {
  return curatedStepAs('curatedStep', p, r, options);
}

/** {@link curatedStep} with errors naming `fn` (mixedStep and iteratePopulation run it for their callers). */
function curatedStepAs(fn: string, p: ArrayLike<number>, r: ArrayLike<number>, options: ExactStepOptions): Float64Array {
  checkOptions(fn, 'options', options, STEP_KEYS);
  const pp = checkDistribution(fn, 'p', p);
  if ((options.operator ?? 'luce') === 'best-of-k') return bestOfKStepAs(fn, pp, r, options.K);
  if (options.operator !== undefined && options.operator !== 'luce') {
    throw new Error(`${fn}: operator must be 'luce' or 'best-of-k', got ${String(options.operator)}`);
  }
  const H = luceFactor(fn, pp, r, { K: options.K, beta: options.beta ?? 1, method: options.method ?? 'auto' });
  const out = new Float64Array(pp.length);
  for (let i = 0; i < pp.length; i++) out[i] = pp[i]! * H[i]!;
  return normalize(out);
}

/** One step with real data (Eq. 8 [S]): p_data/(1+λ) + λ/(1+λ)·p H^K_p, renormalised; λ = syntheticToRealRatio (Algorithm 1's λ). */
export function mixedStep(p: ArrayLike<number>, pData: ArrayLike<number>, r: ArrayLike<number>, options: MixedStepOptions): Float64Array {
  return mixedStepAs('mixedStep', p, pData, r, options);
}

function mixedStepAs(fn: string, p: ArrayLike<number>, pData: ArrayLike<number>, r: ArrayLike<number>, options: MixedStepOptions): Float64Array {
  checkOptions(fn, 'options', options, [...STEP_KEYS, 'syntheticToRealRatio']);
  const lambda = checkRatio(fn, options.syntheticToRealRatio);
  const pd = checkDistribution(fn, 'pData', pData);
  checkLength(fn, 'p', p, pd.length, 'same support as pData');
  const { syntheticToRealRatio: _ratio, ...stepOptions } = options;
  const curated = curatedStepAs(fn, p, r, stepOptions);
  if (lambda === Infinity) return curated;
  const out = new Float64Array(pd.length);
  for (let i = 0; i < pd.length; i++) out[i] = pd[i]! / (1 + lambda) + (lambda / (1 + lambda)) * curated[i]!;
  return normalize(out);
}

/** Options of {@link iteratePopulation}. */
export interface IteratePopulationOptions extends ExactStepOptions {
  /** Number of retraining steps T (the result has T + 1 distributions). */
  iterations: number;
  /** Real-data distribution; required when syntheticToRealRatio is finite. */
  pData?: ArrayLike<number>;
  /** λ = synthetic / real count; default Infinity (curated only). */
  syntheticToRealRatio?: number;
}

/**
 * Runs T exact steps from `p0` and returns [p_0, p_1, ..., p_T]. `iterations × atoms` is capped at
 * {@link MAX_POPULATION_CELLS} (a clear error instead of an hour-long loop or an out-of-memory crash).
 */
export function iteratePopulation(p0: ArrayLike<number>, r: ArrayLike<number>, options: IteratePopulationOptions): Float64Array[] {
  const fn = 'iteratePopulation';
  checkOptions(fn, 'options', options, [...STEP_KEYS, 'iterations', 'pData', 'syntheticToRealRatio']);
  const atoms = checkDistribution(fn, 'p0', p0).length;
  const T = checkIntegerAtMost(fn, 'iterations', options.iterations, 0, Math.floor(MAX_POPULATION_CELLS / atoms), `the result keeps all T + 1 distributions: iterations × ${atoms} atoms must stay <= ${MAX_POPULATION_CELLS}`);
  const lambda = checkRatio(fn, options.syntheticToRealRatio ?? Infinity);
  if (lambda !== Infinity && options.pData === undefined) {
    throw new Error(`${fn}: pData is required when syntheticToRealRatio is finite (got ${lambda})`);
  }
  const step = { K: options.K, ...(options.beta !== undefined ? { beta: options.beta } : {}), ...(options.operator !== undefined ? { operator: options.operator } : {}), ...(options.method !== undefined ? { method: options.method } : {}) };
  const out: Float64Array[] = [checkDistribution(fn, 'p0', p0)];
  // Validate the step options and r once, before any long loop.
  checkK(fn, options.K, (options.operator ?? 'luce') === 'luce');
  if (options.beta !== undefined) checkBeta(fn, options.beta);
  checkLength(fn, 'r', r, atoms, 'one reward per atom of p0');
  checkAllFinite(fn, 'r', r);
  if (lambda !== Infinity) checkLength(fn, 'pData', checkDistribution(fn, 'pData', options.pData!), atoms, 'same support as p0');
  for (let t = 0; t < T; t++) {
    const p = out[t]!;
    out.push(lambda === Infinity ? curatedStepAs(fn, p, r, step) : mixedStepAs(fn, p, options.pData!, r, { ...step, syntheticToRealRatio: lambda }));
  }
  return out;
}

/**
 * Theorem 2.1's limit of curated-only retraining: p_0 restricted to its highest reward level (among atoms with
 * p_0 > 0) and renormalised.
 */
export function topLevelLimit(p0: ArrayLike<number>, r: ArrayLike<number>): Float64Array {
  const fn = 'topLevelLimit';
  const pp = checkDistribution(fn, 'p0', p0);
  checkLength(fn, 'r', r, pp.length, 'one reward per atom of p0');
  checkAllFinite(fn, 'r', r);
  let top = -Infinity;
  for (let i = 0; i < pp.length; i++) if (pp[i]! > 0) top = Math.max(top, r[i]!);
  const out = new Float64Array(pp.length);
  for (let i = 0; i < pp.length; i++) out[i] = pp[i]! > 0 && r[i] === top ? pp[i]! : 0;
  return normalize(out);
}

/**
 * Fixed point of the K -> ∞ update with real data: p*(x) = p_data(x) / (1 + λ - λ e^{βr(x)}/Z) where
 * Z = E_{p*}[e^{βr}] is the unique root above λ max e^{βr} / (1+λ) (requires p_data > 0 at the best reward).
 * Derived in the package notes §2(d) [D] (not a statement of the paper; Thms 2.2–2.4 unreachable); iterating {@link mixedStep} with K = Infinity converges to it.
 */
export function infiniteKFixedPoint(pData: ArrayLike<number>, r: ArrayLike<number>, options: { syntheticToRealRatio: number; beta?: number }): Float64Array {
  const fn = 'infiniteKFixedPoint';
  checkOptions(fn, 'options', options, ['syntheticToRealRatio', 'beta']);
  const pd = checkDistribution(fn, 'pData', pData);
  checkLength(fn, 'r', r, pd.length, 'one reward per atom of pData');
  checkAllFinite(fn, 'r', r);
  const lambda = checkRatio(fn, options.syntheticToRealRatio);
  if (!Number.isFinite(lambda)) throw new Error(`${fn}: syntheticToRealRatio must be finite, got ${lambda}`);
  const beta = checkBeta(fn, options.beta ?? 1);
  let rmax = -Infinity;
  for (let i = 0; i < pd.length; i++) if (pd[i]! > 0) rmax = Math.max(rmax, r[i]!);
  const w = Float64Array.from(pd, (_, i) => Math.exp(beta * (r[i]! - rmax)));
  if (lambda === 0) return Float64Array.from(pd);
  const total = (z: number): number => {
    let s = 0;
    for (let i = 0; i < pd.length; i++) if (pd[i]! > 0) s += pd[i]! / (1 + lambda - (lambda * w[i]!) / z);
    return s;
  };
  // Σ p*(Z) decreases from +∞ (Z at the pole λ/(1+λ), max w = 1) to 1/(1+λ): bisect for Σ = 1.
  let lo = lambda / (1 + lambda);
  let hi = Math.max(1, lo * 2);
  while (total(hi) > 1) hi *= 2;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (total(mid) > 1) lo = mid;
    else hi = mid;
  }
  const z = hi;
  const out = Float64Array.from(pd, (v, i) => (v > 0 ? v / (1 + lambda - (lambda * w[i]!) / z) : 0));
  return normalize(out);
}
