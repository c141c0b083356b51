import { expectBoolean, expectFunction, expectInteger, expectOneOf, expectOptions, expectPositive, invalidArgument } from '@lemma/gpu-kernels/validate';

/** Options shared by the tensor and float64 Sinkhorn solvers. */
export interface SinkhornOptions {
  /**
   * Treat `reg` as relative to a statistic of the cost (OTT-JAX's `relative_epsilon`): ε = reg · stat(M).
   * `false` (default) uses `reg` as is.
   */
  relativeEpsilon?: 'mean' | 'std' | 'max' | false;
  /**
   * ε-scaling: start at `start` (default: max(M) - min(M), at least the target ε) and multiply by `decay`
   * (default 0.5) until the target ε, warm-starting each stage. `false` disables it; warm starts disable it too.
   */
  epsilonScaling?: { start?: number; decay?: number; stageIterations?: number } | false;
  /** Stop when the L1 marginal error Σ_j |(Pᵀ1)_j - b_j| falls below this (default 1e-6). */
  threshold?: number;
  /** Iteration cap at the target ε (default 1000; an integer >= 1). */
  maxIterations?: number;
  /** Check the marginal error every this many iterations (default 10, an integer >= 1; reading it back syncs the GPU). */
  checkEvery?: number;
  /** Return the transport plan (default true; off for large n where only the duals are wanted). */
  returnPlan?: boolean;
  /**
   * Called at every marginal-error check (every `checkEvery` iterations and at the end of each stage), e.g. to
   * record a convergence curve. Reading the error back is what a check costs anyway; the callback adds nothing.
   */
  onCheck?: (check: SinkhornCheck) => void;
  /**
   * Warn (one `console.warn` per call) when the solve stops at `maxIterations` with the marginal error still at or
   * above `threshold`, as POT does (default true). `false` silences it, e.g. for a deliberate fixed iteration count;
   * the result's `converged` says the same either way.
   */
  warn?: boolean;
}

/** What {@link SinkhornOptions.onCheck} receives at one check. */
export interface SinkhornCheck {
  /** Index of the ε stage (the last stage is the target ε). */
  stage: number;
  /** The stage's ε. */
  epsilon: number;
  /** Full iterations so far, over all stages. */
  iteration: number;
  /** The L1 column-marginal error (`stepMarginalErrorF64`) at this check. */
  marginalError: number;
}

/** Scalars reported by both Sinkhorn solvers (sums over the potentials and the plan accumulated in float64). */
export interface SinkhornStats {
  /** Entropic OT cost ⟨f, a⟩ + ⟨g, b⟩ = ⟨P, C⟩ + ε KL(P | a⊗b) at convergence (standard entropic-OT dual objective). */
  regularizedCost: number;
  /** ⟨P, C⟩ (NaN when the plan is not returned). */
  transportCost: number;
  /** The ε actually used (after relative scaling). */
  epsilon: number;
  iterations: number;
  /** L1 error of the column marginal at the last check (rows are exact after each row update). */
  marginalError: number;
  converged: boolean;
}

/** Resolved schedule: the list of ε values, the last being the target. */
export interface EpsilonSchedule {
  target: number;
  stages: number[];
  stageIterations: number;
}

/** Cost statistics the schedule needs. */
export interface CostStats {
  mean: number;
  std: number;
  max: number;
  min: number;
}

/**
 * The target ε: `reg` itself, or with `relativeEpsilon` reg · stat(C) (OTT-JAX's relative_epsilon; 'max' is
 * max |C_ij|). One resolution per cost matrix: `sinkhornDivergence` resolves it once, from C_xy, for its three terms.
 */
export function resolveEpsilon(fn: string, reg: number, stats: CostStats, rel: SinkhornOptions['relativeEpsilon']): number {
  if (!(reg > 0) || !Number.isFinite(reg)) throw new Error(`${fn}: reg must be a finite number > 0, got ${reg}`);
  if (rel === undefined || rel === false) return reg;
  const s = rel === 'mean' ? stats.mean : rel === 'std' ? stats.std : Math.max(Math.abs(stats.max), Math.abs(stats.min));
  if (!(s > 0)) throw new Error(`${fn}: relativeEpsilon '${rel}' needs a positive cost statistic, got ${s}`);
  return reg * s;
}

/** Builds the ε schedule from `reg`, the cost statistics and the options (shared by both solvers). */
// Geometric ε-scaling with warm starts: standard (POT `sinkhorn_epsilon_scaling`, GeomLoss `scaling`); this start and decay are ours.
export function epsilonSchedule(fn: string, reg: number, stats: CostStats, options: SinkhornOptions, warm: boolean): EpsilonSchedule {
  const target = resolveEpsilon(fn, reg, stats, options.relativeEpsilon);
  const scaling = options.epsilonScaling ?? {};
  if (scaling === false || warm) return { target, stages: [target], stageIterations: 0 };
  const decay = scaling.decay ?? 0.5;
  if (!(typeof decay === 'number' && decay > 0 && decay < 1)) throw invalidArgument(fn, 'epsilonScaling.decay', 'in (0, 1)', decay, typeof decay === 'number' ? 'range' : 'type');
  const start = Math.max(scaling.start ?? stats.max - stats.min, target);
  const stages: number[] = [];
  for (let e = start; e > target && stages.length < 200; e *= decay) stages.push(e);
  stages.push(target);
  return { target, stages, stageIterations: scaling.stageIterations ?? 20 };
}

