/** Figure builders shared by the reproductions (data → Vega-Lite), all on one schema version. */
import type { Figure } from '../types';

/** The one Vega-Lite schema every figure declares. */
export const VEGA_LITE = 'https://vega.github.io/schema/vega-lite/v6.json';

// The faceted-figure wrapper classProportionsFigure and sampleGridFigure share: one data set, one facet, one inner spec.
function facetedFigure(id: string, title: string, caption: string, values: Record<string, number | string>[], facet: Record<string, unknown>, spec: Record<string, unknown>): Figure {
  return { id, title, caption, spec: { $schema: VEGA_LITE, data: { values }, facet, spec } };
}

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

/**
 * Class proportions over retraining iterations, one panel per `setting`, one line per class (the field `classField`
 * of the rows, which also carry `iteration` and `proportion`). `meanOver` averages the rows of one class, iteration
 * and setting (e.g. over seeds); `classTitle` titles the colour legend.
 */
export function classProportionsFigure(
  id: string,
  title: string,
  caption: string,
  rows: Record<string, number | string>[],
  classField: string,
  opts: { meanOver?: boolean; classTitle?: string } = {},
): Figure {
  return facetedFigure(id, title, caption, rows, { column: { field: 'setting', type: 'nominal', title: null } }, {
    width: 300,
    height: 220,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'retraining iteration t' },
      y: { field: 'proportion', type: 'quantitative', ...(opts.meanOver ? { aggregate: 'mean' } : {}), title: 'fraction of samples' },
      color: { field: classField, type: 'nominal', ...(opts.classTitle === undefined ? {} : { title: opts.classTitle }) },
    },
  });
}

/** One point of a curve over retraining iterations: `value` at `iteration` for the curve named `setting`. */
export interface IterationRow {
  iteration: number;
  value: number;
  setting: string;
}

/**
 * Curves over retraining iterations, one per `setting` (colour and dash on the same field, so one legend), with
 * points. `rule` adds a dashed grey horizontal line at that value (e.g. a bound); `logY` a symlog y axis.
 */
export function iterationLineFigure(id: string, title: string, caption: string, rows: IterationRow[], yTitle: string, opts: { rule?: number; logY?: boolean } = {}): Figure {
  const line = {
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'retraining iteration t' },
      y: { field: 'value', type: 'quantitative', title: yTitle, ...(opts.logY ? { scale: { type: 'symlog' } } : {}) },
      // Colour and dash on the same field share one legend (a `legend: null` on either hides both).
      color: { field: 'setting', type: 'nominal', title: 'setting', legend: { labelLimit: 360 } },
      strokeDash: { field: 'setting', type: 'nominal', title: 'setting', legend: { labelLimit: 360 } },
    },
  };
  const layer: Record<string, unknown>[] = [{ data: { values: rows }, ...line }];
  if (opts.rule !== undefined) layer.push({ data: { values: [{ y: opts.rule }] }, mark: { type: 'rule', color: 'gray', strokeDash: [2, 2] }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  return { id, title, caption, spec: { $schema: VEGA_LITE, width: 380, height: 240, layer, resolve: { scale: { y: 'shared' } } } };
}

/**
 * 2-D samples faceted by `setting` (rows) and `iteration` (columns), on the square [-extent, extent]², coloured by
 * the field `color` (a quantitative field on viridis, or a nominal one).
 */
export function sampleGridFigure(
  id: string,
  title: string,
  caption: string,
  points: Record<string, number | string>[],
  color: { field: string; type: 'quantitative' | 'nominal' },
  extent: number,
): Figure {
  const facet = { row: { field: 'setting', type: 'nominal', title: null }, column: { field: 'iteration', type: 'ordinal', title: 'iteration t' } };
  return facetedFigure(id, title, caption, points, facet, {
    width: 170,
    height: 170,
    mark: { type: 'circle', size: 8, opacity: 0.6 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { domain: [-extent, extent] }, title: null },
      y: { field: 'y', type: 'quantitative', scale: { domain: [-extent, extent] }, title: null },
      color: { field: color.field, type: color.type, ...(color.type === 'quantitative' ? { scale: { scheme: 'viridis' } } : {}) },
    },
  });
}
