/** Figure builders shared by the reproductions (data → Vega-Lite), all on one schema version. */
import type { Figure } from '../types';

/** The one Vega-Lite schema every figure declares. */
export const VEGA_LITE = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * A quantity over retraining / training iterations, one colour per `setting`: the 95% bootstrap band over the rows
 * of each (iteration, setting) and a line through their mean. `dash` names a field drawn as line dashes (e.g. Monte
 * Carlo vs exact); `extra` layers are drawn on top with their own data.
 */
export function iterationBandFigure(
  id: string,
  title: string,
  caption: string,
  rows: Record<string, number | string>[],
  yTitle: string,
  opts: { dash?: string; extra?: Record<string, unknown>[] } = {},
): Figure {
  const enc = { x: { field: 'iteration', type: 'quantitative', title: 'retraining iteration t' }, color: { field: 'setting', type: 'nominal', title: null, legend: { labelLimit: 360, orient: 'bottom', columns: 1 } } };
  const dash = opts.dash ? { strokeDash: { field: opts.dash, type: 'nominal', title: null } } : {};
  return {
    id,
    title,
    caption,
    spec: {
      $schema: VEGA_LITE,
      width: 380,
      height: 240,
      layer: [
        { data: { values: rows }, mark: { type: 'errorband', extent: 'ci' }, encoding: { ...enc, y: { field: 'value', type: 'quantitative', title: yTitle } } },
        { data: { values: rows }, mark: { type: 'line', point: true }, encoding: { ...enc, ...dash, y: { field: 'value', type: 'quantitative', aggregate: 'mean' } } },
        ...(opts.extra ?? []),
      ],
    },
  };
}
