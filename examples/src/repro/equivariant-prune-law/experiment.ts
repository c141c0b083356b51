/**
 * The overparametrization law of Ferbach et al. (Thm 1): m = O(log(n_in·n_out·|B|·L/ε)) random samples per
 * coefficient suffice. Measured here: for each target family and size, the smallest m at which the pruned
 * random network reaches sup error ≤ ε (one random draw per seed, nested in m), median over seeds; then m is
 * regressed on log2(n_in·n_out·|B|·L/ε) across all targets. Nothing in the construction fixes that slope: the
 * per-coefficient precision, the number of instances and the error aggregation all depend on the family.
 */
import { createRng } from '@lemma/gpu-kernels';
import {
  type EquivariantBasis,
  type EquivariantLayer,
  type EquivariantNetwork,
  basisNorm,
  buildRandomNetwork,
  deepSetsBasis,
  estimateSupError,
  groupConvBasis,
  imageGroup,
  layerDenseMatrix,
  maron2to2Basis,
  operatorNorm,
  orbitBasis,
  parameterReport,
  pruneToTarget,
  randomLayer,
  restrictSamples,
  symmetricGroup,
} from '@lemma/equivariant-prune';
import { defineCells } from '../../lib/cell-pool';
import { olsFit } from '../../lib/linear-fit';
import { median, quantile } from '../../lib/quantiles';
import { defineSeed } from '../../lib/seeds';

/** Target families: which equivariant basis B every layer F -> F uses. */
export type LawFamily = 'deepsets-orbit' | 'maron-1to1' | 'maron-2to2' | 'c4-regular' | 'd4-regular';

/** One target architecture: L layers of `copies` -> `copies` channels in one basis. */
export interface LawConfig {
  id: string;
  family: LawFamily;
  /** Set size (S_n families) or image side (C4/D4 on an n x n torus, kernel 3). */
  n: number;
  copies: number;
  depth: number;
  /** Tolerance of this configuration (the ε arm varies it; the law's configurations share plan.eps). */
  eps: number;
}

/** The plan of a run. */
export interface LawPlan {
  /** The law's configurations, all at the same ε. */
  configs: LawConfig[];
  /** One architecture at several ε (the log(1/ε) direction alone, for contrast). */
  epsArm: LawConfig[];
  seeds: number;
  eps: number;
  /** Samples per sign drawn once; the search runs over prefixes 1..mMax. */
  mMax: number;
  /** Random unit inputs per sup-error estimate. */
  probes: number;
  baseSeed: number;
}

/** One (configuration, seed) cell. */
export interface LawCell {
  config: LawConfig;
  seed: number;
  mMax: number;
  probes: number;
}

/** What one cell finds. */
export interface LawCellResult {
  configId: string;
  seed: number;
  /** Smallest m with sup error <= eps; mMax + 1 when even mMax fails (censored). */
  mNeeded: number;
  censored: boolean;
  /** Estimated sup error at mNeeded (at mMax when censored). */
  errAtM: number;
  basisSize: number;
  basisNorm: number;
  /** Coefficient counts at mNeeded (the target, the random network, the kept ones, the packing bound at eps). */
  target: number;
  random: number;
  kept: number;
  lowerBound: number;
  /** Sup-error evaluations the search needed. */
  evaluations: number;
}

export const FAMILY_LABEL: Record<LawFamily, string> = {
  'deepsets-orbit': 'DeepSets {I, 11ᵀ−I} (‖B‖ = n)',
  'maron-1to1': 'Maron 1→1 {I, 11ᵀ/n}',
  'maron-2to2': 'Maron 2→2 (15 ops)',
  'c4-regular': 'C4 regular, k = 3',
  'd4-regular': 'D4 regular, k = 3',
};

const basisMemo = new Map<string, EquivariantBasis>();

/** The basis of a family (memoised per thread: the D4 orbit basis takes a moment). */
export function lawBasis(family: LawFamily, n: number): EquivariantBasis {
  const key = `${family}/${n}`;
  let b = basisMemo.get(key);
  if (b) return b;
  switch (family) {
    case 'deepsets-orbit': {
      const s = symmetricGroup(n).set();
      b = orbitBasis(s, s, { name: `DeepSets orbit basis n=${n}` });
      break;
    }
    case 'maron-1to1':
      b = deepSetsBasis(n);
      break;
    case 'maron-2to2':
      b = maron2to2Basis(n);
      break;
    case 'c4-regular':
    case 'd4-regular': {
      const g = imageGroup(family === 'c4-regular' ? 'C4' : 'D4', n, { translations: true });
      b = groupConvBasis(g, { from: 'regular', to: 'regular', kernel: 3 });
      break;
    }
  }
  if (b.identityIndex < 0) throw new Error(`lawBasis: ${key} has no identity element`);
  basisMemo.set(key, b);
  return b;
}

/**
 * Scales a layer to ‖W‖_op = 1, the theorem's norm bound made tight. (‖W‖_F = 1 would shrink the operator norm
 * like 1/sqrt(rank): deep or wide targets would output less than ε and any pruning, even the empty one, would pass.)
 */
