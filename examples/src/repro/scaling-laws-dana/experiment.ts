/**
 * scaling-laws-dana, the science: SGD, SGD-M and DANA on power-law random features (PLRF). Monte Carlo loss curves
 * against the exact-spectrum ODE, loss exponents fitted on theory-input ODE curves, the 4+3 phase diagram of SGD's
 * closed forms, derived exponents below the high-dimensional line against isoFLOP sweeps on GPU-computed spectra
 * (a fixture), and compute-optimal frontiers of SGD vs DANA-decaying. Plan → data; the verdict, metrics and
 * figures live beside it.
 */
import {
  computeOptimalFrontier,
  fitComputeOptimalExponents,
  fitPowerLaw,
  genMomRiskODE,
  interpLogLog,
  geometricStepGrid,
  measureComputeOptimalExponents,
  parseSpectraFile,
  PLRF_ALGORITHMS,
  plrfHparams,
  plrfInstance,
  predictExponents,
  simulateEigenbasisCPU,
  simulateEigenbasisGPU,
  spectralInputsFromFile,
  theoryInputs,
  type ComputeOptimalPrediction,
  type PlrfAlgorithm,
  type SimulationResult,
  type SpectraFileIndex,
  type SpectralInputs,
} from '@lemma/scaling-laws';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findUp } from '../../fixtures/path';
import type { ReproContext } from '../../types';
import { defineSeed } from '../../lib/seeds';
import { roundScaled } from '../../lib/format';

export const LABEL: Record<PlrfAlgorithm, string> = { sgd: 'SGD', 'sgd-m': 'SGD-M', 'dana-constant': 'DANA-constant', 'dana-decaying': 'DANA-decaying' };

/** The (α, β) of the loss curves and of the compute-optimal frontiers. */
export const POINTS: [number, number][] = [[1, 0.7], [1, 0.3]];
/** (α, β) and DANA-decaying's accelerated step window [lo, hi] of the loss-exponent fits. */
export const EXPONENT_POINTS: [number, number, number, number][] = [[1, 0.3, 3e4, 3e5], [1, 0.7, 300, 3000], [1.25, 0.3, 1e4, 1e5], [1.5, 0.4, 1e4, 1e5]];
/** Below the high-dimensional line: the (α, β) measured on the fixture's spectra (α = 0.4). */
export const MEASURED_POINTS: [number, number][] = [[0.4, 0.35], [0.4, 0.7]];

export interface DanaPlan {
  /** Loss curves: PLRF size d, steps, Monte Carlo seeds. */
  curves: { d: number; steps: number; seeds: number };
  /** Loss exponents: size of the theory inputs, and of the pure-point check of phase II. */
  exponents: { d: number; purePointD: number };
  /** Below the line: the first `sizes` spectra of the fixture, flop budget fMax. */
  measured: { sizes: number; fMax: number };
  /** Compute-optimal frontiers: sizes d = 100·2^i (i < sizes), flop budget fMax. */
  frontier: { sizes: number; fMax: number };
}

const FIXTURE_SIZES = 8;
export const QUICK_PLAN: DanaPlan = { curves: { d: 400, steps: 100_000, seeds: 6 }, exponents: { d: 30_000, purePointD: 100_000 }, measured: { sizes: FIXTURE_SIZES, fMax: 1e10 }, frontier: { sizes: 8, fMax: 2e8 } };
export const FULL_PLAN: DanaPlan = { curves: { d: 2000, steps: 2_000_000, seeds: 32 }, exponents: { d: 100_000, purePointD: 100_000 }, measured: { sizes: FIXTURE_SIZES, fMax: 1e10 }, frontier: { sizes: 10, fMax: 1e10 } };

/** One point of a plotted loss curve. */
export interface CurvePoint {
  step: number;
  risk: number;
  algorithm: string;
  source: string;
}

/** Monte Carlo vs ODE on one PLRF instance. */
export interface CurveSection {
  alpha: number;
  beta: number;
  pInf: number;
  /** Thinned curves of every algorithm, Monte Carlo and ODE. */
  values: CurvePoint[];
  /** Median |MC mean − ODE| in standard errors over the logged steps, per algorithm (NaN when none compare). */
  medianAbsZ: Record<PlrfAlgorithm, number>;
}

/** One fitted loss exponent against its closed form. */
export interface ExponentFit {
  alpha: number;
  beta: number;
  phase: string;
  algorithm: PlrfAlgorithm;
  window: [number, number];
  exponent: number;
  theory: number | null;
  /** Whether the verdict checks it (within ±tol). */
  checked: boolean;
  tol: number;
}

