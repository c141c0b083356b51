/**
 * Named PLRF algorithms (SGD, SGD-M, DANA-constant, DANA-decaying) as Gen-Mom-SGD schedules, built from
 * `@lemma/optim`'s DANA hyperparameter rules (`danaHyperparameters`, the authors' mlexpos/adana `jax/dana_plrf.py`):
 * gamma2 = 1/2 min(1, B / Tr K), Delta(t) = delta/(delta + t) with delta = 4 + (alpha + beta)/alpha,
 * DANA-constant gamma3 = gamma2 / (2 d), DANA-decaying gamma3 = gamma2/2 (1 + t)^-((1 - kappa_b)/(2 alpha)).
 */
import { danaHyperparameters } from '@lemma/optim';
import { constant, type GenMomHparams } from './schedule';
import { expectInteger } from '@lemma/gpu-kernels/validate';

/** The four algorithms of the DANA paper's PLRF experiments. */
export type PlrfAlgorithm = 'sgd' | 'sgd-m' | 'dana-constant' | 'dana-decaying';

/** The algorithm names, in plotting order. */
export const PLRF_ALGORITHMS: readonly PlrfAlgorithm[] = ['sgd', 'sgd-m', 'dana-constant', 'dana-decaying'];

/** Options of {@link plrfHparams}. */
export interface PlrfHparamOptions {
  alpha: number;
  beta: number;
  d: number;
  /** Data dimension (for Tr K); default 4 d. */
  v?: number;
  batch?: number;
  /** SGD-M momentum mu (Delta = 1 - mu); default 0.9. */
  momentum?: number;
}

/**
 * Hyperparameters of `algorithm` on PLRF(alpha, beta, d). SGD uses DANA's gamma2. SGD-M (constant
 * Delta = 1 - mu) splits the same effective rate gamma2 + gamma3/Delta = gamma2 evenly between the direct
 * step and the buffer, so its exponents equal SGD's (time is not rescaled; DANA abstract per third-party notes).
 */
export function plrfHparams(algorithm: PlrfAlgorithm, opts: PlrfHparamOptions): GenMomHparams {
  const fn = 'plrfHparams';
  const batch = opts.batch ?? 1;
  expectInteger(fn, 'batch', batch, { min: 1 });
  const h = danaHyperparameters({ alpha: opts.alpha, beta: opts.beta, d: opts.d, batch, v: opts.v ?? 4 * opts.d });
  const delta = { scale: 1, power: -1, timeScale: h.delta };
  switch (algorithm) {
    case 'sgd':
      return { g1: constant(0), g2: constant(h.gamma2), g3: constant(0), delta: constant(0) };
    case 'sgd-m': {
      const mu = opts.momentum ?? 0.9;
      if (!(mu >= 0 && mu < 1)) throw new Error(`${fn}: momentum must be in [0, 1), got ${mu}`);
      return { g1: constant(1), g2: constant(0.5 * h.gamma2), g3: constant(0.5 * h.gamma2 * (1 - mu)), delta: constant(1 - mu) };
    }
    case 'dana-constant':
      return { g1: constant(h.gamma1), g2: constant(h.gamma2), g3: constant(h.gamma3Constant), delta };
    case 'dana-decaying':
      return { g1: constant(h.gamma1), g2: constant(h.gamma2), g3: { scale: h.gamma3DecayingPrefactor, power: -h.gamma3DecayingExponent }, delta };
    default:
      throw new Error(`${fn}: algorithm must be one of ${PLRF_ALGORITHMS.join(', ')}, got ${String(algorithm)}`);
  }
}

/** The SGD learning rate the rules use: gamma2 = 1/2 min(1, B / Tr K). */
export function plrfBaseLearningRate(opts: PlrfHparamOptions): number {
  return danaHyperparameters({ alpha: opts.alpha, beta: opts.beta, d: opts.d, batch: opts.batch ?? 1, v: opts.v ?? 4 * opts.d }).gamma2;
}