function unitOperatorNorm(l: EquivariantLayer): EquivariantLayer {
  const rows = l.cOut * l.basis.dOut;
  const cols = l.cIn * l.basis.dIn;
  const f = operatorNorm(layerDenseMatrix(l), rows, cols, 300);
  return { ...l, coeffs: l.coeffs.map((c) => c / f) };
}

/** The seeded random target of a configuration: U[-1, 1] coefficients, each layer scaled to unit norm. */
export function lawTarget(config: LawConfig, seed: number): EquivariantNetwork {
  const b = lawBasis(config.family, config.n);
  const rng = createRng(seed, 1);
  return { layers: Array.from({ length: config.depth }, () => unitOperatorNorm(randomLayer(b, config.copies, config.copies, rng))) };
}

/** log2(n_in·n_out·|B|·L/ε), the law's argument (Thm 1 with |B| in place of max(|B|, ‖B‖)). */
export function lawArgument(config: LawConfig, basisSize: number, eps: number): number {
  return Math.log2((config.copies * config.copies * basisSize * config.depth) / eps);
}

/** Step of the upward search over m. */
const GALLOP = 4;
/** Ascent steps of the sup-error estimate from the 4 best probes. */
const ASCENT_STEPS = 30;

/** One cell: draw target and random network, then binary-search the smallest prefix m with sup error <= eps. */
export const lawCell = defineCells('equivariant-prune-law/samples-needed', async (cell: LawCell): Promise<LawCellResult> => {
  const { config, seed, mMax, probes } = cell;
  const eps = config.eps;
  const basis = lawBasis(config.family, config.n);
  const target = lawTarget(config, seed);
  const random = buildRandomNetwork(target, { samples: mMax, seed: lawRandomSeed(seed), selfBases: target.layers.map(() => basis) });
  let evaluations = 0;
  // Sup error of the folded pruned network (equal to the pruned one, far cheaper) on the same probes for every m.
  const errAt = (m: number) => {
    evaluations += 1;
    const pruned = pruneToTarget(target, restrictSamples(random, m));
    return { err: estimateSupError(target, pruned.folded, probes, seed, { ascentSteps: ASCENT_STEPS, ascentStarts: 4 }).max, pruned };
  };
  // Coefficient errors are non-increasing in m (nested prefixes), so the sup error is monotone up to the
  // aggregation over coefficients: gallop up in steps of GALLOP (the cost is set by the largest m tried), then
  // bisect the last bracket for the first crossing.
  let lo = 0;
  let hi = Math.min(GALLOP, mMax);
  let top = errAt(hi);
  while (top.err > eps && hi < mMax) {
    lo = hi;
    hi = Math.min(hi + GALLOP, mMax);
    top = errAt(hi);
  }
  let mNeeded = mMax + 1;
  if (top.err <= eps) {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const e = errAt(mid);
      if (e.err <= eps) {
        hi = mid;
        top = e;
      } else lo = mid;
    }
    mNeeded = hi;
  }
  const p = parameterReport(target, top.pruned.network, eps);
  return {
    configId: config.id,
    seed,
    mNeeded,
    censored: mNeeded > mMax,
    errAtM: top.err,
    basisSize: basis.elements.length,
    basisNorm: basisNorm(basis).norm,
    target: p.target,
    random: p.random,
    kept: p.kept,
    lowerBound: p.lowerBound,
    evaluations,
  };
});

/** A cell's seed (its target and probes): independent across configurations (by index) and seed indices. */
export const lawCellSeed = defineSeed('cell', 'base·10000 + 100·configIndex + seedIndex', (base: number, ci: number, s: number) => base * 10_000 + 100 * ci + s);
/** The seed of a cell's random network. */
export const lawRandomSeed = defineSeed('random', 'cell + 7919', (cell: number) => cell + 7919);

/**
 * The cells of a plan, one per (configuration, seed), law configurations first, then the ε arm;
 * seed = baseSeed·10^4 + 100·(configuration index) + seed index.
 */
export function lawCells(plan: LawPlan): LawCell[] {
  return [...plan.configs, ...plan.epsArm].flatMap((config, ci) =>
    Array.from({ length: plan.seeds }, (_, s) => ({ config, seed: lawCellSeed(plan.baseSeed, ci, s), mMax: plan.mMax, probes: plan.probes })),
  );
}

/** Per configuration summary. */
export interface LawPoint {
  config: LawConfig;
  label: string;
  basisSize: number;
  basisNorm: number;
  /** log2(n_in n_out |B| L / eps). */
  x: number;
  /** log2(n_in n_out max(|B|, ‖B‖) L / eps): the package's rule. */
  xNorm: number;
  mMedian: number;
  mQ25: number;
  mQ75: number;
  censored: number;
  seeds: number[];
  mPerSeed: number[];
  target: number;
  randomMedian: number;
  keptMedian: number;
  lowerBound: number;
}

