/** Vega-Lite figures of the rotated-MNIST reproduction (data -> specs). */
import type { Figure } from '../../types';
import type { RotMnistData } from './experiment';
import { VEGA_LITE } from '../../lib/figures';

/** Pruned vs target logits, one point per logit of the first 150 test digits. */
export function logitsFigure(data: RotMnistData): Figure {
  const lt = data.targetLogits;
  const lp = data.prunedLogits;
  return {
    id: 'rotmnist-logits',
    title: 'Pruned vs target logits',
    caption: 'Each point is one logit of one test digit (first 150 digits): the pruned random network reproduces the trained target.',
    spec: {
      $schema: VEGA_LITE,
      width: 300,
      height: 300,
      data: { values: Array.from({ length: 10 * Math.min(150, data.nTest) }, (_, i) => ({ target: lt[i], pruned: lp[i] })) },
      mark: { type: 'point', size: 8, opacity: 0.5 },
      encoding: { x: { field: 'target', type: 'quantitative' }, y: { field: 'pruned', type: 'quantitative' } },
    },
  };
}
