/** Vega-Lite figures of the overparametrization law (data -> specs). */
import type { Figure } from '../../types';
import type { LawAnalysis } from './experiment';
import { VEGA_LITE } from '../../lib/figures';


/** m needed against the law's argument, with the interquartile range over seeds and the fitted line. */
export function lawFigure(a: LawAnalysis): Figure {
  const pts = a.points.map((p) => ({ x: p.x, m: p.mMedian, q25: p.mQ25, q75: p.mQ75, family: p.label.split(' n=')[0], config: p.label }));
  const xs = pts.map((p) => p.x);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const line = [lo, hi].map((x) => ({ x, m: a.fit.intercept + a.fit.slope * x, family: 'OLS fit' }));
  const slope1 = [lo, hi].map((x) => ({ x, m: a.fit.intercept + a.fit.slope * (lo + hi) / 2 + (x - (lo + hi) / 2), family: 'slope 1 (expected)' }));
  return {
    id: 'law',
    title: 'Samples per coefficient needed for sup error ≤ ε vs log2(n_in·n_out·|B|·L/ε)',
    caption: `Median over seeds (bars: interquartile range); OLS slope ${a.fit.slope.toFixed(2)} ± ${a.fit.slopeSe.toFixed(2)} (R² ${a.fit.r2.toFixed(2)}); the dashed line has slope 1 through the centre of the data.`,
    spec: {
      $schema: VEGA_LITE,
      width: 460,
      height: 300,
      layer: [
        { data: { values: pts }, mark: { type: 'rule' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' }, color: { field: 'family', type: 'nominal' } } },
        {
          data: { values: pts },
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'log2(n_in·n_out·|B|·L/ε)', scale: { zero: false } },
            y: { field: 'm', type: 'quantitative', title: 'samples per coefficient m needed (median)' },
            color: { field: 'family', type: 'nominal', title: null },
            tooltip: [{ field: 'config' }, { field: 'm' }],
          },
        },
        { data: { values: line }, mark: { type: 'line', color: 'black' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'm', type: 'quantitative' } } },
        { data: { values: slope1 }, mark: { type: 'line', color: 'gray', strokeDash: [4, 4] }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'm', type: 'quantitative' } } },
      ],
    },
  };
}

/** Coefficient counts per configuration: target, packing lower bound, kept and random, on a log axis. */
export function countsFigure(a: LawAnalysis): Figure {
  const rows = a.points.flatMap((p) => [
    { config: p.label, kind: 'target', count: p.target },
    { config: p.label, kind: 'lower bound target·log2(1/2ε)', count: p.lowerBound },
    { config: p.label, kind: 'kept (median)', count: p.keptMedian },
    { config: p.label, kind: 'random (median)', count: p.randomMedian },
  ]);
  return {
    id: 'counts',
    title: 'Equivariant parameters: kept and random vs the packing lower bound',
    caption: 'At the m each configuration needed (median over seeds). The lower bound is for a network whose prunings approximate every target in the unit ball; one target may need fewer.',
    spec: {
      $schema: VEGA_LITE,
      width: 460,
      height: 300,
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 50 },
      encoding: {
        y: { field: 'config', type: 'nominal', title: null, sort: null },
        x: { field: 'count', type: 'quantitative', scale: { type: 'log' }, title: 'coefficients' },
        color: { field: 'kind', type: 'nominal', title: null },
        shape: { field: 'kind', type: 'nominal' },
      },
    },
  };
}

/** The ε arm: m needed against log2(1/ε) for one architecture. */
export function epsFigure(a: LawAnalysis): Figure {
  const pts = a.epsPoints.map((p) => ({ inv: Math.log2(1 / p.config.eps), m: p.mMedian, q25: p.mQ25, q75: p.mQ75 }));
  return {
    id: 'eps-arm',
    title: 'The ε direction alone: Maron 1→1, n = 8, 4 copies, L = 2',
    caption: a.epsFit ? `Slope ${a.epsFit.slope.toFixed(2)} ± ${a.epsFit.slopeSe.toFixed(2)} samples per bit of 1/ε.` : 'One ε only.',
    spec: {
      $schema: VEGA_LITE,
      width: 300,
      height: 220,
      data: { values: pts },
      layer: [
        { mark: 'rule', encoding: { x: { field: 'inv', type: 'quantitative' }, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' } } },
        { mark: { type: 'line', point: true }, encoding: { x: { field: 'inv', type: 'quantitative', title: 'log2(1/ε)' }, y: { field: 'm', type: 'quantitative', title: 'm needed (median)' } } },
      ],
    },
  };
}
