/** Per-iteration diagnostics of a retraining run, estimated from samples of the current model (the paper's FID/precision/recall are not here). */
import { createRng } from '@lemma/gpu-kernels';
import { describeType, expectFiniteValues, expectInteger, expectLength, expectOptions, expectSeed } from '@lemma/gpu-kernels/validate';
import { entropy, klDivergence } from './discrete';
import { checkSamples, type Samples } from './samples';
import { checkBeta } from './curation-parameter-checks';
import { checkDistribution } from './distribution-checks';
import { slicedWasserstein } from './wasserstein';

/** How samples are binned for the histogram-based KL and entropy estimates. */
export type DensityBinning =
  | { kind: 'categorical'; numClasses: number }
  | { kind: 'grid'; lo: number[]; hi: number[]; bins: number };

/** What is recorded after each iteration (t = 0 is the initial model). */
export interface IterationMetrics {
  iteration: number;
  /** E_{p_t}[r]. */
  expectedReward: number;
  /** E_{p_t}[exp(β r)] — the paper's E[e^r] with its reward taken as β·r (Lemma 2.2's quantity). */
  meanExpReward: number;
  /** Reward quantiles at {@link RewardQuantileLevels} (0.05, 0.25, 0.5, 0.75, 0.95). */
  rewardQuantiles: number[];
  /** KL(p_data ‖ p_t) on the binning (bounded by log(1+λ) with real data: notes §2(a) [D], not Thms 2.2–2.4, which are unreachable); null without real data or binning. */
  klToData: number | null;
  /** KL(p_t ‖ p_0) on the binning; null without binning. */
  klToInitial: number | null;
  /** Entropy of the binned p_t in nats (for a grid: of the bin probabilities); null without binning. */
  entropy: number | null;
  /** Fraction of samples per class (from `classify`, or the values of a categorical model); null otherwise (the CIFAR plots' proportions, notes §3 [S]). */
  classProportions: number[] | null;
  /** Sliced Wasserstein-2 distance to the real data (see wasserstein.ts; standard, Rabin et al. 2011; ours as a metric); null without real data. */
  wassersteinToData: number | null;
  /** Entropic OT distance to the real data (ot-matching's Sinkhorn, see sinkhorn-distance.ts); null unless requested. */
  sinkhornToData: number | null;
  /** Size of the curated synthetic set and of the real set used in the refit that produced p_t (0 at t = 0). */
  curatedCount: number;
  realCount: number;
}

/** Quantile levels reported in {@link IterationMetrics.rewardQuantiles}. */
export const RewardQuantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Jeffreys pseudo-count per bin: keeps KL finite when p_t has emptied a bin the reference still has. */
export const HISTOGRAM_PSEUDO_COUNT = 0.5;

/** Most histogram cells (classes, or bins^dim grid cells) a binning may have: one float64 each. */
const MAX_HISTOGRAM_CELLS = 1e7;

/** Throws unless `bins` is a bin count per axis whose bins^dim grid cells stay within {@link MAX_HISTOGRAM_CELLS}. */
function checkBinsPerAxis(fn: string, name: string, bins: unknown, dim: number): number {
  const max = Math.floor(Math.pow(MAX_HISTOGRAM_CELLS, 1 / dim));
  return expectInteger(fn, name, bins, { min: 1, max, expected: `an integer in [1, ${max}] (bins^dim cells must stay <= 1e7 at dim ${dim})`, describe: describeType });
}

