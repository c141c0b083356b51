/** Vega-Lite specs of `optim-plrf-horizon` (data → figures; nothing is drawn here). */
import type { Figure } from '../../types';
import { LABEL, type HorizonData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';

const logScale = { type: 'log' as const };

/** Final excess risk vs horizon, geometric mean over seeds with its 95% band, per optimizer. */
function riskVsHorizon(data: HorizonData): Figure {
  const values = data.scaling.flatMap((s) =>
    s.points
      .filter((p) => p.summary !== null)
      .map((p) => ({ optimizer: LABEL[s.optimizer], T: p.T, excess: Math.exp(p.summary!.meanLog), lo: Math.exp(p.summary!.lo), hi: Math.exp(p.summary!.hi), seeds: p.summary!.n })),
  );
  const color = { field: 'optimizer', type: 'nominal', title: 'optimizer' };
  return {
    id: 'excess-vs-horizon',
    title: 'Final excess risk vs horizon T (PLRF α=1, β=0.3), LR tuned per horizon',
    caption:
      'Each point is the geometric mean over seeds at the best peak LR of a ×2 sweep; bands are 95% t-intervals over seeds. A steeper line is a better exponent: the prediction is ADANA κ=0.5 ≈ 1.5× AdamW\'s slope.',
    spec: {
      $schema: VEGA_LITE,
      width: 420,
      height: 300,
      data: { values },
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x: { field: 'T', type: 'quantitative', scale: logScale, title: 'horizon T (steps)' }, y: { field: 'lo', type: 'quantitative', scale: logScale }, y2: { field: 'hi' }, color } },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'T', type: 'quantitative', scale: logScale },
            y: { field: 'excess', type: 'quantitative', scale: logScale, title: 'final excess risk P(θ_T) − P∞' },
            color,
            tooltip: [{ field: 'optimizer' }, { field: 'T' }, { field: 'excess', format: '.3e' }, { field: 'seeds' }],
          },
        },
      ],
    },
  };
}

/** LR sweeps: final excess risk vs peak LR, one panel per horizon. */
function lrSweeps(data: HorizonData): Figure {
  const values = data.scaling.flatMap((s) =>
    s.points.flatMap((p) => p.sweep.filter((r) => r.finalExcess !== null).map((r) => ({ optimizer: LABEL[s.optimizer], T: p.T, lr: r.lr, excess: r.finalExcess! }))),
  );
  return {
    id: 'lr-sweeps',
    title: 'Peak-LR sweeps (first seed): final excess risk vs peak LR',
    caption: 'Diverged runs are left out. The best LR of each curve is the one kept; it should sit inside the grid.',
    spec: {
      $schema: VEGA_LITE,
      data: { values },
      facet: { column: { field: 'T', type: 'ordinal', title: 'horizon T' } },
      spec: {
        width: 220,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: logScale, title: 'peak LR' },
          y: { field: 'excess', type: 'quantitative', scale: logScale, title: 'final excess risk' },
          color: { field: 'optimizer', type: 'nominal' },
        },
      },
    },
  };
}

/** Excess-risk curves of the best run (first seed) per optimizer and horizon. */
function curves(data: HorizonData): Figure {
  const values = data.scaling.flatMap((s) => s.points.flatMap((p) => p.curve.map((c) => ({ optimizer: LABEL[s.optimizer], T: p.T, step: c.step, excess: c.excess }))));
  return {
    id: 'curves',
    title: 'Excess risk vs step at the best peak LR (first seed)',
    caption: 'Warm-up T/50, then cosine to 0.1×: most of the gain comes in the anneal at the end.',
    spec: {
      $schema: VEGA_LITE,
      data: { values },
      facet: { column: { field: 'T', type: 'ordinal', title: 'horizon T' } },
      spec: {
        width: 220,
        height: 200,
        mark: 'line',
        encoding: {
          x: { field: 'step', type: 'quantitative', scale: logScale },
          y: { field: 'excess', type: 'quantitative', scale: logScale, title: 'excess risk' },
          color: { field: 'optimizer', type: 'nominal' },
        },
      },
    },
  };
}

/** Every figure of the reproduction. */
export function horizonFigures(data: HorizonData): Figure[] {
  return [riskVsHorizon(data), lrSweeps(data), curves(data)];
}
