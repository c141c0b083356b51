/** kernels-sinkhorn-demo: data → Vega-Lite specs. */
import { VEGA_LITE } from '../../lib/figures';
import type { Figure } from '../../types';
import type { SinkhornData } from './experiment';

/** The plan drawn as links over both clouds, and the marginal error against iterations with the verdict's bound. */
export function sinkhornFigures(data: SinkhornData, threshold: number): Figure[] {
  const { points: pts, links, errCurve } = data;
  return [
    {
      id: 'plan',
      title: 'Entropic transport plan',
      caption: `each source point linked to its heaviest target (opacity = mass share), eps = ${data.plan.eps}`,
      spec: {
        $schema: VEGA_LITE,
        // Equal aspect: one unit is as long on x as on y, so the ring is drawn round.
        ...equalAspect(pts.map((p) => p.x), pts.map((p) => p.y), 420),
        layer: [
          {
            data: { values: links },
            mark: { type: 'rule', strokeWidth: 0.6 },
            encoding: {
              x: { field: 'x', type: 'quantitative', title: 'x', scale: { zero: false, nice: false, domain: extent(pts.map((p) => p.x)) } },
              y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false, nice: false, domain: extent(pts.map((p) => p.y)) } },
              x2: { field: 'x2' },
              y2: { field: 'y2' },
              opacity: { field: 'mass', type: 'quantitative', scale: { domain: [0, 1] }, legend: null },
              color: { value: '#888' },
            },
          },
          {
            data: { values: pts },
            mark: { type: 'circle', size: 12 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
              color: { field: 'cloud', type: 'nominal' },
            },
          },
        ],
      },
    },
    {
      id: 'convergence',
      title: 'Sinkhorn convergence',
      caption: `L1 error of the column marginal of the iterate (ot-matching's stepMarginalError) every ten iterations; dashed: the verdict's bound ${threshold}`,
      spec: {
        $schema: VEGA_LITE,
        width: 320,
        height: 240,
        layer: [
          {
            data: { values: errCurve },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'iteration', type: 'quantitative' },
              y: { field: 'marginalError', type: 'quantitative', scale: { type: 'log' }, title: 'marginal L1 error' },
            },
          },
          {
            data: { values: [{ threshold }] },
            mark: { type: 'rule', strokeDash: [4, 4], color: '#c33' },
            encoding: { y: { field: 'threshold', type: 'quantitative' } },
          },
        ],
      },
    },
  ];
}

function extent(v: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const pad = 0.03 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** Width and height in pixels for which one data unit has the same length on both axes. */
function equalAspect(xs: number[], ys: number[], width: number): { width: number; height: number } {
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  return { width, height: Math.round((width * (y1 - y0)) / (x1 - x0)) };
}
