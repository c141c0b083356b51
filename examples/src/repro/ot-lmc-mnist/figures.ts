/** Vega-Lite figures of the MNIST width sweep (data -> specs; nothing is drawn here). */
import type { Figure } from '../../types';
import { METHOD_LABEL, METHODS, type WidthSweepData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';

/** The max-over-t test loss barrier of every pair and method against the hidden width (points; line = mean). */
export function barrierFigure(data: WidthSweepData): Figure {
  const { plan } = data;
  const points = data.rows.flatMap((r) => METHODS.map((m) => ({ width: r.width, method: METHOD_LABEL[m], barrier: r.methods[m].barrier, half: r.methods[m].half })));
  return {
    id: 'barrier-vs-width',
    title: 'Test loss barrier (max over t) vs width, before and after matching',
    caption: `MLP 784-${plan.depth}×width-10, SGD momentum 0.9 + warmup/cosine at lr ${plan.lr.toPrecision(2)}, ${plan.epochs} epochs, ${plan.pairs} pairs per width (points; line = mean). Git Re-Basin weight matching is the baseline; the width trend is a diagnostic (the paper plots no width axis).`,
    spec: {
      $schema: VEGA_LITE,
      width: 520,
      height: 320,
      data: { values: points },
      encoding: { x: { field: 'width', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'hidden width' }, color: { field: 'method', type: 'nominal', title: null } },
      layer: [
        { mark: { type: 'point', opacity: 0.4 }, encoding: { y: { field: 'barrier', type: 'quantitative', title: 'max_t test loss barrier' } } },
        { mark: { type: 'line' }, encoding: { y: { aggregate: 'mean', field: 'barrier', type: 'quantitative' } } },
      ],
    },
  };
}
