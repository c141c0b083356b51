/** Vega-Lite figures of the width experiment (data -> specs). */
import type { Figure } from '../../types';
import { widthMeans, type WidthData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';


export function widthFigures(data: WidthData, theory: (k: number) => number, w2Theory: (k: number) => number): Figure[] {
  const points = data.pairs.flatMap((r) =>
    (['covariance', 'euclidean', 'none'] as const).map((m) => ({ k: `k = ${r.k}`, width: r.width, method: m, barrier: r.methods[m].barrier, w2: r.methods[m].w2, gap: r.methods[m].gap })),
  );
  const means = widthMeans(data).map((r) => ({ ...r, k: `k = ${r.k}` }));
  // Theory guide lines through the covariance-matched mean at the smallest width.
  const w0 = data.plan.widths[0]!;
  const guide = (field: 'gap' | 'w2', rate: (k: number) => number) =>
    data.plan.ks.flatMap((k) => {
      const start = means.find((r) => r.k === `k = ${k}` && r.width === w0 && r.method === 'covariance')!;
      return data.plan.widths.map((width) => ({ k: `k = ${k}`, width, [field]: start[field] * (width / w0) ** rate(k), method: 'theory (through the first point)' }));
    });
  const layered = (field: 'barrier' | 'w2' | 'gap', title: string, guides: Record<string, unknown>[] | null): Record<string, unknown> => ({
    $schema: VEGA_LITE,
    data: { values: points },
    facet: { column: { field: 'k', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 260,
      encoding: { x: { field: 'width', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'hidden width N' }, color: { field: 'method', type: 'nominal' } },
      layer: [
        { mark: { type: 'point', opacity: 0.35 }, encoding: { y: { field, type: 'quantitative', scale: { type: 'log' }, title } } },
        { mark: { type: 'line' }, encoding: { y: { aggregate: 'mean', field, type: 'quantitative' } } },
        ...(guides ? [{ data: { values: guides }, mark: { type: 'line', strokeDash: [4, 3] }, encoding: { y: { field, type: 'quantitative' } } }] : []),
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
  return [
    {
      id: 'lmc-error-vs-width',
      title: 'Matched LMC error vs width: rms of f(θ_½) − ½(f_A + f_B), the quantity Thm 3.1 bounds',
      caption: `One hidden layer, mean-field, ${data.plan.steps} full-batch steps on a rank-k teacher; faint points are pairs. Dashed: the bound's rate N^(−1/k) through the covariance-matched mean at N = ${w0}.`,
      spec: layered('gap', 'rms function gap at t = ½', guide('gap', theory)),
    },
    {
      id: 'w2-vs-width',
      title: 'Matched W₂² between the two nets\' neuron measures (Σ metric) vs width',
      caption: 'Dashed: the empirical-measure rate N^(−2/(k+1)) (the data see k + 1 coordinates of each neuron: Uᵀw and the bias).',
      spec: layered('w2', '(1/N) Σ ||w̃_A − w̃_σ(B)||²_Σ', guide('w2', w2Theory)),
    },
    {
      id: 'barrier-vs-width',
      title: 'Max-over-t test loss barrier vs width (pairs with a barrier ≤ 0 do not show on the log scale)',
      spec: layered('barrier', 'max-over-t test loss barrier', null),
    },
  ];
}
