/**
 * Compute-optimal exponents MEASURED from isoFLOP sweeps of the log-time ODE, to check the closed forms
 * (published or derived: see `phases.ts`) at finite d. Every result carries the sizes,
 * flop budget, spectrum source and seed it was measured with, so it can be reproduced and never mistaken
 * for a theory value.
 */
import { plrfHparams, type PlrfAlgorithm } from '../theory/algorithms';
import { computeOptimalFrontier, fitComputeOptimalExponents } from './compute-optimal';
import { genMomRiskODE } from '../theory/momentum-dynamics';
import { plrfInstance } from '../theory/plrf';
import { type SpectralInputs } from '../types';
import { theoryInputs } from '../theory/theory-inputs';
import { expectFinite, expectPositive } from '@lemma/gpu-kernels/validate';

/** Where the spectrum of each size comes from ('provided': passed in `spectra`, e.g. from a GPU). */
export type SpectrumSource = 'empirical' | 'theory' | 'provided';

/** Settings of {@link measureComputeOptimalExponents} (all optional except alpha, beta). */
export interface MeasureExponentOptions {
  alpha: number;
  beta: number;
  /** Default 'sgd'. */
  algorithm?: PlrfAlgorithm;
  /** Model sizes d of the sweep; default 25 * 2^i (i = 0..4) below the high-dimensional line, 100 * 2^i (i = 0..7) above. */
  sizes?: number[];
  /** Largest flop budget f = t d; each size runs to t = fMax / d. Default 1e8 below the line, 2e8 above. */
  fMax?: number;
  /**
   * 'empirical': eigendecomposition of K = W^T D W for one W per size (seed + i);
   * 'theory': lambda_j = j^-2alpha, rho_j = j^-2beta (+ c_beta / d), no random matrix.
   * Default 'empirical' when 2 alpha < 1 (there K is a bulk near Tr D / d plus spikes, which the theory inputs
   * do not model) and 'theory' otherwise.
   */
  spectrum?: Exclude<SpectrumSource, 'provided'>;
  /**
   * Spectra to use instead, one per entry of `sizes` (which is then required), e.g. read with
   * `parseSpectraFile` from `bench/plrf_spectra_gpu.py`'s output. `seed` is then only recorded.
   */
  spectra?: SpectralInputs[];
  /** Seed of the first W (empirical spectra); default 7. */
  seed?: number;
  /** ODE log-time step; default 3e-2. */
  dTau?: number;
}

/** One measured exponent pair with the settings that produced it. */
export interface MeasuredExponents {
  xi: number;
  eta: number;
  /** 95% intervals of the log-log fits (statistical only: finite-size bias is not included). */
  xiCI95: [number, number];
  etaCI95: [number, number];
  provenance: 'measured';
  algorithm: PlrfAlgorithm;
  sizes: number[];
  fMax: number;
  spectrum: SpectrumSource;
  seed: number;
  /** Interior frontier points used by the fits. */
  points: number;
}

/**
 * isoFLOP measurement of d* ~ f^xi and P* ~ f^-eta: one ODE curve per size, {@link computeOptimalFrontier},
 * then {@link fitComputeOptimalExponents}. Cost: the eigendecompositions dominate for empirical spectra
 * (about 2 s for the default sizes up to d = 400).
 */
export function measureComputeOptimalExponents(opts: MeasureExponentOptions): MeasuredExponents {
  const fn = 'measureComputeOptimalExponents';
  const { alpha, beta } = opts;
  expectPositive(fn, 'alpha', alpha);
  expectFinite(fn, 'beta', beta);
  const below = 2 * alpha < 1;
  const algorithm = opts.algorithm ?? 'sgd';
  const sizes = opts.sizes ?? (below ? [25, 50, 100, 200, 400] : [100, 200, 400, 800, 1600, 3200, 6400, 12800]);
  const fMax = opts.fMax ?? (below ? 1e8 : 2e8);
  if (opts.spectra && (!opts.sizes || opts.spectra.length !== opts.sizes.length)) {
    throw new Error(`${fn}: spectra needs sizes of the same length (${opts.spectra.length} spectra, ${opts.sizes?.length ?? 'no'} sizes)`);
  }
  const spectrum: SpectrumSource = opts.spectra ? 'provided' : (opts.spectrum ?? (below ? 'empirical' : 'theory'));
  const seed = opts.seed ?? 7;
  const dTau = opts.dTau ?? 3e-2;
  expectPositive(fn, 'fMax', fMax);
  if (sizes.length < 3) throw new Error(`${fn}: sizes must hold at least 3 model sizes, got ${sizes.length}`);
  const curves = sizes.map((d, i) => {
    if (!(Number.isInteger(d) && d >= 2)) throw new Error(`${fn}: sizes must be integers >= 2, got ${d}`);
    const given = opts.spectra?.[i];
    if (given && given.lambda.length !== d) throw new Error(`${fn}: spectra[${i}] has ${given.lambda.length} eigenvalues, sizes[${i}] is ${d}`);
    const inp: SpectralInputs = given ?? (spectrum === 'empirical' ? plrfInstance({ alpha, beta, d, seed: seed + i }) : theoryInputs({ alpha, beta, d }));
    const c = genMomRiskODE(inp, { hparams: plrfHparams(algorithm, { alpha, beta, d }), tMax: fMax / d, dTau });
    return { d, steps: c.steps, risk: c.risk };
  });
  const ex = fitComputeOptimalExponents(computeOptimalFrontier(curves));
  const ci = ex.eta.slopeCI95;
  return {
    xi: ex.xi.slope,
    eta: ex.eta.exponent,
    xiCI95: ex.xi.slopeCI95,
    etaCI95: [-ci[1], -ci[0]],
    provenance: 'measured',
    algorithm,
    sizes: [...sizes],
    fMax,
    spectrum,
    seed,
    points: ex.n,
  };
}
