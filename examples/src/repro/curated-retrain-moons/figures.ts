/** curated-retrain-moons: data → Vega-Lite specs. */
import type { Figure } from '../../types';
import type { MoonsResult } from './experiment';
import { iterationBandFigure, VEGA_LITE } from '../../lib/figures';

const name = (lambda: number): string => (lambda === Infinity ? 'curated only' : `real + curated (λ = ${lambda})`);
const r3 = (v: number): number => Number(v.toFixed(3));

export function moonsFigures(runs: MoonsResult[], exact: { curated: { lower: number[]; reward: number[] }; mixed: { lower: number[]; reward: number[] } }): Figure[] {
  const rows = (key: 'lowerShare' | 'expectedReward', ex: 'lower' | 'reward') => [
    ...runs.flatMap((r) => r[key].map((v, t) => ({ iteration: t, value: r3(v), setting: `GMM: ${name(r.lambda)}`, kind: 'Monte Carlo (3 seeds)' }))),
    ...exact.curated[ex].map((v, t) => ({ iteration: t, value: r3(v), setting: 'exact grid update: curated only', kind: 'exact population' })),
    ...exact.mixed[ex].map((v, t) => ({ iteration: t, value: r3(v), setting: 'exact grid update: λ = 1', kind: 'exact population' })),
  ];
  const first = runs.filter((r) => r.seed === runs[0]!.seed);
  const pts = first.flatMap((r) => r.snapshots.flatMap((s) => Array.from({ length: s.data.length / 2 }, (_, i) => ({ x: r3(s.data[2 * i]!), y: r3(s.data[2 * i + 1]!), iteration: s.iteration, setting: name(r.lambda) }))));
  return [
    {
      id: 'moons-snapshots',
      title: 'Samples of the retrained GMM (first seed)',
      caption: 'top: curated only loses the lower moon; bottom: real data keeps both moons while the reward region fills up',
      spec: {
        $schema: VEGA_LITE,
        data: { values: pts },
        facet: { row: { field: 'setting', type: 'nominal', title: null }, column: { field: 'iteration', type: 'ordinal', title: 'iteration t' } },
        spec: {
          width: 170,
          height: 120,
          mark: { type: 'circle', size: 8, opacity: 0.6 },
          encoding: { x: { field: 'x', type: 'quantitative', scale: { domain: [-1.6, 2.6] }, title: null }, y: { field: 'y', type: 'quantitative', scale: { domain: [-1.1, 1.6] }, title: null } },
        },
      },
    },
    iterationBandFigure('moons-lower-share', 'Share of samples on the lower moon', 'Monte Carlo mean with a 95% band over seeds, and the exact grid population update', rows('lowerShare', 'lower'), 'lower-moon share', { dash: 'kind' }),
    iterationBandFigure('moons-reward', 'Expected reward E[r]', 'Monte Carlo mean with a 95% band over seeds, and the exact grid population update', rows('expectedReward', 'reward'), 'E[r]', { dash: 'kind' }),
  ];
}
