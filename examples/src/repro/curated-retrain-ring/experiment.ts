/**
 * curated-retrain-ring, the science: 8 Gaussians on a ring and a clipped distance reward centred on one mode.
 * A Gaussian mixture (3 seeds per setting, in the cell pool) and a flow-matching MLP are retrained on their own
 * Luce-curated samples, curated only vs with real data (λ = 1), beside the exact population update on a grid.
 * Plan → data; the verdict, metrics and figures live beside it.
 */
import {
  curatedStep,
  gaussianMixtureModel,
  mixedStep,
  retrain,
  type IterationMetrics,
  type Samples,
} from '@lemma/curated-retrain';
import { defineCells } from '../../lib/cell-pool';
import { mixtureSamples, runWithSnapshots } from '../../lib/curated-retraining';
import { trainedFlowMatchingModel } from '../../lib/models/flow-matching';
import type { ReproContext } from '../../types';
import { defineSeed } from '../../lib/seeds';

export const RING_R = 2;
export const RING_STD = 0.2;
export const RING_CENTRES = Array.from({ length: 8 }, (_, k) => [RING_R * Math.cos((2 * Math.PI * k) / 8), RING_R * Math.sin((2 * Math.PI * k) / 8)]);
export const TARGET = [RING_R, 0];
// r(x) = -γ max(0, |x - x*| - r_min): flat (maximal) on a disc around x*, linear decay outside. γ = 10 follows the
// follow-up code of Wei & Zhang (the paper's exact constants are not public); r_min = 1.6 puts mode 0 and about
// half of its two neighbours (at distance 1.53) in the top level set.
export const GAMMA = 10;
export const R_MIN = 1.6;

export const ringReward = (x: Samples): Float64Array =>
  Float64Array.from({ length: x.n }, (_, i) => -GAMMA * Math.max(0, Math.hypot(x.data[2 * i]! - TARGET[0]!, x.data[2 * i + 1]! - TARGET[1]!) - R_MIN));

export const nearestMode = (x: Samples): Int32Array =>
  Int32Array.from({ length: x.n }, (_, i) => {
    let best = 0;
    let bd = Infinity;
    RING_CENTRES.forEach((c, k) => {
      const d = (x.data[2 * i]! - c[0]!) ** 2 + (x.data[2 * i + 1]! - c[1]!) ** 2;
      if (d < bd) {
        bd = d;
        best = k;
      }
    });
    return best;
  });

/** The exact population update on a grid discretisation of the ring density. */
export interface ExactRing {
  curated: Float64Array[];
  mixed: Float64Array[];
  r: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
}

/** The exact population update on a grid discretisation of the ring density (categorical model over cells). */
export function exactRingCurves(T: number, K: number, lambda: number, cells: number): ExactRing {
  const ext = 3.2;
  const h = (2 * ext) / cells;
  const xs = new Float64Array(cells * cells);
  const ys = new Float64Array(cells * cells);
  const pData = new Float64Array(cells * cells);
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) {
      const x = -ext + (j + 0.5) * h;
      const y = -ext + (i + 0.5) * h;
      xs[i * cells + j] = x;
      ys[i * cells + j] = y;
      let dens = 0;
      for (const c of RING_CENTRES) dens += Math.exp(-((x - c[0]!) ** 2 + (y - c[1]!) ** 2) / (2 * RING_STD ** 2));
      pData[i * cells + j] = dens;
    }
  }
  const s = pData.reduce((a, b) => a + b, 0);
  for (let i = 0; i < pData.length; i++) pData[i] = pData[i]! / s;
  const r = ringReward({ n: xs.length, dim: 2, data: Float64Array.from({ length: 2 * xs.length }, (_, k) => (k % 2 === 0 ? xs[k >> 1]! : ys[k >> 1]!)) });
  const curated: Float64Array[] = [pData];
  const mixed: Float64Array[] = [pData];
  for (let t = 0; t < T; t++) {
    curated.push(curatedStep(curated[t]!, r, { K }));
    mixed.push(mixedStep(mixed[t]!, pData, r, { K, syntheticToRealRatio: lambda }));
  }
  return { curated, mixed, r, xs, ys };
}

/** What one GMM run costs; {@link GMM_BUDGET} unless a plan says otherwise. */
export interface GmmBudget {
  emIterations: number;
  /** Samples of each iteration's metrics. */
  evalSamples: number;
  /** Entropic OT to the data: points per side and iterations. */
  sinkhorn: { points: number; iterations: number };
}

export const GMM_BUDGET: GmmBudget = { emIterations: 200, evalSamples: 2000, sinkhorn: { points: 300, iterations: 150 } };

