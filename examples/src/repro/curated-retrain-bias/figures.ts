/** curated-retrain-bias: data → Vega-Lite specs. */
import { curveRows, round } from '../../lib/curated-retraining';
import { iterationLineFigure, sampleGridFigure, VEGA_LITE } from '../../lib/figures';
import type { Figure } from '../../types';
import { CONF_GAMMA, predictClass, type BiasData } from './experiment';

/** Every figure of the reproduction. */
export function biasFigures(data: BiasData): Figure[] {
  const { runs, K } = data;
  const propRows = runs.flatMap((r) => r.metrics.flatMap((m) => m.classProportions!.map((v, c) => ({ iteration: m.iteration, proportion: round(v, 4), class: `class ${c}`, setting: r.name }))));
  const scatter: Record<string, number | string>[] = [];
  for (const r of runs) {
    for (const [t, s] of r.snapshots) {
      const cls = predictClass(s);
      for (let i = 0; i < s.n; i++) scatter.push({ x: round(s.data[2 * i]!, 3), y: round(s.data[2 * i + 1]!, 3), class: `class ${cls[i]}`, iteration: t, setting: r.name });
    }
  }
  return [
    {
      id: 'bias-proportions',
      title: 'Class proportions under retraining',
      caption: `classes 3 and 4 are isolated (the classifier is confident on them); reward r = ${CONF_GAMMA}·max_i q_i(x), K = ${K}`,
      spec: {
        $schema: VEGA_LITE,
        data: { values: propRows },
        facet: { column: { field: 'setting', type: 'nominal', title: null } },
        spec: {
          width: 300,
          height: 220,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'iteration', type: 'quantitative', title: 'retraining iteration t' },
            y: { field: 'proportion', type: 'quantitative', title: 'fraction of samples' },
            color: { field: 'class', type: 'nominal' },
          },
        },
      },
    },
    iterationLineFigure('bias-reward', 'Expected confidence reward', 'the reward rises in both settings', runs.flatMap((r) => curveRows(r.metrics, r.name, 'expectedReward')), 'E[r]'),
    sampleGridFigure('bias-snapshots', 'Samples coloured by predicted class', 'first and last iteration', scatter, { field: 'class', type: 'nominal' }, 6),
  ];
}
