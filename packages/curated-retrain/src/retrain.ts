/**
 * The Monte Carlo retraining loop (Algorithm 1 of Ferbach et al. 2024): draw K fresh candidates per kept sample
 * from the current model, keep one per group by a curation operator, mix with real data, refit.
 */
import { createRng, type Rng } from '@lemma/gpu-kernels';
import { describeType, expectInteger, expectOptions, expectSeed } from '@lemma/gpu-kernels/validate';
import { bestOfKSelect, globalSoftmaxSelect, luceSelect, type LuceSampler } from './curation';
import { luceSelectTensor } from './curation-tensor';
import { sinkhornDistance } from './sinkhorn-distance';
import { checkBinning, computeIterationMetrics, gridBinningFor, histogram, type DensityBinning, type IterationMetrics } from './metrics';
import type { GenerativeModel, RewardFn } from './model';
import { checkSamples, concatSamples, headRows, MAX_SAMPLE_VALUES, selectRows, type Samples } from './samples';
import { checkBeta, checkK, checkRatio } from './curation-parameter-checks';

const RETRAIN_KEYS = ['model', 'realData', 'reward', 'K', 'beta', 'syntheticToRealRatio', 'iterations', 'samplesPerIteration', 'curation', 'selection', 'sampler', 'seed', 'fitInitial', 'classify', 'numClasses', 'binning', 'evalSamples', 'sinkhorn', 'onIteration', 'signal'] as const;

/**
 * Which curator keeps the samples:
 * - `luce` (Algorithm 1): from each group of K fresh candidates keep one with P ∝ e^{βr} (Gumbel-max per group);
 * - `best-of-k`: keep each group's highest reward (β -> ∞);
 * - `global`: score one pool of m·K candidates and draw m of them without replacement ∝ e^{βr} — a different
 *   operator (Wei-0125/Adversarial-Curation's filter, notes §5), not the paper's;
 * - `none`: no curation, refit on m plain samples (the model-collapse control: Shumailov et al., Bertrand et al.; notes §4).
 */
export type CurationMode = 'luce' | 'best-of-k' | 'global' | 'none';

/** Options of {@link retrain}. */
export interface RetrainOptions {
  /** The model; refit in place every iteration. */
  model: GenerativeModel;
  /** Real data D_real. Required unless syntheticToRealRatio is Infinity (then it is optional). */
  realData?: Samples;
  /** Reward r(x), one finite value per point. */
  reward: RewardFn;
  /** Candidates per kept sample (K >= 1). */
  K: number;
  /** Choices ∝ exp(beta·r) (default 1). */
  beta?: number;
  /**
   * λ = (synthetic count)/(real count) in each refit's training set, in [0, Infinity] (Algorithm 1: λn curated per n real):
   * 0 = real data only, Infinity = curated synthetic data only (real data dropped after the initial fit).
   */
  syntheticToRealRatio: number;
  /** Number of retraining iterations T. */
  iterations: number;
  /**
   * Curated samples kept per iteration. With a finite ratio it must be omitted or equal round(λ·|realData|);
   * with ratio Infinity it defaults to |realData|.
   */
  samplesPerIteration?: number;
  /** Curation operator (default `luce`). */
  curation?: CurationMode;
  /**
   * Where the Luce choice runs: 'typed-array' (default, float64 on the CPU) or 'tensor' (gpu-kernels'
   * gumbelMaxSelect on the active tfjs backend, Philox stream = iteration). Same operator, different noise stream.
   */
  selection?: 'typed-array' | 'tensor';
  /** Typed-array Luce sampler: 'gumbel' (default, Gumbel-max) or 'inverse-cdf' (same distribution, fewer random numbers). */
  sampler?: LuceSampler;
  /** Seed of every random choice in the loop (model sampling, Gumbel noise, metric projections). */
  seed: number;
  /** Fit the model on realData before the first iteration, p_0 = A(D_real) (Algorithm 1; default true when realData is given). */
  fitInitial?: boolean;
  /** Optional classifier for class proportions (e.g. nearest mode), with `numClasses`. */
  classify?: (x: Samples) => Int32Array | Promise<Int32Array>;
  numClasses?: number;
  /** Binning for KL/entropy; default: categorical for categorical models, a 24-per-axis grid over the real data (dim <= 2), else none. */
  binning?: DensityBinning | null;
  /** Samples used for each iteration's metrics (default 2000). */
  evalSamples?: number;
  /**
   * Also record an entropic OT distance to the real data on the tfjs backend (`sinkhornToData`), on the first
   * `points` (default 400) of each set, with ε fixed for the whole run (default 0.05 × the mean squared distance
   * between real points) and `iterations` (default 200) Sinkhorn iterations. Off by default (O(points²) per iteration).
   */
  sinkhorn?: boolean | { eps?: number; points?: number; iterations?: number };
  /**
   * Cancels a long run: checked before every iteration (and before the first fit); an aborted signal rejects with
   * `retrain: aborted after t of T iterations`. Long runs are legitimate, so `iterations` has no cap beyond this.
   */
  signal?: AbortSignal;
  /** Called after the initial model and after every iteration, with the metrics and the samples they came from. */
  onIteration?: (metrics: IterationMetrics, samples: Samples) => void | Promise<void>;
}