/** Phase II DANA-decaying on the pure-point part of the spectrum alone. */
export interface PurePointFit {
  alpha: number;
  beta: number;
  d: number;
  window: [number, number];
  exponent: number;
  theory: number;
}

/** One cell of the phase diagram (centred on the evaluated point). */
export interface PhaseCell {
  alpha: number;
  beta: number;
  a0: number;
  a1: number;
  b0: number;
  b1: number;
  phase: string;
  eta: number | null;
  xi: number | null;
  source: string;
}

/** Derived vs measured SGD exponents below the line. */
export interface MeasuredExponentRow {
  alpha: number;
  beta: number;
  phase: string;
  etaDerived: number;
  xiDerived: number;
  eta: number;
  etaCI95: [number, number];
  xi: number;
  xiCI95: [number, number];
  sizes: number[];
  device: string;
  seed: number;
}

/** One compute-optimal frontier and its fitted exponents. */
export interface FrontierFit {
  alpha: number;
  beta: number;
  phase: string;
  algorithm: 'sgd' | 'dana-decaying';
  eta: number;
  xi: number;
  theory: ComputeOptimalPrediction;
  /** Interior frontier points. */
  points: { flops: number; risk: number; dStar: number }[];
}

/** Everything the verdict, metrics and figures need. */
export interface DanaData {
  plan: DanaPlan;
  curves: CurveSection[];
  exponents: ExponentFit[];
  purePoint: PurePointFit;
  grid: PhaseCell[];
  measured: MeasuredExponentRow[];
  frontiers: FrontierFit[];
  seeds: Record<string, number>;
}

/** Thins a curve to about `n` log-spaced points for plotting. */
function thin(steps: ArrayLike<number>, ys: ArrayLike<number>, n = 120): { t: number; y: number }[] {
  const out: { t: number; y: number }[] = [];
  let last = -Infinity;
  const tMax = steps[steps.length - 1]!;
  const gap = Math.log(tMax) / n;
  for (let i = 0; i < steps.length; i++) {
    const t = steps[i]!;
    if (t < 1) continue;
    if (Math.log(t) - last >= gap || i === steps.length - 1) {
      out.push({ t, y: ys[i]! });
      last = Math.log(t);
    }
  }
  return out;
}

async function simulate(ctx: ReproContext, inst: SpectralInputs, alg: PlrfAlgorithm, o: { alpha: number; beta: number; d: number; seeds: number; seed: number; steps: number[] }): Promise<SimulationResult> {
  const hparams = plrfHparams(alg, { alpha: o.alpha, beta: o.beta, d: o.d });
  const sim = { hparams, seeds: o.seeds, seed: o.seed, steps: o.steps };
  return ctx.backend === 'webgpu' ? simulateEigenbasisGPU(inst, sim) : simulateEigenbasisCPU(inst, sim);
}

/** 1. Loss curves on one PLRF instance per point: Monte Carlo (eigenbasis) vs the exact-spectrum ODE. */
/** The seed of the PLRF instance (W) of (α, β) point index pi. */
export const danaInstanceSeed = defineSeed('instance', 'base·1000 + pointIndex', (base: number, pi: number) => base * 1000 + pi);
/** The seed of the Monte Carlo runs of algorithm index ai on an instance. */
export const danaSimulationSeed = defineSeed('simulation', 'instance·10 + algorithmIndex', (instance: number, ai: number) => instance * 10 + ai);

