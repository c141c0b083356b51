/** Vega-Lite figures of the set-task reproduction (data -> specs). */
import type { Figure } from '../../types';
import type { SetsData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';

/** Pruned vs target output per test set (the first 300 of each task), one panel per task. */
export function outputsFigure(data: SetsData): Figure {
  const points = data.tasks.flatMap((t) => t.outputs.map((o) => ({ task: t.task, target: o.target, pruned: o.pruned })));
  return {
    id: 'sets-outputs',
    title: 'Pruned vs target outputs on set tasks',
    caption: 'Each point is one test set; the pruned network (no training) tracks the trained target.',
    spec: {
      $schema: VEGA_LITE,
      width: 260,
      height: 260,
      data: { values: points },
      mark: { type: 'point', size: 10, opacity: 0.5 },
      encoding: {
        x: { field: 'target', type: 'quantitative' },
        y: { field: 'pruned', type: 'quantitative' },
        column: { field: 'task', type: 'nominal' },
      },
    },
  };
}
