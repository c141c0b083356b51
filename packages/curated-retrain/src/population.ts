/**
 * Exact population (infinite-sample, exact-MLE) updates of curated retraining for discrete models, in float64:
 * Eq. 6 p_{t+1} = p_t H^K_{p_t} (curated only) and Eq. 8 p_{t+1} = p_data/(1+λ) + λ/(1+λ) p_t H^K_{p_t}.
 * (Eq. 6/8 are [S]; the real-data Theorems 2.2–2.4 are unreachable (notes §2), so nothing here cites them.)
 */
import { DEFAULT_MAX_MULTINOMIAL_TERMS, luceFactor, MAX_RECURSION_LEVELS, multinomialTermCount, planLuceFactor, type LuceMethod } from './luce';
import { normalize } from './discrete';
import { describeType, expectArrayLike, expectInteger, expectLength, expectOptions } from '@lemma/gpu-kernels/validate';
import { checkBeta, checkK, checkRatio } from './curation-parameter-checks';
import { checkAtomValues, checkDistribution } from './distribution-checks';

const STEP_KEYS = ['K', 'beta', 'operator', 'method'] as const;

/** Largest iterations × atoms {@link iteratePopulation} accepts: the result keeps every p_t (5e7 float64 = 400 MB). */
export const MAX_POPULATION_CELLS = 5e7;

/**
 * Most work one {@link iteratePopulation} call may do, in the units of {@link populationStepWork} (about one exp or
 * division-add of the Luce sum or integral each), so that no call runs much past 10 s. Measured (Node 20, 2-core x86
 * VM, bench script outside the repo): 0.2–7 ns per unit over best-of-K, Luce K = 1 and K = Infinity, the multinomial
 * sum (up to 20000 terms, or 2000 levels, or 4.5e6 terms by `method`) and the quadrature (K up to 1e12, β up to 1e5),
 * curated-only and mixed; a call at this cap took 0.7–7.2 s. Per cell (step × atom) the time ranges from 30 ns (K = 1
 * over 1e6 atoms) to 0.2 s (a 4.5e6-term sum over 3 atoms), which is why the cap counts work, not cells:
 * {@link MAX_POPULATION_CELLS} alone let a call run for 30 s (Luce, K = Infinity, 2 atoms) to months.
 */
export const MAX_POPULATION_WORK = 1e9;

/** Work of one exact step beside H itself: per step (option checks, allocations) and per atom (checks, p·H, renormalising). */
const STEP_WORK = 2000;
const ATOM_WORK = 8;
/** Work of best-of-K's sort, per atom and per log2(atoms). */
const SORT_WORK = 2;
/** Work of the Luce factor: per call (levels, tables), per count vector of the sum beside its evaluation at each level, per grid point of the integral. */
const LUCE_CALL_WORK = 1000;
const TERM_WORK = 12;
const TERM_LEVEL_WORK = 2;
const POINT_WORK = 8;
const POINT_LEVEL_WORK = 5;

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
  checkAtomValues(fn, 'r', r, pp.length, 'one reward per atom of p');
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
  expectOptions(fn, 'options', options, STEP_KEYS, { required: true, describe: describeType });
  const pp = checkDistribution(fn, 'p', p);
  if ((options.operator ?? 'luce') === 'best-of-k') return bestOfKStepAs(fn, pp, r, options.K);
  if (options.operator !== undefined && options.operator !== 'luce') {
    throw new Error(`${fn}: operator must be 'luce' or 'best-of-k', got ${String(options.operator)}`);
  }
  // H only where p > 0: p·H is 0 elsewhere whatever H is, and a collapsed support then costs nothing.
  const H = luceFactor(fn, pp, r, { K: options.K, beta: options.beta ?? 1, method: options.method ?? 'auto' }, true);
  const out = new Float64Array(pp.length);
  for (let i = 0; i < pp.length; i++) out[i] = pp[i]! * H[i]!;
  return normalize(out);
}

/** One step with real data (Eq. 8 [S]): p_data/(1+λ) + λ/(1+λ)·p H^K_p, renormalised; λ = syntheticToRealRatio (Algorithm 1's λ). */
export function mixedStep(p: ArrayLike<number>, pData: ArrayLike<number>, r: ArrayLike<number>, options: MixedStepOptions): Float64Array {
  return mixedStepAs('mixedStep', p, pData, r, options);
}

