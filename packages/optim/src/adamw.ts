/** AdamW exactly as `torch.optim.AdamW` (decay first with the full lr, ε after bias correction), 1-based t. */
import * as tf from '@tensorflow/tfjs-core';
import { checkEps, checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { adamwRule, type FusedRule, type RuleScalars } from './rules';

/** Options of {@link AdamW}; defaults are PyTorch's (β 0.9/0.999, ε 1e-8, λ 0.01). */
export interface AdamWOptions extends CommonOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay λ; each step shrinks θ by lr_t·λ. Default 0.01. */
  weightDecay?: number;
}

/** Validates the Adam-style options shared by AdamW, AdEMAMix and Muon's fallback. */
export function checkAdamOptions(cls: string, o: AdamWOptions): void {
  for (const key of ['beta1', 'beta2'] as const) {
    if (o[key] !== undefined) checkNumber(cls, key, o[key], (v) => v >= 0 && v < 1, 'in [0, 1)');
  }
  if (o.eps !== undefined) checkEps(cls, 'eps', o.eps);
  if (o.weightDecay !== undefined) {
    checkNumber(cls, 'weightDecay', o.weightDecay, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  }
  checkDecayBelowOne(cls, o.learningRate, o.weightDecay ?? 0);
}

/** Rejects a decoupled weight decay whose per-step factor 1 − lr·λ reaches 0 (it would flip or zero every weight). */
export function checkDecayBelowOne(cls: string, lr: number, weightDecay: number): void {
  if (lr * weightDecay >= 1) {
    throw new Error(`${cls}: learningRate·weightDecay must be < 1 (each step multiplies the weights by 1 − lr·λ), got ${lr}·${weightDecay} = ${lr * weightDecay}`);
  }
}

/** Option keys of AdamW beyond the common ones. */
export const ADAMW_KEYS = ['beta1', 'beta2', 'eps', 'weightDecay'];

/** AdamW scalars at step t for one variable (torch.optim.AdamW docs' algorithm; no paper equation cited). */
export function adamwScalars(o: AdamWOptions, ctx: StepContext): RuleScalars {
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  return {
    b1,
    b2,
    stepSize: ctx.lr / (1 - Math.pow(b1, ctx.t)),
    ibc2: 1 / Math.sqrt(1 - Math.pow(b2, ctx.t)),
    eps: o.eps ?? 1e-8,
    decay: 1 - ctx.lr * (o.weightDecay ?? 0.01) * ctx.decayScale,
  };
}

/** AdamW (Loshchilov & Hutter) in PyTorch's exact form, fused into one pass per variable. */
export class AdamW extends FusedOptimizer<AdamWOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'AdamW';
  constructor(options: AdamWOptions) {
    super('AdamW', options, ADAMW_KEYS);
    checkAdamOptions('AdamW', options);
  }
  protected ruleFor(): FusedRule {
    return adamwRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    return adamwScalars(this.options, ctx);
  }
}
tf.serialization.registerClass(AdamW);

/** `new AdamW(options)`, tfjs style. */
export const adamw = (options: AdamWOptions): AdamW => new AdamW(options);
