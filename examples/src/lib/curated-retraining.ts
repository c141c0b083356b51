/** Helpers shared by the curated-retraining reproductions on 2-D toys (curated-retrain-ring, curated-retrain-bias). */
import { createRng } from '@lemma/gpu-kernels';
import { retrain, type IterationMetrics, type Samples } from '@lemma/curated-retrain';
import type { ReproContext } from '../types';
import type { IterationRow } from './figures';

/** Samples from an isotropic Gaussian mixture with the given centres, stds and weights (also returns the labels). */
export function mixtureSamples(n: number, centres: number[][], stds: number[], weights: number[], seed: number): { x: Samples; labels: Int32Array } {
  const rng = createRng(seed);
  const data = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.uniform();
    let c = 0;
    while (c < weights.length - 1 && (u -= weights[c]!) > 0) c++;
    labels[i] = c;
    data[2 * i] = centres[c]![0]! + stds[c]! * rng.normal();
    data[2 * i + 1] = centres[c]![1]! + stds[c]! * rng.normal();
  }
  return { x: { n, dim: 2, data }, labels };
}

/** Runs `retrain` with a progress bar and keeps a few snapshots of samples for the density plots. */
export async function runWithSnapshots(
  ctx: Pick<ReproContext, 'progress'>,
  label: string,
  opts: Parameters<typeof retrain>[0],
  snapshotAt: number[],
  perSnapshot: number,
): Promise<{ metrics: IterationMetrics[]; snapshots: Map<number, Samples> }> {
  const bar = ctx.progress(label, opts.iterations + 1);
  const snapshots = new Map<number, Samples>();
  const { metrics } = await retrain({
    ...opts,
    onIteration: (m, s) => {
      if (snapshotAt.includes(m.iteration)) snapshots.set(m.iteration, { n: Math.min(perSnapshot, s.n), dim: 2, data: s.data.slice(0, 2 * Math.min(perSnapshot, s.n)) });
      bar.tick(1, `E[r]=${m.expectedReward.toFixed(3)}`);
    },
  });
  bar.done();
  return { metrics, snapshots };
}

/** One curve row per iteration of a metric (NaN where the metric was not computed). */
export function curveRows(metrics: IterationMetrics[], setting: string, key: 'expectedReward' | 'klToData' | 'wassersteinToData' | 'sinkhornToData'): IterationRow[] {
  return metrics.map((m) => ({ iteration: m.iteration, value: (m[key] as number | null) ?? NaN, setting }));
}
