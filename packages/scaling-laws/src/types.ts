/**
 * Data types shared by the theory, simulation and fitting modules: the spectral inputs every curve is computed from,
 * a risk curve, and the Monte Carlo simulators' options and results.
 */
import type { GenMomHparams } from './theory/schedule';

/** The spectral form of a PLRF instance: what every simulator and theory curve consumes. */
export interface SpectralInputs {
  /** Eigenvalues of K, descending (length d). */
  lambda: Float64Array;
  /** rho_k(0) = (u_k^T (theta_0 - theta*))^2 with theta_0 = 0, aligned with `lambda`. */
  rho0: Float64Array;
  /** Irreducible risk P_inf (risk convention with the 1/2). */
  pInf: number;
}

/** A risk curve P(t) logged at integer steps. */
export interface RiskCurve {
  steps: Float64Array;
  /** Risk P (with the 1/2). */
  risk: Float64Array;
}

/** Options of the Monte Carlo simulators. */
export interface SimulationOptions {
  hparams: GenMomHparams;
  /** Batch size B (batch-mean gradient). Default 1. */
  batch?: number;
  /** Number of independent runs. */
  seeds: number;
  /** Base seed; run s uses stream s of it. */
  seed: number;
  /** Increasing integer steps at which the risk is logged (e.g. {@link geometricStepGrid}). */
  steps: number[];
}

/** Risks of many independent runs on a common step grid. */
export interface SimulationResult {
  steps: Float64Array;
  /** risk[s * steps.length + i] = P of run s at steps[i]. */
  risk: Float64Array;
  seeds: number;
  /** Mean risk over runs at each logged step. */
  mean: Float64Array;
  /** Standard error of that mean. */
  stderr: Float64Array;
}
