/** curated-retrain-bias: data → Vega-Lite specs. */
import { curveRows } from '../../lib/curated-retraining';
import { round } from '../../lib/format';
import { classProportionsFigure, iterationLineFigure, sampleGridFigure } from '../../lib/figures';
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
    classProportionsFigure('bias-proportions', 'Class proportions under retraining', `classes 3 and 4 are isolated (the classifier is confident on them); reward r = ${CONF_GAMMA}·max_i q_i(x), K = ${K}`, propRows, 'class'),
    iterationLineFigure('bias-reward', 'Expected confidence reward', 'the reward rises in both settings', runs.flatMap((r) => curveRows(r.metrics, r.name, 'expectedReward')), 'E[r]'),
    sampleGridFigure('bias-snapshots', 'Samples coloured by predicted class', 'first and last iteration', scatter, { field: 'class', type: 'nominal' }, 6),
  ];
}
