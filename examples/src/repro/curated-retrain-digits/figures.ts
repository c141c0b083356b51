/** curated-retrain-digits: data → Vega-Lite specs. */
import type { Figure } from '../../types';
import type { DigitsReward, DigitsSetting, LoopResult } from './experiment';
import { classProportionsFigure, iterationBandFigure, VEGA_LITE } from '../../lib/figures';
import { round } from '../../lib/format';

const SETTING: Record<DigitsSetting, string> = { 'curated-only': 'curated only', lambda1: 'real + curated (λ = 1)' };
const REWARD: Record<DigitsReward, string> = { class0: 'r = 5·q₀(x)', confidence: 'r = 5·max_c q_c(x)' };

/** One row per (run, iteration) of a per-iteration series. */
function seriesRows(runs: LoopResult[], value: (r: LoopResult, t: number) => number, label: (r: LoopResult) => string): Record<string, number | string>[] {
  return runs.flatMap((r) => r.expectedReward.map((_, t) => ({ iteration: t, value: round(value(r, t)), setting: label(r), seed: r.seed })));
}

/** Every figure of the reproduction. */
export function digitsFigures(runs: LoopResult[], twoLevel: { curatedOnly: number[]; lambda1: number[] }): Figure[] {
  const class0 = runs.filter((r) => r.reward === 'class0');
  const conf = runs.filter((r) => r.reward === 'confidence');
  const shareRows = seriesRows(class0, (r, t) => r.classProportions[t]![0]!, (r) => `GMM: ${SETTING[r.setting]}`);
  const exactRows = [
    ...seriesRows(class0, (r, t) => r.exactAtomShares[t]?.[0] ?? NaN, (r) => `exact update on the t=0 samples: ${SETTING[r.setting]}`),
  ];
  const twoLevelRows = (['curatedOnly', 'lambda1'] as const).flatMap((k) => twoLevel[k].map((v, t) => ({ iteration: t, value: round(v), setting: `exact two-level (confident classifier): ${k === 'curatedOnly' ? 'curated only' : 'λ = 1'}` })));
  const dashed = (values: Record<string, number | string>[]) => ({
    data: { values },
    mark: { type: 'line', strokeDash: [4, 3] },
    encoding: { x: { field: 'iteration', type: 'quantitative' }, y: { field: 'value', type: 'quantitative', aggregate: 'mean' }, color: { field: 'setting', type: 'nominal' } },
  });
  const propRows = conf.flatMap((r) => r.classProportions.map((p, t) => p.map((v, c) => ({ iteration: t, proportion: round(v), digit: String(c), setting: SETTING[r.setting], seed: r.seed }))).flat());
  const gridRows: Record<string, number | string>[] = [];
  const perRow = (runs[0]?.snapshots[0]?.images.length ?? 196) / 196;
  for (const r of runs.filter((x) => x.seed === runs[0]!.seed)) {
    for (const s of r.snapshots) {
      const count = s.images.length / 196;
      for (let k = 0; k < count; k++) {
        for (let p = 0; p < 196; p++) {
          const v = s.images[k * 196 + p]!;
          if (v < 0.05) continue; // background: the rect's absence is the black canvas
          gridRows.push({ run: `${REWARD[r.reward]}, ${SETTING[r.setting]}`, iteration: `t = ${s.iteration}`, x: k * 15 + (p % 14), x1: k * 15 + (p % 14) + 1, y: Math.floor(p / 14), y1: Math.floor(p / 14) + 1, v: Number(v.toFixed(2)) });
        }
      }
    }
  }
  return [
    iterationBandFigure('digits-class0-share', 'Share of generated digits classified as 0 under r = 5·q₀(x)', 'GMM in PCA space, K = 4, Luce choice; mean and 95% band over seeds. Dashed: the exact population update (Eq. 6 / Eq. 8) on the t = 0 samples as atoms, and the idealised two-level update with a confident classifier (0.10 → 0.34 → 0.80 → 0.996; λ = 1 plateau ≈ 0.52).', shareRows, 'fraction of 0s', { extra: [dashed(exactRows), dashed(twoLevelRows)] }),
    classProportionsFigure('digits-confidence-proportions', 'Class proportions under the confidence reward r = 5·max_c q_c(x) (bias amplification)', 'mean over seeds; curated only drifts towards the digits the classifier is most confident on, λ = 1 stays near the data', propRows, 'digit', { meanOver: true, classTitle: 'digit' }),
    iterationBandFigure('digits-reward', 'Expected reward E[r] of the retrained generator', 'both rewards, both settings; mean and 95% band over seeds', seriesRows(runs, (r, t) => r.expectedReward[t]!, (r) => `${REWARD[r.reward]}, ${SETTING[r.setting]}`), 'E[r]'),
    iterationBandFigure('digits-frechet', 'Fréchet distance to held-out real digits in the CNN feature space', 'features = the 32-unit dense layer of the reward CNN; 2,000 held-out digits; mean and 95% band over seeds', seriesRows(runs, (r, t) => r.frechet[t]!, (r) => `${REWARD[r.reward]}, ${SETTING[r.setting]}`), 'Fréchet distance'),
    {
      id: 'digits-samples',
      title: 'Generated digits (first seed) at t = 0, T/2, T',
      caption: 'decoded from the GMM in PCA space (14×14 means of the 28×28 images); rows: reward and setting',
      spec: {
        $schema: VEGA_LITE,
        data: { values: gridRows },
        facet: { row: { field: 'run', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 260 } }, column: { field: 'iteration', type: 'ordinal', title: null } },
        spec: {
          width: 240,
          height: 28,
          view: { fill: 'black' },
          mark: 'rect',
          encoding: {
            x: { field: 'x', type: 'quantitative', axis: null, scale: { domain: [0, 15 * perRow] } },
            x2: { field: 'x1' },
            y: { field: 'y', type: 'quantitative', axis: null, scale: { domain: [14, 0] } },
            y2: { field: 'y1' },
            color: { field: 'v', type: 'quantitative', scale: { scheme: 'greys', reverse: true, domain: [0, 1] }, legend: null },
          },
        },
      },
    },
  ];
}