/** What {@link retrain} returns. */
export interface RetrainResult {
  /** One record per model p_0, ..., p_T. */
  metrics: IterationMetrics[];
  /** The refitted model (the same object that was passed in). */
  model: GenerativeModel;
  /** The seed, the Philox sub-stream ids forked from it, and the seed of the metric projections. */
  seeds: { seed: number; samplingStream: number; curationStream: number; evalStream: number; projectionSeed: number };
}

/** Mean squared distance over all pairs of rows (the scale the default Sinkhorn ε is set from). */
function meanSqDist(s: Samples): number {
  let acc = 0;
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < s.n; j++) {
      let d = 0;
      for (let k = 0; k < s.dim; k++) d += (s.data[i * s.dim + k]! - s.data[j * s.dim + k]!) ** 2;
      acc += d;
    }
  }
  return acc / (s.n * s.n) || 1;
}

async function rewardsOf(fn: string, reward: RewardFn, x: Samples): Promise<Float64Array> {
  const r = await reward(x);
  if (!(r instanceof Float64Array) && !Array.isArray(r)) throw new Error(`${fn}: reward must return a Float64Array, got ${typeof r}`);
  if (r.length !== x.n) throw new Error(`${fn}: reward must return one value per point (${x.n}), got length ${r.length}`);
  for (let i = 0; i < r.length; i++) {
    if (!Number.isFinite(r[i]!)) throw new Error(`${fn}: reward returned ${r[i]} for point ${i}; rewards must be finite`);
  }
  return Float64Array.from(r);
}

/**
 * Runs T rounds of curated retraining and records metrics for every model p_0..p_T.
 *
 * @example
 * const model = gaussianMixtureModel({ dim: 2, components: 8, seed: 0 });
 * const { metrics } = await retrain({ model, realData, reward, K: 4, beta: 1,
 *   syntheticToRealRatio: Infinity, iterations: 10, seed: 0 });
 */
