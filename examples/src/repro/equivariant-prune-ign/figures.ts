/** Vega-Lite figures of the graph-network pruning reproduction (data -> specs). */
import type { Figure } from '../../types';
import type { GraphCellResult } from './experiment';
import { VEGA_LITE } from '../../lib/figures';

const LABEL = { ign2: '2-IGN (Maron basis)', mpnn: 'MPNN ({I, Â} basis)' } as const;

/** Pruned test R² against m (prefixes of one draw) per seed, with each seed's trained target R² as the reference. */
export function sweepFigure(results: readonly GraphCellResult[]): Figure {
  const rows = results.flatMap((r) => [
    ...r.sweep.map((s) => ({ arch: LABEL[r.arch], seed: r.seed, m: s.m, r2: Math.max(s.prunedR2, -1), kind: 'pruned' })),
  ]);
  const targets = results.map((r) => ({ arch: LABEL[r.arch], r2: r.targetR2 }));
  return {
    id: 'r2-vs-m',
    title: 'Test R² of the pruned random network vs samples per coefficient m',
    caption: 'One line per seed (R² clipped at −1), the same m in every layer. Grey rules: the trained targets.',
    spec: {
      $schema: VEGA_LITE,
      data: { values: [...rows, ...targets.map((t) => ({ ...t, kind: 'target' }))] },
      facet: { column: { field: 'arch', type: 'nominal', title: null } },
      spec: {
        width: 260,
        height: 220,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'pruned'" }],
            mark: { type: 'line', point: true, opacity: 0.7 },
            encoding: { x: { field: 'm', type: 'quantitative', title: 'samples per coefficient m' }, y: { field: 'r2', type: 'quantitative', title: 'test R²' }, detail: { field: 'seed', type: 'nominal' } },
          },
          { transform: [{ filter: "datum.kind === 'target'" }], mark: { type: 'rule', color: 'gray' }, encoding: { y: { field: 'r2', type: 'quantitative' } } },
        ],
      },
    },
  };
}

/** Target vs pruned test R² per seed: points on the diagonal are matched. */
export function matchFigure(results: readonly GraphCellResult[]): Figure {
  const rows = results.map((r) => ({ arch: LABEL[r.arch], seed: r.seed, target: r.targetR2, pruned: r.prunedR2 }));
  return {
    id: 'match',
    title: 'Trained target vs pruned random network, test R² per seed',
    caption: 'Pruning a random network (no training) reproduces each trained target; off-diagonal points would be failures.',
    spec: {
      $schema: VEGA_LITE,
      width: 260,
      height: 260,
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 60 },
      encoding: {
        x: { field: 'target', type: 'quantitative', scale: { zero: false }, title: 'target R²' },
        y: { field: 'pruned', type: 'quantitative', scale: { zero: false }, title: 'pruned R²' },
        color: { field: 'arch', type: 'nominal', title: null },
        tooltip: [{ field: 'seed' }],
      },
    },
  };
}
