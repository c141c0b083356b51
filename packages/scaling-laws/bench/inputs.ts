import type { SpectralInputs } from '../src/index';

/** Benchmark problem shared by the CPU and GPU runs (and their peers): λ_j = j^-2, ρ_j = j^-1.4, P∞ = 1e-3. */
export function benchInputs(d: number): SpectralInputs {
  const lambda = new Float64Array(d);
  const rho0 = new Float64Array(d);
  for (let j = 1; j <= d; j++) {
    lambda[j - 1] = j ** -2;
    rho0[j - 1] = j ** -1.4;
  }
  return { lambda, rho0, pInf: 1e-3 };
}
