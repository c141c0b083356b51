/**
 * curated-retrain-digits, the science: MNIST digits stand in for CIFAR-10. A CNN trained on real digits is the
 * reward model, a Gaussian mixture on the top PCA coordinates of the digits is the generator, and the paper's loop
 * (K fresh candidates per kept sample, Luce choice ∝ e^r) retrains it, curated-only or with as many real digits as
 * curated ones (λ = 1). Testable without Vega: figures.ts turns the returned data into specs.
 */
import { gaussianMixtureModel, iteratePopulation, retrain, type Samples } from '@lemma/curated-retrain';
import { loadMnist10k } from '../../fixtures/mnist';
import { defineCells } from '../../lib/cell-pool';
import { frechetDistance } from '../../lib/frechet';
import { classify, trainCnn, type CnnWeights } from './classifier';
import { fitPca, project, reconstruct, type PcaBasis } from './pca';
import { defineSeed } from '../../lib/seeds';

/** The seed of the reward CNN (and the PCA). */
export const digitsClassifierSeed = defineSeed('classifier', 'base·1000 + 31', (base: number) => base * 1000 + 31);
/** The seed of a retraining loop, by seed index (shared by the rewards and settings). */
export const digitsLoopSeed = defineSeed('loop', 'base·1000 + 100 + seedIndex', (base: number, s: number) => base * 1000 + 100 + s);
/** The seed of a loop's GMM. */
export const digitsGmmSeed = defineSeed('gmm', 'loop + 11', (loop: number) => loop + 11);

/** Which reward the curator applies: r = γ·q₀(x) (one class) or r = γ·max_c q_c(x) (confidence). */
export type DigitsReward = 'class0' | 'confidence';
/** Curated samples only, or real + curated in equal numbers (λ = synthetic/real = 1). */
export type DigitsSetting = 'curated-only' | 'lambda1';

/** Sizes of one run of the reproduction. */
export interface DigitsPlan {
  /** Real training digits the generator is fitted on (and re-injected with λ = 1); at most 8000. */
  nReal: number;
  pcaDim: number;
  components: number;
  emIterations: number;
  K: number;
  gamma: number;
  iterations: number;
  classifierEpochs: number;
  /** Training digits the CNN sees (the first ones of the fixture; 8000 = all). */
  classifierDigits: number;
  /** Samples per iteration for the class proportions, E[r] and the Fréchet distance. */
  evalSamples: number;
  seeds: number[];
  /** Digits kept per snapshot for the sample grid (iterations 0, T/2, T). */
  gridDigits: number;
}

export const QUICK_PLAN: DigitsPlan = { nReal: 2000, pcaDim: 16, components: 20, emIterations: 20, K: 4, gamma: 5, iterations: 10, classifierEpochs: 3, classifierDigits: 8000, evalSamples: 1000, seeds: [0, 1, 2], gridDigits: 8 };
/** The 10k real + 10k curated per iteration is capped by the fixture's 8k training digits. */
export const FULL_PLAN: DigitsPlan = { nReal: 8000, pcaDim: 16, components: 20, emIterations: 40, K: 4, gamma: 5, iterations: 10, classifierEpochs: 6, classifierDigits: 8000, evalSamples: 2000, seeds: [0, 1, 2], gridDigits: 8 };

/** The fixed reward model and generator space shared by every loop cell. */
export interface Prepared {
  pca: PcaBasis;
  cnn: CnnWeights;
  /** Accuracy and mean top-class probability of the CNN on the 2,000 held-out digits (raw and PCA-projected). */
  testAccuracy: number;
  testAccuracyProjected: number;
  testConfidenceProjected: number;
}