/** The flow-matching MLP's runs (both settings). */
export interface FlowPlan {
  /** Real points it trains on (the first of the GMM runs' data). */
  realSamples: number;
  /** Retraining iterations. */
  iterations: number;
  stepsPerFit: number;
  /** Fits on the real data before retraining starts (p_0 = A(D_real): a longer first fit). */
  initialFits: number;
  /** Euler steps of sampling. */
  sampleSteps: number;
  hidden: number;
  evalSamples: number;
  /** Whether this is the reduced budget of --quick (the figure's caption says so). */
  reduced: boolean;
}

export interface RingPlan {
  /** Retraining iterations T of the GMM runs and of the exact update. */
  iterations: number;
  nReal: number;
  /** GMM seed indices per setting. */
  seeds: number;
  /** The GMM runs' cost (undefined: {@link GMM_BUDGET}). */
  gmm?: GmmBudget;
  flow: FlowPlan;
}

export const QUICK_PLAN: RingPlan = {
  iterations: 10,
  nReal: 2000,
  seeds: 3,
  // The flow-matching MLP (trained through timedTrainSteps): a smaller budget in quick mode (CPU backends are slow for neural nets).
  flow: { realSamples: 1000, iterations: 5, stepsPerFit: 120, initialFits: 8, sampleSteps: 10, hidden: 64, evalSamples: 1000, reduced: true },
};
export const FULL_PLAN: RingPlan = {
  iterations: 20,
  nReal: 5000,
  seeds: 3,
  flow: { realSamples: 5000, iterations: 20, stepsPerFit: 500, initialFits: 4, sampleSteps: 24, hidden: 64, evalSamples: 2000, reduced: false },
};

/** One GMM run of the ring experiment: a setting (λ) and a seed index s (s = 0 reproduces the single-seed run). */
interface RingGmmCell {
  lambda: number;
  baseSeed: number;
  s: number;
  nReal: number;
  T: number;
  K: number;
  snapAt: number[];
  /** Absent for {@link GMM_BUDGET} (so the cells of the quick and full plans, and their cache keys, stay as they were). */
  budget?: GmmBudget;
}

/** The seed of the real data of GMM seed index s; the flow-matching runs use s = 0. */
export const ringDataSeed = defineSeed('data', 'base·1000 + 1 + 7·seedIndex', (base: number, s: number) => base * 1000 + 1 + 7 * s);
/** The seed of the GMM of seed index s. */
export const ringGmmSeed = defineSeed('gmm', 'base + 11 + 100·seedIndex', (base: number, s: number) => base + 11 + 100 * s);
/** The seed of the retraining loop of the GMM of seed index s. */
export const ringGmmLoopSeed = defineSeed('gmmLoop', 'base + 17 + 100·seedIndex', (base: number, s: number) => base + 17 + 100 * s);
/** The seed of the flow-matching model. */
export const flowMatchingSeed = defineSeed('flowMatching', 'base + 13', (base: number) => base + 13);
/** The seed of the flow-matching retraining loop. */
export const flowMatchingLoopSeed = defineSeed('flowMatchingLoop', 'base + 17', (base: number) => base + 17);
/** Every seed derivation of this reproduction. */
export const RING_SEED_DERIVATIONS = [ringDataSeed, ringGmmSeed, ringGmmLoopSeed, flowMatchingSeed, flowMatchingLoopSeed];

export const ringSeeds = (baseSeed: number, s: number) => ({ data: ringDataSeed(baseSeed, s), gmm: ringGmmSeed(baseSeed, s), loop: ringGmmLoopSeed(baseSeed, s) });

const ringGmm = defineCells('curated-retrain-ring/gmm', async (c: RingGmmCell): Promise<{ metrics: IterationMetrics[]; snapshots: [number, Samples][] }> => {
  const seeds = ringSeeds(c.baseSeed, c.s);
  const budget = c.budget ?? GMM_BUDGET;
  const { x: real } = mixtureSamples(c.nReal, RING_CENTRES, new Array(8).fill(RING_STD), new Array(8).fill(1 / 8), seeds.data);
  const snapshots: [number, Samples][] = [];
  const { metrics } = await retrain({
    model: gaussianMixtureModel({ dim: 2, components: 8, seed: seeds.gmm, emIterations: budget.emIterations }),
    realData: real, reward: ringReward, K: c.K, beta: 1, syntheticToRealRatio: c.lambda, iterations: c.T, seed: seeds.loop,
    classify: nearestMode, numClasses: 8, sinkhorn: { ...budget.sinkhorn }, evalSamples: budget.evalSamples,
    onIteration: (m, x) => {
      if (c.snapAt.includes(m.iteration)) snapshots.push([m.iteration, { n: Math.min(400, x.n), dim: 2, data: x.data.slice(0, 2 * Math.min(400, x.n)) }]);
    },
  });
  return { metrics, snapshots };
});