async function lossCurves(ctx: ReproContext, plan: DanaPlan, seeds: Record<string, number>): Promise<CurveSection[]> {
  const { d: dSim, steps: tSim, seeds: nSeeds } = plan.curves;
  const out: CurveSection[] = [];
  const prog = ctx.progress('PLRF loss curves', POINTS.length * PLRF_ALGORITHMS.length);
  for (const [pi, [alpha, beta]] of POINTS.entries()) {
    const wSeed = danaInstanceSeed(ctx.seed, pi);
    seeds[`W_${alpha}_${beta}`] = wSeed;
    const inst = plrfInstance({ alpha, beta, d: dSim, seed: wSeed });
    const steps = geometricStepGrid(tSim, 16);
    const values: CurvePoint[] = [];
    const medianAbsZ = {} as Record<PlrfAlgorithm, number>;
    for (const [ai, alg] of PLRF_ALGORITHMS.entries()) {
      const simSeed = danaSimulationSeed(wSeed, ai);
      seeds[`mc_${alg}_${alpha}_${beta}`] = simSeed;
      const mc = await simulate(ctx, inst, alg, { alpha, beta, d: dSim, seeds: nSeeds, seed: simSeed, steps });
      const ode = genMomRiskODE(inst, { hparams: plrfHparams(alg, { alpha, beta, d: dSim }), tMax: tSim, dTau: 1e-2 });
      for (const p of thin(mc.steps, mc.mean)) values.push({ step: p.t, risk: p.y, algorithm: LABEL[alg], source: `Monte Carlo (${nSeeds} seeds)` });
      for (const p of thin(ode.steps, ode.risk)) values.push({ step: p.t, risk: p.y, algorithm: LABEL[alg], source: 'theory (ODE)' });
      // Median |MC mean - ODE| in standard errors over the logged steps: ~0.67 when they agree (the ODE has small
      // first-order time-discretisation error, so large-seed full runs may show a bias of a few percent).
      const zs: number[] = [];
      for (let i = 1; i < mc.steps.length; i++) {
        const t = mc.steps[i]!;
        if (t >= ode.steps[1]! && t <= ode.steps[ode.steps.length - 1]! && mc.stderr[i]! > 0) zs.push(Math.abs(mc.mean[i]! - interpLogLog(ode.steps, ode.risk, t)) / mc.stderr[i]!);
      }
      zs.sort((a, b) => a - b);
      medianAbsZ[alg] = zs[zs.length >> 1] ?? NaN;
      prog.tick(1, `${LABEL[alg]} (${alpha}, ${beta})`);
    }
    out.push({ alpha, beta, pInf: inst.pInf, values, medianAbsZ });
  }
  prog.done();
  return out;
}

/** 2. Fitted loss exponents from theory inputs (no random matrix) vs the closed forms. */
function lossExponents(plan: DanaPlan): { exponents: ExponentFit[]; purePoint: PurePointFit } {
  const dExp = plan.exponents.d;
  const exponents: ExponentFit[] = [];
  for (const [alpha, beta, lo, hi] of EXPONENT_POINTS) {
    const pred = predictExponents(alpha, beta);
    const inp = theoryInputs({ alpha, beta, d: dExp });
    for (const alg of PLRF_ALGORITHMS) {
      const ode = genMomRiskODE(inp, { hparams: plrfHparams(alg, { alpha, beta, d: dExp }), tMax: 2e6, dTau: 2e-2 });
      // DANA-decaying is fitted on its own accelerated window.
      const win: [number, number] = alg === 'dana-decaying' ? [lo, hi] : [Math.min(lo, 1000), Math.min(hi, 1e4)];
      const fit = fitPowerLaw(ode.steps, ode.risk, { xMin: win[0], xMax: win[1], offset: inp.pInf });
      const theory = alg === 'sgd' || alg === 'sgd-m' ? pred.sgdLossExponent : alg === 'dana-decaying' ? pred.danaDecayingLossExponent : null;
      const tol = alg === 'sgd' ? 0.03 : 0.05;
      // DANA-decaying's sigma (2 - 1/(2 alpha)) holds while the pure-point term dominates: phase Ia here. In II the
      // F_ac term takes over on the full spectrum; the phase-II check is the pure-point fit below.
      const checked = theory !== null && (alg === 'sgd' || (alg === 'dana-decaying' && pred.phase === 'Ia'));
      exponents.push({ alpha, beta, phase: pred.phase, algorithm: alg, window: win, exponent: fit.exponent, theory, checked, tol });
    }
  }
  // Phase II DANA-decaying: sigma (2 - 1/(2 alpha)) is the exponent of the pure-point term F_pp. On the full
  // spectrum the absolutely-continuous part c_beta/d takes over at t ~ d^0.95 (slope -> (1 - 1/(2a))(2 - 1/(2a)),
  // 0.75 here), so the closed form is checked on the pure-point part alone (the d -> infinity limit at fixed t).
  const [alpha, beta, dPp, lo, hi] = [1, 0.7, plan.exponents.purePointD, 2e4, 1e5];
  const inp = theoryInputs({ alpha, beta, d: dPp, part: 'pure-point' });
  const ode = genMomRiskODE(inp, { hparams: plrfHparams('dana-decaying', { alpha, beta, d: dPp }), tMax: 1.2 * hi, dTau: 2e-2 });
  const fit = fitPowerLaw(ode.steps, ode.risk, { xMin: lo, xMax: hi, offset: inp.pInf });
  const purePoint = { alpha, beta, d: dPp, window: [lo, hi] as [number, number], exponent: fit.exponent, theory: predictExponents(alpha, beta).danaDecayingLossExponent! };
  return { exponents, purePoint };
}