/** Throws unless `binning` is a well-formed categorical or grid binning for points of dimension `dim`. */
export function checkBinning(fn: string, binning: DensityBinning, dim: number): void {
  expectInteger(fn, 'dim', dim, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
  if (!binning || typeof binning !== 'object') throw new Error(`${fn}: binning must be a DensityBinning object, got ${binning === null ? 'null' : typeof binning}`);
  if (binning.kind === 'categorical') {
    expectInteger(fn, 'binning.numClasses', binning.numClasses, { min: 1, max: MAX_HISTOGRAM_CELLS, expected: 'an integer in [1, 10000000] (one histogram cell per class)', describe: describeType });
    return;
  }
  if (binning.kind !== 'grid') throw new Error(`${fn}: binning.kind must be 'categorical' or 'grid', got ${String((binning as { kind: unknown }).kind)}`);
  checkBinsPerAxis(fn, 'binning.bins', binning.bins, dim);
  if (!Array.isArray(binning.lo) || !Array.isArray(binning.hi) || binning.lo.length !== dim || binning.hi.length !== dim) {
    throw new Error(`${fn}: binning.lo and binning.hi must be arrays of length dim=${dim}, got ${binning.lo?.length} and ${binning.hi?.length}`);
  }
  for (let k = 0; k < dim; k++) {
    if (!(Number.isFinite(binning.lo[k]) && Number.isFinite(binning.hi[k]) && binning.hi[k]! > binning.lo[k]!)) {
      throw new Error(`${fn}: binning needs finite lo[k] < hi[k] on every axis, got lo[${k}] = ${binning.lo[k]}, hi[${k}] = ${binning.hi[k]}`);
    }
  }
}

/** Bin index of each point (points outside a grid are clamped into the edge bins). */
export function binIndices(s: Samples, binning: DensityBinning): Int32Array {
  const out = new Int32Array(s.n);
  if (binning.kind === 'categorical') {
    for (let i = 0; i < s.n; i++) out[i] = Math.min(binning.numClasses - 1, Math.max(0, Math.round(s.data[i * s.dim]!)));
    return out;
  }
  const { lo, hi, bins } = binning;
  for (let i = 0; i < s.n; i++) {
    let idx = 0;
    for (let k = 0; k < s.dim; k++) {
      const b = Math.floor(((s.data[i * s.dim + k]! - lo[k]!) / (hi[k]! - lo[k]!)) * bins);
      idx = idx * bins + Math.min(bins - 1, Math.max(0, b));
    }
    out[i] = idx;
  }
  return out;
}

/** Number of cells of a binning. */
export function binCount(binning: DensityBinning, dim: number): number {
  return binning.kind === 'categorical' ? binning.numClasses : binning.bins ** dim;
}

/** Smoothed histogram (count + 0.5)/(n + 0.5·B) of `s` on `binning`. */
export function histogram(s: Samples, binning: DensityBinning, pseudo = HISTOGRAM_PSEUDO_COUNT): Float64Array {
  checkSamples('histogram', 's', s, undefined, true);
  checkBinning('histogram', binning, s.dim);
  if (!(Number.isFinite(pseudo) && pseudo >= 0) || (pseudo === 0 && s.n === 0)) throw new Error(`histogram: pseudo must be a finite number >= 0 (> 0 for an empty sample), got ${pseudo}`);
  const B = binCount(binning, s.dim);
  const h = new Float64Array(B).fill(pseudo);
  for (const b of binIndices(s, binning)) h[b]!++;
  const tot = s.n + pseudo * B;
  return h.map((v) => v / tot);
}

/** A grid binning covering `s` padded by 10% on each side, `bins` cells per axis. */
export function gridBinningFor(s: Samples, bins: number): DensityBinning {
  checkSamples('gridBinningFor', 's', s);
  checkBinsPerAxis('gridBinningFor', 'bins', bins, s.dim);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let k = 0; k < s.dim; k++) {
    let a = Infinity;
    let b = -Infinity;
    for (let i = 0; i < s.n; i++) {
      a = Math.min(a, s.data[i * s.dim + k]!);
      b = Math.max(b, s.data[i * s.dim + k]!);
    }
    const pad = 0.1 * (b - a || 1);
    lo.push(a - pad);
    hi.push(b + pad);
  }
  return { kind: 'grid', lo, hi, bins };
}

/** Empirical quantile (linear interpolation between order statistics) of a sorted array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** Inputs of {@link computeIterationMetrics}. */
export interface MetricsInput {
  iteration: number;
  samples: Samples;
  rewards: Float64Array;
  beta: number;
  binning: DensityBinning | null;
  dataHistogram: Float64Array | null;
  initialHistogram: Float64Array | null;
  classes: Int32Array | null;
  numClasses: number | null;
  realData: Samples | null;
  /** Seed of the sliced-Wasserstein directions (the same every iteration so values are comparable). */
  projectionSeed: number;
  curatedCount: number;
  realCount: number;
}

const METRICS_KEYS = ['iteration', 'samples', 'rewards', 'beta', 'binning', 'dataHistogram', 'initialHistogram', 'classes', 'numClasses', 'realData', 'projectionSeed', 'curatedCount', 'realCount'] as const;