/** One retraining run: a model family and a setting. */
export interface RingRun {
  name: string;
  lambda: number;
  model: 'GMM' | 'flow matching';
  metrics: IterationMetrics[];
  snapshots: Map<number, Samples>;
}

/** Everything the verdict, metrics and figures need. */
export interface RingData {
  /** The flow-matching runs had the reduced budget of --quick. */
  quick: boolean;
  T: number;
  K: number;
  lambda: number;
  nReal: number;
  dataSeed: number;
  /** Seed indices of the GMM runs. */
  seedIdx: number[];
  /** The first seed's GMM runs (curated only, then λ) and the flow-matching runs (same order). */
  runs: RingRun[];
  /** GMM metrics per setting (curated only, λ) and seed index. */
  bySetting: { metrics: IterationMetrics[] }[][];
  exact: ExactRing;
}

/** Runs the plan: GMM cells (settings × seeds, 3 in the quick and full plans), then the flow-matching model in both settings, then the exact update. */
export async function runRing(ctx: ReproContext, plan: RingPlan): Promise<RingData> {
  const quick = plan.flow.reduced;
  const T = plan.iterations;
  const K = 4;
  const lambda = 1;
  const nReal = plan.nReal;
  const dataSeed = ringDataSeed(ctx.seed, 0);
  const { x: real } = mixtureSamples(nReal, RING_CENTRES, new Array(8).fill(RING_STD), new Array(8).fill(1 / 8), dataSeed);
  const snapAt = [0, Math.round(T / 2), T];
  const settings: { name: string; lambda: number; tag: string }[] = [
    { name: 'curated only', lambda: Infinity, tag: 'curated-only' },
    { name: `real + curated (λ=${lambda})`, lambda, tag: `lambda${lambda}` },
  ];
  const runs: RingRun[] = [];
  // The GMM runs go through the cell pool, plan.seeds per setting (data, initialisation and loop seeds all move).
  const seedIdx = Array.from({ length: plan.seeds }, (_, s) => s);
  const gmmCells: RingGmmCell[] = settings.flatMap((st) => seedIdx.map((s) => ({ lambda: st.lambda, baseSeed: ctx.seed, s, nReal, T, K, snapAt, ...(plan.gmm ? { budget: plan.gmm } : {}) })));
  const gmmOut = await ringGmm.map(ctx, gmmCells, ctx.progress('GMM runs (settings × seeds)', gmmCells.length));
  const bySetting = settings.map((st) => gmmCells.map((c, i) => ({ c, out: gmmOut[i]! })).filter((x) => x.c.lambda === st.lambda).map((x) => x.out));
  settings.forEach((st, k) => runs.push({ name: st.name, lambda: st.lambda, model: 'GMM', metrics: bySetting[k]![0]!.metrics, snapshots: new Map(bySetting[k]![0]!.snapshots) }));

  // The flow-matching MLP (trained through timedTrainSteps).
  const fp = plan.flow;
  const nUse = Math.min(fp.realSamples, nReal);
  const realUse: Samples = { n: nUse, dim: 2, data: real.data.subarray(0, 2 * nUse) };
  const Tm = fp.iterations;
  for (const s of settings) {
    const model = trainedFlowMatchingModel({ seed: flowMatchingSeed(ctx.seed), stepsPerFit: fp.stepsPerFit, sampleSteps: fp.sampleSteps, hidden: fp.hidden, layers: 3, run: `flow-matching-${s.tag}-seed${ctx.seed}` });
    try {
      // p_0 = A(D_real): the flow model gets a longer first fit (8x in quick mode, 4x in full); later refits warm-start from it.
      for (let k = 0; k < fp.initialFits; k++) await model.fit(realUse);
      const out = await runWithSnapshots(
        ctx,
        `flow matching, ${s.name}`,
        {
          model, realData: realUse, reward: ringReward, K, beta: 1, syntheticToRealRatio: s.lambda, iterations: Tm,
          seed: flowMatchingLoopSeed(ctx.seed), fitInitial: false, classify: nearestMode,
          // The sliced distance is always on; entropic OT only for the GMM runs.
          numClasses: 8, evalSamples: fp.evalSamples,
        },
        [0, Tm],
        400,
      );
      runs.push({ name: s.name, lambda: s.lambda, model: 'flow matching', ...out });
    } finally {
      model.dispose();
    }
  }
  return { quick, T, K, lambda, nReal, dataSeed, seedIdx, runs, bySetting, exact: exactRingCurves(T, K, lambda, 40) };
}
