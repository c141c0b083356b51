/**
 * curated-retrain-moons, the science: the paper's "two moons" toy. A Gaussian mixture is retrained on its own
 * Luce-curated samples under a clipped-distance reward centred on the upper moon; curated-only retraining should
 * lose the lower moon, real data (λ = 1) should keep both. The exact population update on a grid is the oracle.
 */
import { createRng } from '@lemma/gpu-kernels';
import { curatedStep, gaussianMixtureModel, mixedStep, retrain, type Samples } from '@lemma/curated-retrain';
import { defineCells } from '../../lib/cell-pool';
import { defineSeed } from '../../lib/seeds';

/** Sizes of one run. */
export interface MoonsPlan {
  nReal: number;
  iterations: number;
  K: number;
  components: number;
  seeds: number[];
  evalSamples: number;
}

export const QUICK_PLAN: MoonsPlan = { nReal: 2000, iterations: 10, K: 4, components: 10, seeds: [0, 1, 2], evalSamples: 2000 };
export const FULL_PLAN: MoonsPlan = { nReal: 5000, iterations: 20, K: 4, components: 10, seeds: [0, 1, 2], evalSamples: 4000 };

export const NOISE = 0.1;
/** r(x) = -γ·max(0, |x - x*| - r_min): flat on a disc over the top of the upper moon (γ and the form as in the ring). */
export const GAMMA = 10;
export const TARGET = [0, 1] as const;
export const R_MIN = 0.3;

/** Point θ ∈ [0, π] of the upper (0) or lower (1) moon (scikit-learn's make_moons layout). */
function moon(k: number, th: number): [number, number] {
  return k === 0 ? [Math.cos(th), Math.sin(th)] : [1 - Math.cos(th), 0.5 - Math.sin(th)];
}

/** n two-moons points with Gaussian noise, half on each moon. */
export function moonsSamples(n: number, seed: number): Samples {
  const rng = createRng(seed);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [x, y] = moon(i % 2, Math.PI * rng.uniform());
    data[2 * i] = x + NOISE * rng.normal();
    data[2 * i + 1] = y + NOISE * rng.normal();
  }
  return { n, dim: 2, data };
}

export function moonsReward(x: Samples): Float64Array {
  return Float64Array.from({ length: x.n }, (_, i) => -GAMMA * Math.max(0, Math.hypot(x.data[2 * i]! - TARGET[0], x.data[2 * i + 1]! - TARGET[1]) - R_MIN));
}

const ARC = Array.from({ length: 2 }, (_, k) => Array.from({ length: 101 }, (_, j) => moon(k, (Math.PI * j) / 100)));

/** 1 where a point is nearer the lower moon's arc than the upper one's, else 0. */
export function nearestMoon(x: Samples): Int32Array {
  return Int32Array.from({ length: x.n }, (_, i) => {
    const d = ARC.map((arc) => Math.min(...arc.map(([a, b]) => (x.data[2 * i]! - a) ** 2 + (x.data[2 * i + 1]! - b) ** 2)));
    return d[1]! < d[0]! ? 1 : 0;
  });
}

/** Exact population update (Eq. 6 / Eq. 8) on a grid discretisation of the two-moons density: lower-moon share and E[r]. */
export function exactMoons(T: number, K: number, cells = 48): { curated: { lower: number[]; reward: number[] }; mixed: { lower: number[]; reward: number[] } } {
  const lo = [-1.6, -1.1];
  const hi = [2.6, 1.6];
  const xs: number[] = [];
  const pData: number[] = [];
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) {
      const x = lo[0]! + ((j + 0.5) * (hi[0]! - lo[0]!)) / cells;
      const y = lo[1]! + ((i + 0.5) * (hi[1]! - lo[1]!)) / cells;
      xs.push(x, y);
      let dens = 0;
      for (const arc of ARC) for (const [a, b] of arc) dens += Math.exp(-((x - a) ** 2 + (y - b) ** 2) / (2 * NOISE ** 2));
      pData.push(dens);
    }
  }
  const tot = pData.reduce((a, b) => a + b, 0);
  const p0 = Float64Array.from(pData, (v) => v / tot);
  const pts: Samples = { n: p0.length, dim: 2, data: Float64Array.from(xs) };
  const r = moonsReward(pts);
  const lowerMask = nearestMoon(pts);
  const summary = (traj: Float64Array[]) => ({
    lower: traj.map((p) => p.reduce((a, v, i) => a + (lowerMask[i] === 1 ? v : 0), 0)),
    reward: traj.map((p) => p.reduce((a, v, i) => a + v * r[i]!, 0)),
  });
  const cur: Float64Array[] = [p0];
  const mix: Float64Array[] = [p0];
  for (let t = 0; t < T; t++) {
    cur.push(curatedStep(cur[t]!, r, { K }));
    mix.push(mixedStep(mix[t]!, p0, r, { K, syntheticToRealRatio: 1 }));
  }
  return { curated: summary(cur), mixed: summary(mix) };
}

/** One run: a setting and a seed. */
export interface MoonsCell {
  plan: MoonsPlan;
  lambda: number;
  seed: number;
}

export interface MoonsResult {
  lambda: number;
  seed: number;
  lowerShare: number[];
  expectedReward: number[];
  wasserstein: number[];
  snapshots: { iteration: number; data: Float64Array }[];
}

/** A run's seed, by seed index (shared by the two settings). */
export const moonsRunSeed = defineSeed('run', 'base·1000 + 200 + seedIndex', (base: number, s: number) => base * 1000 + 200 + s);
/** The seed of a run's real data. */
export const moonsDataSeed = defineSeed('data', 'run·7 + 1', (run: number) => run * 7 + 1);
/** The seed of a run's GMM. */
export const moonsGmmSeed = defineSeed('gmm', 'run + 11', (run: number) => run + 11);
/** The seed of a run's retraining loop. */
export const moonsLoopSeed = defineSeed('loop', 'run + 17', (run: number) => run + 17);

export const runMoons = defineCells('curated-retrain-moons/run', async (c: MoonsCell): Promise<MoonsResult> => {
  const real = moonsSamples(c.plan.nReal, moonsDataSeed(c.seed));
  const T = c.plan.iterations;
  const snapAt = [0, Math.round(T / 2), T];
  const out: MoonsResult = { lambda: c.lambda, seed: c.seed, lowerShare: [], expectedReward: [], wasserstein: [], snapshots: [] };
  await retrain({
    model: gaussianMixtureModel({ dim: 2, components: c.plan.components, seed: moonsGmmSeed(c.seed), emIterations: 100 }),
    realData: real, reward: moonsReward, K: c.plan.K, beta: 1, syntheticToRealRatio: c.lambda, iterations: T, seed: moonsLoopSeed(c.seed),
    classify: nearestMoon, numClasses: 2, evalSamples: c.plan.evalSamples,
    onIteration: (m, s) => {
      out.lowerShare.push(m.classProportions![1]!);
      out.expectedReward.push(m.expectedReward);
      out.wasserstein.push(m.wassersteinToData ?? NaN);
      if (snapAt.includes(m.iteration)) out.snapshots.push({ iteration: m.iteration, data: s.data.slice(0, 2 * Math.min(400, s.n)) });
    },
  });
  return out;
});
