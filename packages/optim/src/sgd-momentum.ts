/**
 * SGD with (optionally Nesterov) momentum as `torch.optim.SGD(params, lr, momentum=0, dampening=0,
 * weight_decay=0, nesterov=False)`: the same defaults, and weight decay coupled (L2 added to the gradient) unless
 * `decoupledWeightDecay` is set.
 */
import { checkDecayBelowOne } from './adamw';
import { checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { registerOptimizer } from './register';
import { sgdMomentumRule, type FusedRule, type RuleScalars } from './rules';

/** Options of {@link SgdMomentum}; defaults are torch.optim.SGD's. */
export interface SgdMomentumOptions extends CommonOptions {
  /** μ ∈ [0, 1). Default 0 (torch's; plain SGD). */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0, as in torch). Default false. */
  nesterov?: boolean;
  /**
   * Weight decay λ. Default 0. Coupled by default, as torch's `weight_decay`: λ·θ is added to the (clipped)
   * gradient before the momentum buffer, g ← g + λθ. With `decoupledWeightDecay` θ shrinks by lr·λ per step instead.
   * Every variable is decayed unless `noDecay` spares it (default `[]`, as torch).
   */
  weightDecay?: number;
  /**
   * Decoupled weight decay (θ ← θ·(1 − lr·λ), outside the momentum buffer; the 0.1.x default) instead of
   * torch's coupled L2 term. Default false.
   */
  decoupledWeightDecay?: boolean;
}

/** SgdMomentum's defaults: torch.optim.SGD's (momentum 0, no Nesterov, weight decay 0, coupled). */
export const SGD_MOMENTUM_DEFAULTS = { momentum: 0, nesterov: false, weightDecay: 0, decoupledWeightDecay: false } as const;

/**
 * SGD-momentum, torch.optim.SGD's update (dampening 0): g ← g + λθ (coupled decay); buf ← μ·buf + g;
 * θ ← θ − lr·(nesterov ? g + μ·buf : buf). With `decoupledWeightDecay`: θ ← θ(1 − lr·λ) − lr·(…) and no λθ in g.
 * No paper equation.
 */
export class SgdMomentum extends FusedOptimizer<SgdMomentumOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'SgdMomentum';
  /** Defaults of configs saved before `configVersion` 2 (0.1.x: μ 0.9, decoupled decay, rank ≤ 1 and embeddings spared). */
  static readonly legacyDefaults: Partial<SgdMomentumOptions> = { momentum: 0.9, decoupledWeightDecay: true, noDecay: 'auto' };
  constructor(options: SgdMomentumOptions) {
    super('SgdMomentum', options, ['momentum', 'nesterov', 'weightDecay', 'decoupledWeightDecay']);
    const o = this.options;
    if (o.momentum !== undefined) checkNumber('SgdMomentum', 'momentum', o.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    if (o.nesterov !== undefined && typeof o.nesterov !== 'boolean') throw new Error(`SgdMomentum: nesterov must be a boolean, got ${String(o.nesterov)}`);
    if (o.nesterov && !((o.momentum ?? SGD_MOMENTUM_DEFAULTS.momentum) > 0)) {
      throw new Error(`SgdMomentum: nesterov needs momentum > 0 (as torch.optim.SGD), got momentum ${o.momentum ?? SGD_MOMENTUM_DEFAULTS.momentum} (the default is 0)`);
    }
    if (o.decoupledWeightDecay !== undefined && typeof o.decoupledWeightDecay !== 'boolean') {
      throw new Error(`SgdMomentum: decoupledWeightDecay must be a boolean, got ${String(o.decoupledWeightDecay)}`);
    }
    if (o.weightDecay !== undefined) {
      checkNumber('SgdMomentum', 'weightDecay', o.weightDecay, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    }
    // Decoupled: the factor 1 − lr·λ must stay > 0. Coupled: θ(1 − lr·λ) − lr·g (μ = 0) has the same factor.
    checkDecayBelowOne('SgdMomentum', o.learningRate, o.weightDecay ?? SGD_MOMENTUM_DEFAULTS.weightDecay);
  }
  protected override defaults(): Partial<SgdMomentumOptions> {
    return { ...SGD_MOMENTUM_DEFAULTS, noDecay: [] };
  }
  protected ruleFor(): FusedRule {
    return sgdMomentumRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    const o = this.options;
    const lambda = (o.weightDecay ?? SGD_MOMENTUM_DEFAULTS.weightDecay) * ctx.decayScale;
    const decoupled = o.decoupledWeightDecay ?? SGD_MOMENTUM_DEFAULTS.decoupledWeightDecay;
    return {
      mu: o.momentum ?? SGD_MOMENTUM_DEFAULTS.momentum,
      lr: ctx.lr,
      nesterov: (o.nesterov ?? SGD_MOMENTUM_DEFAULTS.nesterov) ? 1 : 0,
      decay: decoupled ? 1 - ctx.lr * lambda : 1,
      wd: decoupled ? 0 : lambda,
    };
  }
}
registerOptimizer(SgdMomentum);

/** `new SgdMomentum(options)`, tfjs style. */
export const sgdMomentum = (options: SgdMomentumOptions): SgdMomentum => new SgdMomentum(options);
