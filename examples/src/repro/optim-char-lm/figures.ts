/** Vega-Lite specs of `optim-char-lm` (data → figures). */
import type { Figure } from '../../types';
import { CHARLM_LABEL, sizeLabel, type CharLMRun } from './experiment';
import { VEGA_LITE } from '../../lib/figures';


const runLabel = (r: CharLMRun, T: number): string => (r.steps === T ? CHARLM_LABEL[r.optimizer] : `${CHARLM_LABEL[r.optimizer]} (${(r.steps / T).toFixed(2)}× steps)`);

/** Validation loss vs tokens, first seed of every long run, one panel per model size. */
export function curvesFigure(runs: readonly CharLMRun[], T: number, firstSeed: number): Figure {
  const values = runs
    .filter((r) => r.seed === firstSeed)
    .flatMap((r) => r.evalSteps.map((s, i) => ({ size: sizeLabel(r.size), run: runLabel(r, T), tokens: s * r.batch * r.context, valLoss: r.valLoss[i]! })).filter((p) => p.tokens > 0));
  return {
    id: 'val-loss',
    title: 'Validation loss vs training characters (one pass of fresh text), first seed',
    caption: 'Each optimizer at its own peak LR (paper fit × swept factor); warm-up T/50 + cosine to 0.1×. AdamW also runs 1.25× and 1.5× the steps.',
    spec: {
      $schema: VEGA_LITE,
      data: { values },
      facet: { column: { field: 'size', type: 'ordinal', title: 'model (d_model × blocks)' } },
      spec: {
        width: 260,
        height: 200,
        mark: 'line',
        encoding: {
          x: { field: 'tokens', type: 'quantitative', scale: { type: 'log' }, title: 'characters trained on' },
          y: { field: 'valLoss', type: 'quantitative', scale: { zero: false }, title: 'validation loss (nats/char)' },
          color: { field: 'run', type: 'nominal' },
        },
      },
    },
  };
}

/** Final loss vs AdamW budget (seed points and mean), with the other optimizers' mean final loss as rules. */
export function budgetFigure(runs: readonly CharLMRun[], T: number): Figure {
  const values = runs.map((r) => ({ size: sizeLabel(r.size), optimizer: CHARLM_LABEL[r.optimizer], budget: r.steps / T, final: r.valLoss.at(-1)! }));
  return {
    id: 'budget',
    title: 'Final validation loss vs AdamW\'s step budget, and the loss ADANA / Dana-Star-MK4 reach at 1×',
    caption: 'Where the AdamW line crosses another optimizer\'s level is the compute multiplier (beyond 1.5× it is extrapolated).',
    spec: {
      $schema: VEGA_LITE,
      data: { values },
      facet: { column: { field: 'size', type: 'ordinal', title: 'model' } },
      spec: {
        width: 220,
        height: 200,
        layer: [
          { transform: [{ filter: "datum.optimizer === 'AdamW'" }], mark: { type: 'point', opacity: 0.5 }, encoding: { x: { field: 'budget', type: 'quantitative', title: 'AdamW steps ÷ T', scale: { zero: false } }, y: { field: 'final', type: 'quantitative', scale: { zero: false }, title: 'final validation loss' } } },
          { transform: [{ filter: "datum.optimizer === 'AdamW'" }], mark: 'line', encoding: { x: { field: 'budget', type: 'quantitative' }, y: { aggregate: 'mean', field: 'final', type: 'quantitative' } } },
          { transform: [{ filter: "datum.optimizer !== 'AdamW'" }], mark: 'rule', encoding: { y: { aggregate: 'mean', field: 'final', type: 'quantitative' }, color: { field: 'optimizer', type: 'nominal' } } },
        ],
      },
    },
  };
}