/** 3. SGD's phase and predicted compute-optimal exponents over (α, β) (paper closed forms in Ia, II, III; derived below the line). */
export function phaseGrid(): PhaseCell[] {
  const grid: PhaseCell[] = [];
  // Cells of 0.02 x 0.03 centred on the evaluated point: the IVb band (1/4 <= alpha < 0.293) is only 0.043 wide.
  const [dA, dB] = [0.02, 0.03];
  for (let i = 0; i < 60; i++) for (let j = 0; j < 50; j++) {
    const alpha = dA * (i + 0.5), beta = dB * (j + 0.5);
    const p = predictExponents(alpha, beta);
    grid.push({ alpha: roundScaled(alpha), beta: roundScaled(beta), a0: roundScaled(dA * i), a1: roundScaled(dA * (i + 1)), b0: roundScaled(dB * j), b1: roundScaled(dB * (j + 1)), phase: p.phase, eta: p.sgd.eta === null ? null : roundScaled(p.sgd.eta), xi: p.sgd.xi === null ? null : roundScaled(p.sgd.xi), source: p.sgd.provenance });
  }
  return grid;
}

/**
 * 3b. Below the line: derived exponents against isoFLOP sweeps on GPU-computed spectra (d up to 12800; the CPU
 * eigensolver stops near d = 1600, far too small here).
 */
function measuredBelowLine(plan: DanaPlan): MeasuredExponentRow[] {
  const specDir = findUp('packages/scaling-laws/fixtures/plrf-spectra-a0.4');
  const specIndex = JSON.parse(readFileSync(join(specDir, 'spectra.json'), 'utf8')) as SpectraFileIndex;
  const specEntries = parseSpectraFile(specIndex, readFileSync(join(specDir, 'spectra.bin'))).slice(0, plan.measured.sizes);
  return MEASURED_POINTS.map(([alpha, beta]) => {
    const sizes = specEntries.map((e) => e.d);
    const m = measureComputeOptimalExponents({ alpha, beta, sizes, spectra: specEntries.map((e) => spectralInputsFromFile(e, beta)), fMax: plan.measured.fMax, seed: specIndex.seed });
    const p = predictExponents(alpha, beta);
    return { alpha, beta, phase: p.phase, etaDerived: p.sgd.eta!, xiDerived: p.sgd.xi!, eta: m.eta, etaCI95: m.etaCI95, xi: m.xi, xiCI95: m.xiCI95, sizes, device: specIndex.device ?? '?', seed: specIndex.seed };
  });
}

/** 4. Compute-optimal frontiers (isoFLOP minimisation over d) for SGD vs DANA-decaying. */
function frontiers(ctx: ReproContext, plan: DanaPlan): FrontierFit[] {
  const { sizes, fMax } = plan.frontier;
  const out: FrontierFit[] = [];
  const cp = ctx.progress('isoFLOP sweeps', 2 * 2 * sizes);
  for (const [alpha, beta] of POINTS) {
    const pred = predictExponents(alpha, beta);
    for (const alg of ['sgd', 'dana-decaying'] as const) {
      const curves = [];
      for (let i = 0; i < sizes; i++) {
        const d = 100 * 2 ** i;
        const inp = theoryInputs({ alpha, beta, d });
        const c = genMomRiskODE(inp, { hparams: plrfHparams(alg, { alpha, beta, d }), tMax: fMax / d, dTau: 3e-2 });
        curves.push({ d, steps: c.steps, risk: c.risk });
        cp.tick();
      }
      const fr = computeOptimalFrontier(curves);
      const ex = fitComputeOptimalExponents(fr);
      const points: FrontierFit['points'] = [];
      for (let i = 0; i < fr.flops.length; i++) if (fr.interior[i]) points.push({ flops: fr.flops[i]!, risk: fr.risk[i]!, dStar: fr.dStar[i]! });
      out.push({ alpha, beta, phase: pred.phase, algorithm: alg, eta: ex.eta.exponent, xi: ex.xi.slope, theory: alg === 'sgd' ? pred.sgd : pred.danaDecaying, points });
    }
  }
  cp.done();
  return out;
}

export async function runDana(ctx: ReproContext, plan: DanaPlan): Promise<DanaData> {
  const seeds: Record<string, number> = { base: ctx.seed };
  const curves = await lossCurves(ctx, plan, seeds);
  const { exponents, purePoint } = lossExponents(plan);
  const grid = phaseGrid();
  const measured = measuredBelowLine(plan);
  return { plan, curves, exponents, purePoint, grid, measured, frontiers: frontiers(ctx, plan), seeds };
}