/** The fitted law. */
export interface LawAnalysis {
  points: LawPoint[];
  /** The ε arm (one architecture, several ε). */
  epsPoints: LawPoint[];
  fit: ReturnType<typeof olsFit>;
  fitNorm: ReturnType<typeof olsFit>;
  /** m against log2(1/ε)-shifted argument on the ε arm (undefined with fewer than two ε). */
  epsFit?: ReturnType<typeof olsFit>;
  /** Slope from a bootstrap over seeds within each configuration: 2.5 % and 97.5 % quantiles. */
  slopeCi95: [number, number];
  censoredFraction: number;
}

/** Groups cell results by configuration and regresses median m on the law's argument. */
export function analyseLaw(plan: LawPlan, results: readonly LawCellResult[], bootstrap = 1000): LawAnalysis {
  const points = summarise(plan.configs, results);
  const epsPoints = summarise(plan.epsArm, results);
  const xs = points.map((p) => p.x);
  const fit = olsFit(xs, points.map((p) => p.mMedian));
  const fitNorm = olsFit(points.map((p) => p.xNorm), points.map((p) => p.mMedian));
  const epsFit = epsPoints.length >= 2 ? olsFit(epsPoints.map((p) => p.x), epsPoints.map((p) => p.mMedian)) : undefined;
  const rng = createRng(plan.baseSeed, 97);
  const slopes: number[] = [];
  for (let b = 0; b < bootstrap; b++) {
    const ys = points.map((p) => median(Array.from({ length: p.mPerSeed.length }, () => p.mPerSeed[rng.int(p.mPerSeed.length)]!)));
    slopes.push(olsFit(xs, ys).slope);
  }
  const lawIds = new Set(plan.configs.map((c) => c.id));
  const lawResults = results.filter((r) => lawIds.has(r.configId));
  return {
    points,
    epsPoints,
    fit,
    fitNorm,
    epsFit,
    slopeCi95: [quantile(slopes, 0.025), quantile(slopes, 0.975)],
    censoredFraction: lawResults.filter((r) => r.censored).length / lawResults.length,
  };
}

function summarise(configs: readonly LawConfig[], results: readonly LawCellResult[]): LawPoint[] {
  return configs.map((config) => {
    const rs = results.filter((r) => r.configId === config.id);
    if (rs.length === 0) throw new Error(`analyseLaw: no results for ${config.id}`);
    const ms = rs.map((r) => r.mNeeded);
    const K = rs[0]!.basisSize;
    const norm = rs[0]!.basisNorm;
    return {
      config,
      label: `${FAMILY_LABEL[config.family]} n=${config.n} c=${config.copies} L=${config.depth}`,
      basisSize: K,
      basisNorm: norm,
      x: lawArgument(config, K, config.eps),
      xNorm: lawArgument(config, Math.max(K, norm), config.eps),
      mMedian: median(ms),
      mQ25: quantile(ms, 0.25),
      mQ75: quantile(ms, 0.75),
      censored: rs.filter((r) => r.censored).length,
      seeds: rs.map((r) => r.seed),
      mPerSeed: ms,
      target: rs[0]!.target,
      randomMedian: median(rs.map((r) => r.random)),
      keptMedian: median(rs.map((r) => r.kept)),
      lowerBound: rs[0]!.lowerBound,
    };
  });
}

/** The law's configurations at tolerance `eps`: five families, sizes spanning ~8 bits of the law's argument. */
export function lawConfigs(quick: boolean, eps: number): LawConfig[] {
  const c = (family: LawFamily, n: number, copies: number, depth = 2): LawConfig => ({ id: `${family}-n${n}-c${copies}-L${depth}`, family, n, copies, depth, eps });
  const all = [
    c('deepsets-orbit', 4, 4),
    c('deepsets-orbit', 8, 4),
    c('deepsets-orbit', 16, 4),
    c('maron-1to1', 8, 2),
    c('maron-1to1', 8, 4),
    c('maron-1to1', 8, 8),
    c('maron-1to1', 8, 4, 4),
    c('maron-2to2', 5, 1),
    c('maron-2to2', 5, 2),
    c('maron-2to2', 5, 4),
    c('c4-regular', 4, 1),
    c('c4-regular', 4, 2),
    c('d4-regular', 4, 1),
    c('d4-regular', 4, 2),
  ];
  // Quick mode drops the three costliest cells (2→2 with 4 copies, D4 with 2 copies: ~2 and ~11 s each) and c = 8.
  return quick ? all.filter((x) => !(x.family === 'maron-1to1' && x.copies === 8) && !(x.family === 'maron-2to2' && x.copies === 4) && !(x.family === 'd4-regular' && x.copies === 2)) : all;
}

/** The ε arm: Maron 1→1 (n = 8, 4 copies, L = 2) at each tolerance. */
export function epsArmConfigs(epsilons: readonly number[]): LawConfig[] {
  return epsilons.map((eps) => ({ id: `eps-arm-maron-1to1-n8-c4-L2-eps${eps}`, family: 'maron-1to1', n: 8, copies: 4, depth: 2, eps }));
}
