/**
 * The 4+3 phases of compute-optimal scaling for SGD on PLRF (arXiv 2405.15074) and the exponents the
 * theory gives: loss-vs-steps exponent, compute-optimal d* ~ f^xi and P* ~ f^-eta (f = t d flops).
 *
 * Regions (4+3 propositions as quoted by third-party summaries of the paper; see the README):
 * - ill-posed: 2(alpha + beta) <= 1.
 * - Above the high-dimensional line (2 alpha >= 1): Ia 2 beta < 1; II 2 beta >= 1, beta < alpha; III beta >= alpha.
 * - Below it (2 alpha < 1, section "Below the high-dimensional line (Phases IVa, IVb, Ib, Ic)"):
 *   Ib 2 beta < 1 (proved for 1/4 < alpha < 1/2, conjectured by the authors below 1/4), P ~ F_pp + F_0;
 *   Ic 2 beta >= 1, alpha < 1/4 (stated, not proved), P ~ F_pp + F_0;
 *   IV 2 beta >= 1, 1/4 <= alpha < 1/2, split into IVa/IVb by a further boundary that was NOT found in any
 *   source available here. Without it Phase-IV points classify as 'IV'; pass `phaseIvSplit` once the
 *   boundary is known and they classify as 'IVa' / 'IVb'.
 *
 * Boundary convention: a point on a boundary line belongs to the side of larger alpha (2 alpha = 1 and
 * alpha = 1/4 lines) or larger beta (2 beta = 1 and beta = alpha lines); 2(alpha + beta) = 1 is ill-posed.
 *
 * Exponents: closed forms in Ia, II and III. Ib, Ic and IV have no closed form here: `predictExponents`
 * returns `null` with provenance 'unknown', or, with `measure`, the isoFLOP-MEASURED values
 * (provenance 'measured', with the sizes used: see {@link measureComputeOptimalExponents}).
 */
import { measureComputeOptimalExponents, type MeasureExponentOptions, type MeasuredExponents } from './measure-exponents';
import { assertFinite, assertPositive } from './validate';

/** Phase labels ('IV' = Phase IV with the IVa/IVb subphase unresolved; see the module doc). */
export type SgdPhase = 'Ia' | 'Ib' | 'Ic' | 'II' | 'III' | 'IV' | 'IVa' | 'IVb' | 'ill-posed';

/** Where a number comes from: the paper, our own algebra, an isoFLOP measurement, or nowhere. */
export type Provenance = 'paper' | 'derived' | 'measured' | 'unknown';

/** Splits Phase IV (2 beta >= 1, 1/4 <= alpha < 1/2) into its two subphases. */
export type PhaseIvSplit = (alpha: number, beta: number) => 'IVa' | 'IVb';

/** Options of {@link classifyPhase}. */
export interface ClassifyOptions {
  /**
   * The IVa/IVb boundary. Not built in: the 4+3 paper's boundary was not retrievable (only the Ib and Ic
   * propositions were), and it is not invented here. Without it Phase-IV points return 'IV'.
   */
  phaseIvSplit?: PhaseIvSplit;
}

/** Options of {@link predictExponents}. */
export interface PredictOptions extends ClassifyOptions {
  /**
   * Where no closed form is known (Ib, Ic, IV), measure SGD's xi and eta from an isoFLOP sweep of the ODE
   * (`true` for the defaults, or the sweep settings). Costs about 2 s per call below the high-dimensional line.
   */
  measure?: boolean | Omit<MeasureExponentOptions, 'alpha' | 'beta' | 'algorithm'>;
}

/** Compute-optimal exponents with their provenance (and the measurement when measured). */
export interface ComputeOptimalPrediction {
  xi: number | null;
  eta: number | null;
  provenance: Provenance;
  /** Present when provenance is 'measured': sizes, flop budget, spectrum, seed, intervals. */
  measured?: MeasuredExponents;
}

/** Predicted exponents at one (alpha, beta). */
export interface PhasePrediction {
  phase: SgdPhase;
  /** Which terms trade off at the compute-optimal point. */
  tradeoff: string;
  /** SGD loss exponent in steps (P - P_inf ~ t^-exponent) in the regime before finite-d saturation. */
  sgdLossExponent: number | null;
  /** SGD compute-optimal exponents. */
  sgd: ComputeOptimalPrediction;
  /**
   * DANA-decaying loss exponent sigma (2 - 1/(2 alpha)): the exponent of the pure-point term F_pp
   * (2 alpha > 1, beta < alpha). In phase II it holds until the absolutely-continuous term F_ac takes
   * over at t ~ d^(alpha / (beta (2 - 1/(2 alpha)))) (see the README).
   */
  danaDecayingLossExponent: number | null;
  /** DANA-decaying compute-optimal exponents (only phase Ia is derived; others must be measured). */
  danaDecaying: ComputeOptimalPrediction;
}

/** Classifies (alpha, beta) into the SGD phases (boundary convention in the module doc). */
export function classifyPhase(alpha: number, beta: number, opts: ClassifyOptions = {}): SgdPhase {
  assertPositive('classifyPhase', 'alpha', alpha);
  assertFinite('classifyPhase', 'beta', beta);
  if (2 * (alpha + beta) <= 1) return 'ill-posed';
  if (2 * alpha < 1) {
    if (2 * beta < 1) return 'Ib';
    if (alpha < 0.25) return 'Ic';
    if (!opts.phaseIvSplit) return 'IV';
    const sub = opts.phaseIvSplit(alpha, beta);
    if (sub !== 'IVa' && sub !== 'IVb') throw new Error(`classifyPhase: phaseIvSplit must return 'IVa' or 'IVb', got ${String(sub)}`);
    return sub;
  }
  if (2 * beta < 1) return 'Ia';
  return beta < alpha ? 'II' : 'III';
}

/** True for the phases below the high-dimensional line without a closed form here. */
function isBelowLine(phase: SgdPhase): boolean {
  return phase === 'Ib' || phase === 'Ic' || phase === 'IV' || phase === 'IVa' || phase === 'IVb';
}

/** Predicted exponents for SGD and DANA-decaying at (alpha, beta). */
export function predictExponents(alpha: number, beta: number, opts: PredictOptions = {}): PhasePrediction {
  const phase = classifyPhase(alpha, beta, opts);
  const a2 = 2 * alpha;
  const s = (2 * alpha + 2 * beta - 1) / (2 * alpha); // sigma: pure-point exponent F_pp ~ t^-sigma
  const none = (): ComputeOptimalPrediction => ({ xi: null, eta: null, provenance: 'unknown' });
  const out: PhasePrediction = {
    phase,
    tradeoff: 'unknown',
    sgdLossExponent: null,
    sgd: none(),
    danaDecayingLossExponent: null,
    danaDecaying: none(),
  };
  if (phase === 'ill-posed') {
    out.tradeoff = 'none (ill-posed)';
    return out;
  }
  if (isBelowLine(phase)) {
    out.tradeoff =
      phase === 'Ib' || phase === 'Ic'
        ? 'F_pp vs F_0 (4+3 proposition; no closed-form exponents retrieved: measure)'
        : 'not retrieved (IVa/IVb propositions unavailable): measure';
    if (opts.measure) {
      const settings = opts.measure === true ? {} : opts.measure;
      const m = measureComputeOptimalExponents({ ...settings, alpha, beta, algorithm: 'sgd' });
      out.sgd = { xi: m.xi, eta: m.eta, provenance: 'measured', measured: m };
    }
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