/** Throws unless `m` is a consistent {@link MetricsInput} (an empty or NaN reward vector gave NaN metrics silently). */
function checkMetricsInput(m: MetricsInput): void {
  const fn = 'computeIterationMetrics';
  expectOptions(fn, 'm', m, METRICS_KEYS, { required: true, describe: describeType });
  for (const key of METRICS_KEYS) if (!(key in m)) throw new Error(`${fn}: m.${key} is required (null where the metric is not wanted)`);
  expectInteger(fn, 'm.iteration', m.iteration, { min: 0, max: Infinity, expected: 'an integer >= 0', describe: describeType });
  checkSamples(fn, 'm.samples', m.samples);
  if (!(m.rewards instanceof Float64Array)) throw new Error(`${fn}: m.rewards must be a Float64Array, got ${typeof m.rewards}`);
  expectLength(fn, 'm.rewards', m.rewards, m.samples.n, 'one reward per sample');
  expectFiniteValues(fn, 'm.rewards', m.rewards);
  checkBeta(fn, m.beta);
  if (m.binning !== null) {
    checkBinning(fn, m.binning, m.samples.dim);
    const B = binCount(m.binning, m.samples.dim);
    for (const key of ['dataHistogram', 'initialHistogram'] as const) {
      const h = m[key];
      if (h !== null) expectLength(fn, `m.${key}`, checkDistribution(fn, `m.${key}`, h), B, 'one probability per bin');
    }
  } else if (m.dataHistogram !== null || m.initialHistogram !== null) {
    throw new Error(`${fn}: m.dataHistogram and m.initialHistogram need m.binning, got binning null`);
  }
  if (m.classes !== null) {
    if (!(m.classes instanceof Int32Array)) throw new Error(`${fn}: m.classes must be an Int32Array, got ${typeof m.classes}`);
    expectInteger(fn, 'm.numClasses', m.numClasses, { min: 1, max: MAX_HISTOGRAM_CELLS, expected: 'an integer in [1, 10000000] (one proportion per class)', describe: describeType });
  }
  if (m.realData !== null) checkSamples(fn, 'm.realData', m.realData, m.samples.dim);
  expectSeed(fn, 'm.projectionSeed', m.projectionSeed);
  expectInteger(fn, 'm.curatedCount', m.curatedCount, { min: 0, max: Infinity, expected: 'an integer >= 0', describe: describeType });
  expectInteger(fn, 'm.realCount', m.realCount, { min: 0, max: Infinity, expected: 'an integer >= 0', describe: describeType });
}

/** Computes one {@link IterationMetrics} record. */
export function computeIterationMetrics(m: MetricsInput): IterationMetrics {
  checkMetricsInput(m);
  const n = m.rewards.length;
  let mean = 0;
  let rmax = -Infinity;
  for (const r of m.rewards) {
    mean += r / n;
    rmax = Math.max(rmax, r);
  }
  let e = 0;
  for (const r of m.rewards) e += Math.exp(m.beta * (r - rmax)) / n;
  const sorted = Float64Array.from(m.rewards).sort();
  const hist = m.binning ? histogram(m.samples, m.binning) : null;
  let classProportions: number[] | null = null;
  if (m.classes && m.numClasses) {
    const c = new Array<number>(m.numClasses).fill(0);
    for (const k of m.classes) {
      if (!(k >= 0 && k < m.numClasses!)) throw new Error(`computeIterationMetrics: classify must return class indices in [0, ${m.numClasses - 1}], got ${k}`);
      c[k]! += 1 / m.classes.length;
    }
    classProportions = c;
  }
  return {
    iteration: m.iteration,
    expectedReward: mean,
    meanExpReward: Math.exp(m.beta * rmax) * e,
    rewardQuantiles: RewardQuantileLevels.map((q) => quantileSorted(sorted, q)),
    klToData: hist && m.dataHistogram ? klDivergence(m.dataHistogram, hist) : null,
    klToInitial: hist && m.initialHistogram ? klDivergence(hist, m.initialHistogram) : null,
    entropy: hist ? entropy(hist) : null,
    classProportions,
    wassersteinToData: m.realData ? slicedWasserstein(m.samples, m.realData, { projections: 32, rng: createRng(m.projectionSeed) }) : null,
    sinkhornToData: null,
    curatedCount: m.curatedCount,
    realCount: m.realCount,
  };
}
