/**
 * The 4+3 phases of compute-optimal scaling for SGD on PLRF (arXiv 2405.15074) and the exponents the
 * theory gives: loss-vs-steps exponent, compute-optimal d* ~ f^xi and P* ~ f^-eta (f = t d flops).
 * Boundaries: 2 alpha = 1, 2 beta = 1, beta = alpha; below 2(alpha + beta) = 1 the problem is ill-posed.
 * Exponents not known in closed form here are `null`: measure them with `computeOptimalFrontier`.
 */
import { assertFinite, assertPositive } from './validate';

/**
 * Phase labels. Below the high-dimensional line (2 alpha < 1): Ib is 2 beta < 1 (proved for alpha > 1/4),
 * Ic is 2 beta > 1 with alpha < 1/4, IV is 2 beta > 1 with 1/4 < alpha < 1/2; the IVa/IVb split is not
 * resolved here (source: third-party summaries of the 4+3 propositions).
 */
export type SgdPhase = 'Ia' | 'Ib' | 'Ic' | 'II' | 'III' | 'IV' | 'ill-posed';

/** Where a formula comes from. */
export type Provenance = 'paper' | 'derived' | 'unknown';

/** Predicted exponents at one (alpha, beta). */
export interface PhasePrediction {
  phase: SgdPhase;
  /** Which terms trade off at the compute-optimal point. */
  tradeoff: string;
  /** SGD loss exponent in steps (P - P_inf ~ t^-exponent) in the regime before finite-d saturation. */
  sgdLossExponent: number | null;
  /** SGD compute-optimal exponents. */
  sgd: { xi: number | null; eta: number | null; provenance: Provenance };
  /** DANA-decaying loss exponent sigma (2 - 1/(2 alpha)) (pure-point dominated, 2 alpha > 1). */
  danaDecayingLossExponent: number | null;
  /** DANA-decaying compute-optimal exponents (only phase Ia is derived; others must be measured). */
  danaDecaying: { xi: number | null; eta: number | null; provenance: Provenance };
}

/** Classifies (alpha, beta) into the SGD phases. */
export function classifyPhase(alpha: number, beta: number): SgdPhase {
  assertPositive('classifyPhase', 'alpha', alpha);
  assertFinite('classifyPhase', 'beta', beta);
  if (2 * (alpha + beta) <= 1) return 'ill-posed';
  if (2 * alpha < 1) {
    if (2 * beta < 1) return 'Ib';
    return alpha < 0.25 ? 'Ic' : 'IV';
  }
  if (2 * beta < 1) return 'Ia';
  return beta < alpha ? 'II' : 'III';
}

/** Predicted exponents for SGD and DANA-decaying at (alpha, beta). */
export function predictExponents(alpha: number, beta: number): PhasePrediction {
  const phase = classifyPhase(alpha, beta);
  const a2 = 2 * alpha;
  const s = (2 * alpha + 2 * beta - 1) / (2 * alpha); // sigma: pure-point exponent F_pp ~ t^-sigma
  const none = { xi: null, eta: null, provenance: 'unknown' as const };
  const out: PhasePrediction = {
    phase,
    tradeoff: 'unknown',
    sgdLossExponent: null,
    sgd: none,
    danaDecayingLossExponent: null,
    danaDecaying: none,
  };
  if (phase === 'ill-posed' || a2 < 1) {
    out.tradeoff = phase === 'ill-posed' ? 'none (ill-posed)' : 'learning rate must scale with 1/TrK ~ d^-(1-2 alpha): measure from the ODE';
    return out;
  }
  // Noise (K_pp ~ t^-(2 - 1/(2 alpha))) beats the signal F_pp iff beta > alpha.
  out.sgdLossExponent = beta > alpha ? 2 - 1 / a2 : s;
  out.danaDecayingLossExponent = beta < alpha ? s * (2 - 1 / a2) : null;
  if (phase === 'Ia') {
    out.tradeoff = 'F_pp vs F_0';
    out.sgd = { xi: 1 / (a2 + 1), eta: (a2 + 2 * beta - 1) / (a2 + 1), provenance: 'paper' };
    const den = 4 * alpha * alpha + 4 * alpha - 1;
    out.danaDecaying = { xi: (4 * alpha - 1) / den, eta: ((a2 + 2 * beta - 1) * (4 * alpha - 1)) / den, provenance: 'derived' };
  } else if (phase === 'II') {
    out.tradeoff = 'F_pp vs F_ac';
    out.sgd = { xi: beta / (alpha + beta), eta: (a2 + 2 * beta - 1) / (2 * (alpha + beta)), provenance: 'paper' };
  } else {
    out.tradeoff = 'K_pp (SGD noise) vs F_ac';
    out.sgd = { xi: 0.5, eta: 1 - 1 / (4 * alpha), provenance: 'paper' };
  }
  return out;
}
