/** SGD with (optionally Nesterov) momentum in PyTorch's form, with decoupled weight decay. */
import * as tf from '@tensorflow/tfjs-core';
import { checkDecayBelowOne } from './adamw';
import { checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { sgdMomentumRule, type FusedRule, type RuleScalars } from './rules';

/** Options of {@link SgdMomentum}. */
export interface SgdMomentumOptions extends CommonOptions {
  /** μ ∈ [0, 1). Default 0.9. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
  /** Decoupled weight decay λ (θ shrinks by lr·λ per step). Default 0. */
  weightDecay?: number;
}

/** SGD-momentum: buf ← μ·buf + g; θ ← θ(1 − lr·λ) − lr·(nesterov ? g + μ·buf : buf). torch.optim.SGD form; no paper equation. */
export class SgdMomentum extends FusedOptimizer<SgdMomentumOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'SgdMomentum';
  constructor(options: SgdMomentumOptions) {
    super('SgdMomentum', options, ['momentum', 'nesterov', 'weightDecay']);
    const o = this.options;
    if (o.momentum !== undefined) checkNumber('SgdMomentum', 'momentum', o.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    if (o.weightDecay !== undefined) {
      checkNumber('SgdMomentum', 'weightDecay', o.weightDecay, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    }
    checkDecayBelowOne('SgdMomentum', o.learningRate, o.weightDecay ?? 0);
  }
  protected ruleFor(): FusedRule {
    return sgdMomentumRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    const o = this.options;
    return {
      mu: o.momentum ?? 0.9,
      lr: ctx.lr,
      nesterov: o.nesterov ? 1 : 0,
      decay: 1 - ctx.lr * (o.weightDecay ?? 0) * ctx.decayScale,
    };
  }
}
tf.serialization.registerClass(SgdMomentum);

/** `new SgdMomentum(options)`, tfjs style. */
export const sgdMomentum = (options: SgdMomentumOptions): SgdMomentum => new SgdMomentum(options);
