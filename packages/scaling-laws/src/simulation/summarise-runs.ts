import type { SimulationResult } from '../types';

/** Mean and standard error over runs of a seeds x steps risk matrix. */
export function summariseRuns(steps: ArrayLike<number>, risk: Float64Array, seeds: number): SimulationResult {
  const n = steps.length;
  const mean = new Float64Array(n);
  const stderr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let s = 0; s < seeds; s++) m += risk[s * n + i]!;
    m /= seeds;
    let v = 0;
    for (let s = 0; s < seeds; s++) v += (risk[s * n + i]! - m) ** 2;
    mean[i] = m;
    stderr[i] = seeds > 1 ? Math.sqrt(v / (seeds - 1) / seeds) : 0;
  }
  return { steps: Float64Array.from(steps), risk, seeds, mean, stderr };
}
