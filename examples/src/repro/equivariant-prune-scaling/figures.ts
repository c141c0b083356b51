/** Vega-Lite figures of the error-vs-samples reproduction (data -> specs). */
import type { Figure } from '../../types';
import type { ScalingData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';

/** Measured sup error and certified bound (medians over seeds) against m, one colour per family. */
export function errorFigure(data: ScalingData): Figure {
  const rows = data.families.flatMap((f) =>
    data.plan.ms.flatMap((m, i) => [
      { family: f.name, m, error: f.error[i]!, kind: 'measured sup error (median over seeds)' },
      { family: f.name, m, error: f.bound[i]!, kind: 'certified bound (telescoping)' },
    ]),
  );
  return {
    id: 'error-vs-samples',
    title: 'Approximation error vs overparametrization',
    caption: 'Sup error over sampled unit inputs (solid) and the certified telescoping bound (dashed) against samples per coefficient m; straight lines on a log axis are the log(1/eps) law.',
    spec: {
      $schema: VEGA_LITE,
      width: 420,
      height: 280,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'm', type: 'quantitative', title: 'samples per coefficient m (hidden copies per sign)' },
        y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'sup ‖f - g‖ over ‖x‖ <= 1' },
        color: { field: 'family', type: 'nominal' },
        strokeDash: { field: 'kind', type: 'nominal' },
      },
    },
  };
}