/** Iteration caps (gpu-kernels' sinkhornIterations uses the same 1e7): past them a run is a hang, not a solve. */
export const MAX_SINKHORN_ITERATIONS = 10_000_000;
/** Per warm-up stage (up to 200 stages precede the target ε). */
const MAX_STAGE_ITERATIONS = 100_000;

/** The default `threshold` of {@link SinkhornOptions} (the L1 marginal error that counts as converged). */
export const DEFAULT_SINKHORN_THRESHOLD = 1e-6;

const OPTION_KEYS = ['relativeEpsilon', 'epsilonScaling', 'threshold', 'maxIterations', 'checkEvery', 'returnPlan', 'onCheck', 'warn'] as const;

/**
 * Option names of POT (`ot.sinkhorn`), OTT-JAX and GeomLoss mapped to ours, for "did you mean" (a name whose target
 * the solver does not take is ignored: `reg` means `eps` only for the point-cloud solvers, where ε is an option).
 */
export const SINKHORN_ALIASES: Readonly<Record<string, string>> = {
  numItermax: 'maxIterations',
  maxIter: 'maxIterations',
  max_iter: 'maxIterations',
  max_iterations: 'maxIterations',
  stopThr: 'threshold',
  tol: 'threshold',
  tolerance: 'threshold',
  log: 'onCheck',
  verbose: 'onCheck',
  warmstart: 'init',
  warm_start: 'init',
  inner_iterations: 'checkEvery',
  reg: 'eps',
  epsilon: 'eps',
};

/** The `expectOptions` rule of every Sinkhorn entry: POT-style aliases and the closest spelling as "did you mean". */
export const SINKHORN_OPTIONS_RULE = { aliases: SINKHORN_ALIASES, closest: true } as const;

/** Validates the shared Sinkhorn options (and the solver's own extra keys, checked by the caller). */
export function validateSinkhornOptions(fn: string, options: SinkhornOptions, extraKeys: readonly string[]): void {
  expectOptions(fn, 'options', options as Record<string, unknown>, [...OPTION_KEYS, ...extraKeys], SINKHORN_OPTIONS_RULE);
  if (options.warn !== undefined) expectBoolean(fn, 'options.warn', options.warn);
  if (options.relativeEpsilon !== undefined) expectOneOf(fn, 'options.relativeEpsilon', options.relativeEpsilon, ['mean', 'std', 'max', false]);
  if (options.threshold !== undefined) expectPositive(fn, 'options.threshold', options.threshold);
  if (options.maxIterations !== undefined) expectInteger(fn, 'options.maxIterations', options.maxIterations, { min: 1, max: MAX_SINKHORN_ITERATIONS });
  if (options.checkEvery !== undefined) expectInteger(fn, 'options.checkEvery', options.checkEvery, { min: 1 });
  if (options.returnPlan !== undefined) expectBoolean(fn, 'options.returnPlan', options.returnPlan);
  if (options.onCheck !== undefined) expectFunction(fn, 'options.onCheck', options.onCheck);
  const sc = options.epsilonScaling;
  if (sc !== undefined && sc !== false) {
    expectOptions(fn, 'options.epsilonScaling', sc, ['start', 'decay', 'stageIterations']);
    if (sc.start !== undefined) expectPositive(fn, 'options.epsilonScaling.start', sc.start);
    if (sc.stageIterations !== undefined) expectInteger(fn, 'options.epsilonScaling.stageIterations', sc.stageIterations, { min: 0, max: MAX_STAGE_ITERATIONS });
    if (sc.decay !== undefined && !(typeof sc.decay === 'number' && sc.decay > 0 && sc.decay < 1)) {
      throw invalidArgument(fn, 'options.epsilonScaling.decay', 'in (0, 1)', sc.decay, typeof sc.decay === 'number' ? 'range' : 'type');
    }
  }
}

/** What {@link warnUnconverged} reports of one solve. */
export interface SolveReport {
  /** Names the solve when a call runs several (`xy`, `xx`, `yy`). */
  label?: string;
  converged: boolean;
  marginalError: number;
  iterations: number;
}

/** A number for a message: 3 significant digits, exponent form below 1e-3 (`3.21e-4`, `1e-6`, `0.05`). */
function short(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  return Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(2).replace(/\.?0+e/, 'e') : String(Number(x.toPrecision(3)));
}

/**
 * One `console.warn` for a call whose solves did not all converge (none when they did): what each unconverged solve
 * reached against the threshold, and the options to change (POT's "Sinkhorn did not converge" in our names). `epsName`
 * is how the caller gives ε (`reg` or `options.blur / options.eps`).
 */
export function warnUnconverged(fn: string, solves: readonly SolveReport[], threshold: number, epsilon: number, epsName: string): void {
  const bad = solves.filter((s) => !s.converged);
  if (bad.length === 0) return;
  const what = bad.map((s) => `${s.label ? `${s.label}: ` : ''}marginal error ${short(s.marginalError)} after ${s.iterations} iteration${s.iterations === 1 ? '' : 's'}`).join('; ');
  console.warn(
    `${fn}: Sinkhorn did not converge (${what}; options.threshold is ${short(threshold)}, ε = ${short(epsilon)}). ` +
      `Increase options.maxIterations or ${epsName} (a larger ε converges in fewer iterations), or raise options.threshold; ` +
      'options.warn: false silences this warning.',
  );
}
