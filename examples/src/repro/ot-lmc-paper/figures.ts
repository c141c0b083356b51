/** Vega-Lite figures of the learning-rate sweep (data -> specs; nothing is drawn here). */
import type { Figure } from '../../types';
import { METHOD_LABEL, METHODS, type PaperData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';


export function paperFigures(data: PaperData): Figure[] {
  const { plan } = data;
  const rows = data.summary.map((s) => ({ ...s, label: METHOD_LABEL[s.method], lo: s.half - s.halfSd, hi: s.half + s.halfSd }));
  const endpoint = data.plan.lrs.map((lr) => {
    const s = data.summary.find((r) => r.lr === lr)!;
    return { lr, half: s.endpoint, lo: s.endpoint - s.endpointSd, hi: s.endpoint + s.endpointSd, label: 'endpoints (trained nets)' };
  });
  const dims = data.pairs.flatMap((r) =>
    r.dimWtW.flatMap((_, l) => [
      { lr: r.lr, layer: `layer ${l + 1}`, matrix: 'WᵀW', dim: r.dimWtW[l]! },
      { lr: r.lr, layer: `layer ${l + 1}`, matrix: 'WΣWᵀ', dim: r.dimWSigmaW[l]! },
      { lr: r.lr, layer: `layer ${l + 1}`, matrix: 'Σ (layer output)', dim: r.dimSigma[l]! },
    ]),
  );
  const curvesLr = data.plan.lrs[0]!;
  const curves = data.pairs
    .filter((r) => r.lr === curvesLr && r.pair === 0)
    .flatMap((r) => METHODS.flatMap((m) => plan.ts.map((t, i) => ({ t, loss: r.methods[m].loss[i]!, label: METHOD_LABEL[m] }))));
  return [
    {
      id: 'half-loss-vs-lr',
      title: 'Test loss at t = ½ after matching, by learning rate (the paper\'s "LMC error")',
      caption: `MLP ${plan.sizes.join('-')}, SGD momentum 0.9 with warmup + cosine, ${plan.epochs} epochs, batch ${plan.batchSize}, ${plan.pairs} independent pairs per learning rate (bands ± 1 sd over pairs). Expected from the authors' figure: the covariance-weighted matching 2-3× below naive weight matching for lr ≤ 6e-3, the curves merging by lr = 0.1.`,
      spec: {
        $schema: VEGA_LITE,
        width: 520,
        height: 340,
        data: { values: [...rows.filter((r) => r.method !== 'none'), ...endpoint] },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'peak learning rate' },
          color: { field: 'label', type: 'nominal', title: null },
        },
        layer: [
          { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' } } },
          { mark: { type: 'line', point: true }, encoding: { y: { field: 'half', type: 'quantitative', scale: { type: 'log' }, title: 'test loss at t = ½ (endpoints: their own test loss)' } } },
        ],
      },
    },
    {
      id: 'barrier-vs-lr',
      title: 'Max-over-t loss barrier after matching, by learning rate',
      spec: {
        $schema: VEGA_LITE,
        width: 520,
        height: 300,
        data: { values: rows },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'peak learning rate' },
          y: { field: 'barrier', type: 'quantitative', title: 'max_t L(θ_t) − ((1−t) L_A + t L_B), test' },
          color: { field: 'label', type: 'nominal', title: null },
        },
      },
    },
    {
      id: 'dimension-vs-lr',
      title: 'Approximate dimension Dim(S) = tr(S)²/tr(S²) per hidden layer',
      caption: 'Expected from the authors\' figure: Dim(WᵀW) in the hundreds, Dim(WΣWᵀ) in single digits. Points: pairs (mean of the two nets).',
      spec: {
        $schema: VEGA_LITE,
        width: 520,
        height: 320,
        data: { values: dims },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'peak learning rate' },
          y: { field: 'dim', type: 'quantitative', scale: { type: 'log' }, title: 'Dim(S)' },
          color: { field: 'matrix', type: 'nominal' },
          shape: { field: 'layer', type: 'nominal' },
        },
        layer: [{ mark: { type: 'point', opacity: 0.5 } }, { mark: { type: 'line' }, encoding: { y: { aggregate: 'mean', field: 'dim', type: 'quantitative' }, detail: { field: 'layer' } } }],
      },
    },
    {
      id: 'interpolation-curves',
      title: `Test loss along the path, lr ${curvesLr.toExponential(1)}, pair 0`,
      spec: {
        $schema: VEGA_LITE,
        width: 520,
        height: 300,
        data: { values: curves },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 't (0 = A, 1 = aligned B)' },
          y: { field: 'loss', type: 'quantitative', title: 'test loss' },
          color: { field: 'label', type: 'nominal', title: null },
        },
      },
    },
  ];
}