/** Trains the reward CNN on real training digits and fits the PCA basis. */
export const prepareDigits = defineCells('curated-retrain-digits/prepare', async (cell: { plan: DigitsPlan; seed: number }): Promise<Prepared> => {
  const data = loadMnist10k();
  const pca = fitPca(data.train.x, cell.plan.pcaDim, 2000);
  const nc = cell.plan.classifierDigits;
  const cnn = await trainCnn(data.train.x.subarray(0, nc * 784), data.train.y.subarray(0, nc), { seed: cell.seed, epochs: cell.plan.classifierEpochs });
  const acc = (probs: Float32Array): { acc: number; conf: number } => {
    let hit = 0;
    let conf = 0;
    for (let i = 0; i < data.test.n; i++) {
      const c = argmax(probs, i);
      if (c === data.test.y[i]) hit++;
      conf += probs[i * 10 + c]!;
    }
    return { acc: hit / data.test.n, conf: conf / data.test.n };
  };
  const raw = acc((await classify(cnn, data.test.x)).probs);
  const proj = acc((await classify(cnn, reconstruct(pca, project(pca, data.test.x)))).probs);
  return { pca, cnn, testAccuracy: raw.acc, testAccuracyProjected: proj.acc, testConfidenceProjected: proj.conf };
});

function argmax(probs: Float32Array, i: number): number {
  let b = 0;
  for (let c = 1; c < 10; c++) if (probs[i * 10 + c]! > probs[i * 10 + b]!) b = c;
  return b;
}

/** One loop run: a reward, a setting and a seed. */
export interface LoopCell {
  plan: DigitsPlan;
  prep: Prepared;
  reward: DigitsReward;
  setting: DigitsSetting;
  seed: number;
}

/** Per-iteration record of a loop run (t = 0 is the generator fitted on real digits). */
export interface LoopResult {
  reward: DigitsReward;
  setting: DigitsSetting;
  seed: number;
  classProportions: number[][];
  expectedReward: number[];
  frechet: number[];
  /** The exact population update (Eq. 6 / Eq. 8) on the t = 0 samples as atoms: class shares per iteration. */
  exactAtomShares: number[][];
  /** Snapshot iterations and their first `gridDigits` images, 14×14 (2×2 means), row-major. */
  snapshots: { iteration: number; images: Float32Array }[];
}

/** Memo per thread: the real digits in PCA coordinates and the CNN features of the held-out digits. */
const realMemo = new Map<string, { real: Samples; testFeatures: Float32Array }>();

function rewardOf(kind: DigitsReward, gamma: number, probs: Float32Array, n: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = gamma * (kind === 'class0' ? probs[i * 10]! : probs[i * 10 + argmax(probs, i)]!);
  return r;
}

function downsample(img: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * 196);
  for (let k = 0; k < count; k++) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        const o = k * 784 + 2 * r * 28 + 2 * c;
        out[k * 196 + r * 14 + c] = (img[o]! + img[o + 1]! + img[o + 28]! + img[o + 29]!) / 4;
      }
    }
  }
  return out;
}