export async function retrain(options: RetrainOptions): Promise<RetrainResult> {
  const fn = 'retrain';
  expectOptions(fn, 'options', options, RETRAIN_KEYS, { required: true, describe: describeType });
  const { model, reward } = options;
  if (!model || typeof model.fit !== 'function' || typeof model.sample !== 'function') {
    throw new Error(`${fn}: model must implement { fit(samples), sample(n, rng) }, got ${typeof model}`);
  }
  if (typeof reward !== 'function') throw new Error(`${fn}: reward must be a function (x: Samples) => Float64Array, got ${typeof reward}`);
  const K = checkK(fn, options.K);
  const beta = checkBeta(fn, options.beta ?? 1);
  const lambda = checkRatio(fn, options.syntheticToRealRatio);
  const T = expectInteger(fn, 'iterations', options.iterations, { min: 0, max: Infinity, expected: 'an integer >= 0', describe: describeType });
  const seed = expectSeed(fn, 'seed', options.seed);
  const signal = options.signal;
  if (signal !== undefined && (typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) throw new Error(`${fn}: signal must be an AbortSignal, got ${typeof signal}`);
  const checkAbort = (t: number): void => {
    if (signal?.aborted) throw new Error(`${fn}: aborted after ${t} of ${T} iterations`);
  };
  if (options.onIteration !== undefined && typeof options.onIteration !== 'function') throw new Error(`${fn}: onIteration must be a function, got ${typeof options.onIteration}`);
  if (options.classify !== undefined && typeof options.classify !== 'function') throw new Error(`${fn}: classify must be a function, got ${typeof options.classify}`);
  if (options.numClasses !== undefined) expectInteger(fn, 'numClasses', options.numClasses, { min: 1, max: 1e7, expected: 'an integer in [1, 10000000] (one proportion per class)', describe: describeType });
  const dim = expectInteger(fn, 'model.dim', model.dim, { min: 1, max: MAX_SAMPLE_VALUES, expected: `an integer in [1, ${MAX_SAMPLE_VALUES}] (values per sample)`, describe: describeType });
  if (options.sampler !== undefined && options.sampler !== 'gumbel' && options.sampler !== 'inverse-cdf') throw new Error(`${fn}: sampler must be 'gumbel' or 'inverse-cdf', got ${String(options.sampler)}`);
  const mode = options.curation ?? 'luce';
  if (!['luce', 'best-of-k', 'global', 'none'].includes(mode)) {
    throw new Error(`${fn}: curation must be 'luce', 'best-of-k', 'global' or 'none', got ${String(mode)}`);
  }
  const real = options.realData ?? null;
  if (real) checkSamples(fn, 'realData', real, model.dim);
  if (!real && lambda !== Infinity) {
    throw new Error(`${fn}: realData is required when syntheticToRealRatio is finite (got ${lambda}); use Infinity for curated-only retraining`);
  }
  let m: number;
  if (lambda === Infinity) {
    m = expectInteger(fn, 'samplesPerIteration', options.samplesPerIteration ?? real?.n ?? NaN, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
  } else {
    m = Math.round(lambda * real!.n);
    if (options.samplesPerIteration !== undefined && options.samplesPerIteration !== m) {
      throw new Error(
        `${fn}: samplesPerIteration (${options.samplesPerIteration}) contradicts syntheticToRealRatio=${lambda} × ${real!.n} real points = ${m}; omit one of them`,
      );
    }
  }
  // Each iteration draws m·K candidates (m with curation 'none'): a typo'd K or m must fail here, not as an
  // out-of-memory crash inside model.sample after the initial fit.
  const maxPool = Math.floor(MAX_SAMPLE_VALUES / dim);
  if ((mode === 'none' ? m : m * K) > maxPool) {
    throw new Error(`${fn}: samplesPerIteration × K = ${m} × ${K} candidates of dim ${dim} must stay <= ${maxPool} (2^27 values per draw)`);
  }
  const selection = options.selection ?? 'typed-array';
  if (selection !== 'typed-array' && selection !== 'tensor') throw new Error(`${fn}: selection must be 'typed-array' or 'tensor', got ${String(selection)}`);
  const evalN = expectInteger(fn, 'evalSamples', options.evalSamples ?? 2000, { min: 1, max: maxPool, expected: `an integer in [1, ${maxPool}] (evalSamples × dim=${dim} values must stay <= 2^27)`, describe: describeType });
  if (options.binning !== undefined && options.binning !== null) checkBinning(fn, options.binning, model.dim);
  if (options.classify && !options.numClasses) throw new Error(`${fn}: numClasses is required with classify`);

  const root = createRng(seed);
  const samplingRng: Rng = root.fork(1);
  const curationRng: Rng = root.fork(2);
  const evalRng: Rng = root.fork(3);
  // seed + 7919, wrapped below 2^53 so the largest seeds still give a valid (safe-integer) projection seed.
  const projectionSeed = seed <= Number.MAX_SAFE_INTEGER - 7919 ? seed + 7919 : seed - (Number.MAX_SAFE_INTEGER - 7919) - 1;

  checkAbort(0);
  if (real && (options.fitInitial ?? true)) await model.fit(real);

  const numClasses = options.numClasses ?? model.numClasses ?? null;
  let binning: DensityBinning | null;
  if (options.binning !== undefined) binning = options.binning;
  else if (model.numClasses) binning = { kind: 'categorical', numClasses: model.numClasses };
  else if (real && model.dim <= 2) binning = gridBinningFor(real, model.dim === 1 ? 64 : 24);
  else binning = null;
  const dataHistogram = binning && real ? histogram(real, binning) : null;
  const realRef = real ? headRows(real, evalN) : null;
  let initialHistogram: Float64Array | null = null;

  if (options.sinkhorn !== undefined && typeof options.sinkhorn !== 'boolean') expectOptions(fn, 'sinkhorn', options.sinkhorn, ['eps', 'points', 'iterations'], { required: true, describe: describeType });
  const sinkhornCfg = options.sinkhorn
    ? { points: 400, iterations: 200, ...(options.sinkhorn === true ? {} : options.sinkhorn) }
    : null;
  if (sinkhornCfg) {
    expectInteger(fn, 'sinkhorn.points', sinkhornCfg.points, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
    expectInteger(fn, 'sinkhorn.iterations', sinkhornCfg.iterations, { min: 1, max: 10_000_000, expected: "an integer in [1, 10000000] (gpu-kernels' sinkhornIterations cap)", describe: describeType });
    if (sinkhornCfg.eps !== undefined && !(typeof sinkhornCfg.eps === 'number' && Number.isFinite(sinkhornCfg.eps) && sinkhornCfg.eps > 0)) throw new Error(`${fn}: sinkhorn.eps must be a finite number > 0, got ${String(sinkhornCfg.eps)}`);
    if (!real) throw new Error(`${fn}: sinkhorn needs realData to measure a distance to`);
  }
  let sinkhornEps: number | null = null;
  const metrics: IterationMetrics[] = [];
  const record = async (t: number, pool: Samples | null, poolRewards: Float64Array | null, curated: number, realCount: number): Promise<void> => {
    let s: Samples;
    let r: Float64Array;
    if (pool && poolRewards && pool.n >= evalN) {
      // Candidates are i.i.d. draws of the current model: reuse a prefix rather than sampling again.
      s = headRows(pool, evalN);
      r = poolRewards.subarray(0, evalN);
    } else {
      s = await model.sample(evalN, evalRng);
      checkSamples(fn, 'model.sample(...)', s, model.dim, true);
      if (s.n !== evalN) throw new Error(`${fn}: model.sample(${evalN}) returned ${s.n} points`);
      r = await rewardsOf(fn, reward, s);
    }
    let classes: Int32Array | null = null;
    if (options.classify) {
      classes = await options.classify(s);
      if (!(classes instanceof Int32Array) || classes.length !== s.n) throw new Error(`${fn}: classify must return an Int32Array of ${s.n} class indices, got ${classes instanceof Int32Array ? `length ${classes.length}` : typeof classes}`);
      for (let i = 0; i < classes.length; i++) {
        if (!(classes[i]! >= 0 && classes[i]! < numClasses!)) throw new Error(`${fn}: classify must return class indices in [0, ${numClasses! - 1}], got ${classes[i]} at point ${i}`);
      }
    }
    else if (model.numClasses) classes = Int32Array.from(s.data);
    if (binning && !initialHistogram) initialHistogram = histogram(s, binning);
    const rec = computeIterationMetrics({
      iteration: t, samples: s, rewards: r, beta, binning, dataHistogram, initialHistogram, classes,
      numClasses, realData: realRef, projectionSeed, curatedCount: curated, realCount,
    });
    if (sinkhornCfg && realRef) {
      const ref = headRows(realRef, sinkhornCfg.points);
      if (sinkhornEps === null) sinkhornEps = sinkhornCfg.eps ?? 0.05 * meanSqDist(ref);
      rec.sinkhornToData = await sinkhornDistance(headRows(s, sinkhornCfg.points), ref, { eps: sinkhornEps, iterations: sinkhornCfg.iterations });
    }
    metrics.push(rec);
    await options.onIteration?.(rec, s);
  };

  let pending: { curated: number; real: number } = { curated: 0, real: 0 };
  for (let t = 1; t <= T; t++) {
    checkAbort(t - 1);
    const poolSize = mode === 'none' ? m : m * K;
    let curated: Samples | null = null;
    let pool: Samples | null = null;
    let poolRewards: Float64Array | null = null;
    if (m > 0) {
      pool = await model.sample(poolSize, samplingRng);
      checkSamples(fn, 'model.sample(...)', pool, model.dim, true);
      if (pool.n !== poolSize) throw new Error(`${fn}: model.sample(${poolSize}) returned ${pool.n} points`);
      poolRewards = await rewardsOf(fn, reward, pool);
      let idx: Int32Array | null;
      if (mode === 'none' || K === 1) idx = null;
      else if (mode === 'luce') {
        idx = selection === 'tensor'
          ? await luceSelectTensor(poolRewards, { K, beta, seed, stream: t })
          : luceSelect(poolRewards, K, curationRng, beta, options.sampler ?? 'gumbel');
      }
      else if (mode === 'best-of-k') idx = bestOfKSelect(poolRewards, K);
      else idx = globalSoftmaxSelect(poolRewards, m, curationRng, beta);
      curated = idx ? selectRows(pool, idx) : pool;
    }
    // Metrics of p_{t-1}, from the same candidates the curator saw.
    await record(t - 1, pool, poolRewards, pending.curated, pending.real);
    // Algorithm 1's refit p_t = A(D_real ∪ D_filtered) [P]; λ = Infinity drops D_real (fully synthetic, notes §1).
    const useReal = real && lambda !== Infinity;
    const parts: Samples[] = [];
    if (useReal) parts.push(real!);
    if (curated) parts.push(curated);
    await model.fit(parts.length === 1 ? parts[0]! : concatSamples(...parts));
    pending = { curated: curated?.n ?? 0, real: useReal ? real!.n : 0 };
  }
  await record(T, null, null, pending.curated, pending.real);
  return { metrics, model, seeds: { seed, samplingStream: 1, curationStream: 2, evalStream: 3, projectionSeed } };
}