function mixedStepAs(fn: string, p: ArrayLike<number>, pData: ArrayLike<number>, r: ArrayLike<number>, options: MixedStepOptions): Float64Array {
  expectOptions(fn, 'options', options, [...STEP_KEYS, 'syntheticToRealRatio'], { required: true, describe: describeType });
  const lambda = checkRatio(fn, options.syntheticToRealRatio);
  const pd = checkDistribution(fn, 'pData', pData);
  expectLength(fn, 'p', expectArrayLike(fn, 'p', p, { describe: describeType }), pd.length, 'same support as pData');
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
 * {@link MAX_POPULATION_CELLS} (the memory of the result) and `iterations ×` the estimated work of a step at
 * {@link MAX_POPULATION_WORK} (about 10 s): a clear error naming `iterations` instead of an hour-long loop or an
 * out-of-memory crash. A longer trajectory is a chain of calls, each from the last distribution of the one before.
 */
export function iteratePopulation(p0: ArrayLike<number>, r: ArrayLike<number>, options: IteratePopulationOptions): Float64Array[] {
  const fn = 'iteratePopulation';
  expectOptions(fn, 'options', options, [...STEP_KEYS, 'iterations', 'pData', 'syntheticToRealRatio'], { required: true, describe: describeType });
  const atoms = checkDistribution(fn, 'p0', p0).length;
  const maxT = Math.floor(MAX_POPULATION_CELLS / atoms);
  const T = expectInteger(fn, 'iterations', options.iterations, { min: 0, max: maxT, expected: `an integer in [0, ${maxT}] (the result keeps all T + 1 distributions: iterations × ${atoms} atoms must stay <= ${MAX_POPULATION_CELLS})`, describe: describeType });
  const lambda = checkRatio(fn, options.syntheticToRealRatio ?? Infinity);
  if (lambda !== Infinity && options.pData === undefined) {
    throw new Error(`${fn}: pData is required when syntheticToRealRatio is finite (got ${lambda})`);
  }
  const step = { K: options.K, ...(options.beta !== undefined ? { beta: options.beta } : {}), ...(options.operator !== undefined ? { operator: options.operator } : {}), ...(options.method !== undefined ? { method: options.method } : {}) };
  const out: Float64Array[] = [checkDistribution(fn, 'p0', p0)];
  // Validate the step options and r once, before any long loop.
  checkK(fn, options.K, (options.operator ?? 'luce') === 'luce');
  if (options.beta !== undefined) checkBeta(fn, options.beta);
  checkAtomValues(fn, 'r', r, atoms, 'one reward per atom of p0');
  if (lambda !== Infinity) expectLength(fn, 'pData', checkDistribution(fn, 'pData', options.pData!), atoms, 'same support as p0');
  if (T > 0) {
    // Mixing re-injects pData, so every later p_t has mass on the union of the two supports.
    const support = lambda === Infinity ? out[0]! : normalize(Float64Array.from(out[0]!, (v, i) => v + options.pData![i]!));
    const { work, what } = populationStepWork(fn, support, r, step);
    const maxSteps = Math.floor(MAX_POPULATION_WORK / work);
    const expected = `an integer in [0, ${maxSteps}] (a call may do ${MAX_POPULATION_WORK.toExponential()} work units, about 10 s, and one step here costs about ${work.toPrecision(2)}: ${what}; for a longer trajectory, call again from the last distribution)`;
    expectInteger(fn, 'iterations', T, { min: 0, max: maxSteps, expected, describe: describeType });
  }
  for (let t = 0; t < T; t++) {
    const p = out[t]!;
    out.push(lambda === Infinity ? curatedStepAs(fn, p, r, step) : mixedStepAs(fn, p, options.pData!, r, { ...step, syntheticToRealRatio: lambda }));
  }
  return out;
}

/**
 * Estimated work of one exact step of {@link iteratePopulation} from a distribution with the support of `support`
 * (validating the step's options as the step itself would): the step overhead, the per-atom passes, and best-of-K's
 * sort or the Luce factor's sum or integral over the reward levels with mass. As the support shrinks no method gets
 * dearer, except `auto` leaving the integral for the sum: the dearest sum it can leave for is included.
 */
export function populationStepWork(fn: string, support: Float64Array, r: ArrayLike<number>, step: ExactStepOptions): { work: number; what: string } {
  const n = support.length;
  const base = STEP_WORK + ATOM_WORK * n;
  if (step.operator === 'best-of-k') return { work: base + SORT_WORK * n * Math.log2(n + 1), what: `best-of-k over ${n} atoms` };
  const method = step.method ?? 'auto';
  const plan = planLuceFactor(fn, support, r, { K: step.K, beta: step.beta ?? 1, method });
  if (plan.kind === 'limit' || plan.kind === 'ones') return { work: base + 2 * n, what: plan.kind === 'limit' ? 'luce, K = Infinity' : 'luce, H = 1' };
  const L = plan.levels;
  const sum = (terms: number, levels: number): number => LUCE_CALL_WORK + terms * (TERM_LEVEL_WORK * levels + TERM_WORK);
  const about = `K=${plan.K}, ${L} reward levels`;
  if (plan.kind === 'multinomial') return { work: base + sum(plan.terms, L), what: `luce multinomial sum of ${plan.terms} terms, ${about}` };
  const integral = LUCE_CALL_WORK + plan.points * (POINT_LEVEL_WORK * L + POINT_WORK);
  return { work: base + Math.max(integral, method === 'auto' ? autoFallbackSum(plan.K, L, sum) : 0), what: `luce quadrature on ${plan.points} points, ${about}` };
}

/**
 * Work of the dearest multinomial sum `auto` picks once fewer than `levels` levels keep mass: the most levels L' <=
 * 2000 whose sum has at most 20000 terms (terms grow with L'), or 0 when there is none.
 */
function autoFallbackSum(K: number, levels: number, sum: (terms: number, levels: number) => number): number {
  let lo = 1;
  let hi = Math.min(levels - 1, MAX_RECURSION_LEVELS);
  if (hi < 2 || multinomialTermCount(2, K) > DEFAULT_MAX_MULTINOMIAL_TERMS) return 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (multinomialTermCount(mid, K) <= DEFAULT_MAX_MULTINOMIAL_TERMS) lo = mid;
    else hi = mid - 1;
  }
  return sum(multinomialTermCount(lo, K), lo);
}

/**
 * Theorem 2.1's limit of curated-only retraining: p_0 restricted to its highest reward level (among atoms with
 * p_0 > 0) and renormalised.
 */
export function topLevelLimit(p0: ArrayLike<number>, r: ArrayLike<number>): Float64Array {
  const fn = 'topLevelLimit';
  const pp = checkDistribution(fn, 'p0', p0);
  checkAtomValues(fn, 'r', r, pp.length, 'one reward per atom of p0');
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
  expectOptions(fn, 'options', options, ['syntheticToRealRatio', 'beta'], { required: true, describe: describeType });
  const pd = checkDistribution(fn, 'pData', pData);
  checkAtomValues(fn, 'r', r, pd.length, 'one reward per atom of pData');
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