/** Runs T rounds of the paper's loop on the digits generator and records the per-iteration diagnostics. */
export const runDigitsLoop = defineCells('curated-retrain-digits/loop', async (cell: LoopCell): Promise<LoopResult> => {
  const { plan, prep } = cell;
  const key = `${plan.nReal}/${plan.pcaDim}/${prep.pca.mean[100]}`;
  let memo = realMemo.get(key);
  if (!memo) {
    const data = loadMnist10k();
    const real: Samples = { n: plan.nReal, dim: plan.pcaDim, data: project(prep.pca, data.train.x.subarray(0, plan.nReal * 784)) };
    memo = { real, testFeatures: (await classify(prep.cnn, data.test.x)).features };
    realMemo.set(key, memo);
  }
  // The CNN runs once per batch: the loop asks for rewards, then the metrics ask for the classes and the
  // features of a prefix of the same candidates (headRows is a view of the same buffer).
  let last: { data: Float64Array; probs: Float32Array; features: Float32Array } | null = null;
  const evaluate = async (x: Samples): Promise<{ probs: Float32Array; features: Float32Array }> => {
    if (last && x.data.buffer === last.data.buffer && x.data.byteOffset === last.data.byteOffset && x.n * x.dim <= last.data.length) {
      return { probs: last.probs.subarray(0, x.n * 10), features: last.features.subarray(0, x.n * prep.cnn.features) };
    }
    const out = await classify(prep.cnn, reconstruct(prep.pca, x.data));
    last = { data: x.data, ...out };
    return out;
  };
  const model = gaussianMixtureModel({ dim: plan.pcaDim, components: plan.components, seed: digitsGmmSeed(cell.seed), emIterations: plan.emIterations, tolerance: 1e-4 });
  const T = plan.iterations;
  const snapAt = [0, Math.round(T / 2), T];
  const result: LoopResult = { reward: cell.reward, setting: cell.setting, seed: cell.seed, classProportions: [], expectedReward: [], frechet: [], exactAtomShares: [], snapshots: [] };
  let atoms: { r: Float64Array; cls: Int32Array } | null = null;
  await retrain({
    model,
    realData: memo.real,
    reward: async (x) => rewardOf(cell.reward, plan.gamma, (await evaluate(x)).probs, x.n),
    K: plan.K,
    beta: 1,
    syntheticToRealRatio: cell.setting === 'curated-only' ? Infinity : 1,
    samplesPerIteration: cell.setting === 'curated-only' ? plan.nReal : undefined,
    iterations: T,
    seed: cell.seed,
    classify: async (x) => {
      const { probs } = await evaluate(x);
      return Int32Array.from({ length: x.n }, (_, i) => argmax(probs, i));
    },
    numClasses: 10,
    binning: null,
    evalSamples: plan.evalSamples,
    onIteration: async (m, s) => {
      const { probs, features } = await evaluate(s);
      result.classProportions.push(m.classProportions!);
      result.expectedReward.push(m.expectedReward);
      result.frechet.push(frechetDistance(features, memo!.testFeatures, prep.cnn.features));
      if (m.iteration === 0) atoms = { r: rewardOf(cell.reward, plan.gamma, probs, s.n), cls: Int32Array.from({ length: s.n }, (_, i) => argmax(probs, i)) };
      if (snapAt.includes(m.iteration)) result.snapshots.push({ iteration: m.iteration, images: downsample(reconstruct(prep.pca, s.data.subarray(0, plan.gridDigits * plan.pcaDim)), plan.gridDigits) });
    },
  });
  // The ideal generator: the exact update with p_0 uniform over the t = 0 samples (the model class contains every
  // reweighting of them); λ = 1 re-injects those same atoms as the real-data distribution.
  const a = atoms as { r: Float64Array; cls: Int32Array } | null;
  if (a) {
    const p0 = new Float64Array(a.r.length).fill(1 / a.r.length);
    const traj = iteratePopulation(p0, a.r, { K: plan.K, iterations: T, ...(cell.setting === 'lambda1' ? { syntheticToRealRatio: 1, pData: p0 } : {}) });
    result.exactAtomShares = traj.map((p) => {
      const sh = new Array<number>(10).fill(0);
      for (let i = 0; i < p.length; i++) sh[a.cls[i]!]! += p[i]!;
      return sh;
    });
  }
  return result;
});

/** Total-variation distance between two class-proportion vectors. */
export function tv(a: number[], b: number[]): number {
  return 0.5 * a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0);
}

/**
 * The idealised prediction of the issue: a confident classifier splits digits into two reward levels (5 for a 0,
 * 0 otherwise) with masses 0.1 / 0.9, and the exact two-level update gives the digit-0 share per iteration.
 */
export function twoLevelPrediction(K: number, gamma: number, T: number): { curatedOnly: number[]; lambda1: number[] } {
  const p0 = [0.1, 0.9];
  const r = [gamma, 0];
  const cur = iteratePopulation(p0, r, { K, iterations: T });
  const mix = iteratePopulation(p0, r, { K, iterations: T, syntheticToRealRatio: 1, pData: p0 });
  return { curatedOnly: cur.map((p) => p[0]!), lambda1: mix.map((p) => p[0]!) };
}
