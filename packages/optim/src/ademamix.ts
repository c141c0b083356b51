/**
 * AdEMAMix (arXiv 2409.03137, official PyTorch): a fast bias-corrected EMA plus α times a slow, uncorrected one.
 * Paper Alg. 1 (no equation numbers recorded); code apple/ml-ademamix `pytorch/ademamix.py::AdEMAMix.step`.
 */
import { ADAMW_KEYS, checkAdamOptions, type AdamWOptions } from './adamw';
import { checkNumber } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { registerOptimizer } from './register';
import { ademamixRule, type FusedRule, type RuleScalars } from './rules';
import { ademamixAlpha, ademamixBeta3, type Schedule } from './schedules';

/** Options of {@link AdEMAMix}. Defaults: β (0.9, 0.999, 0.9999), α 2 (PyTorch class), λ 0, no warm-ups. */
export interface AdEMAMixOptions extends AdamWOptions {
  /** Slow-EMA decay β3 ∈ (0, 1) reached after `beta3Warmup`. Default 0.9999. */
  beta3?: number;
  /** Weight α ≥ 0 of the slow EMA reached after `alphaWarmup`. Default 2. α = 0 is exactly AdamW. */
  alpha?: number;
  /** Linear α warm-up length in steps (paper: T). Default 0 (none). */
  alphaWarmup?: number;
  /** β3 warm-up length, linear in half-life from β1 (paper: T). Default 0 (none). */
  beta3Warmup?: number;
  /** Extra multiplier of the slow EMA's term, α·γ3f·m2 (ADANA authors' `gamma_3_factor`, mlexpos/adana `src/optim/ademamix.py`). Default 1. */
  gamma3Factor?: number;
}

/** AdEMAMix's defaults (the official PyTorch class's, with λ 0 and no warm-ups). */
export const ADEMAMIX_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, beta3: 0.9999, alpha: 2, alphaWarmup: 0, beta3Warmup: 0, gamma3Factor: 1 } as const;

/** AdEMAMix with the official α and β3 schedulers evaluated at the variable's 1-based step (as `AdEMAMix.step`). */
export class AdEMAMix extends FusedOptimizer<AdEMAMixOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'AdEMAMix';
  private readonly alphaAt: Schedule;
  private readonly beta3At: Schedule;
  constructor(options: AdEMAMixOptions) {
    super('AdEMAMix', { weightDecay: ADEMAMIX_DEFAULTS.weightDecay, ...options }, [...ADAMW_KEYS, 'beta3', 'alpha', 'alphaWarmup', 'beta3Warmup', 'gamma3Factor']);
    const o = this.options;
    checkAdamOptions('AdEMAMix', o);
    if (o.beta3 !== undefined) checkNumber('AdEMAMix', 'beta3', o.beta3, (v) => v > 0 && v < 1, 'in (0, 1)');
    if (o.alpha !== undefined) checkNumber('AdEMAMix', 'alpha', o.alpha, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    if (o.gamma3Factor !== undefined) checkNumber('AdEMAMix', 'gamma3Factor', o.gamma3Factor, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    for (const key of ['alphaWarmup', 'beta3Warmup'] as const) {
      if (o[key] !== undefined) checkNumber('AdEMAMix', key, o[key], (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    }
    this.alphaAt = ademamixAlpha(o.alpha ?? ADEMAMIX_DEFAULTS.alpha, o.alphaWarmup ?? ADEMAMIX_DEFAULTS.alphaWarmup);
    const b1 = o.beta1 ?? ADEMAMIX_DEFAULTS.beta1;
    // β_start = β1 (paper Alg. 1); with β1 = 0 the half-life of β1 is undefined, so start from 0.5 (half-life 0).
    // Default β3 0.9999; the paper's App. C.1.5 (cited by optax) finds a smaller β3 (0.999) better for short runs.
    this.beta3At = ademamixBeta3(o.beta3 ?? ADEMAMIX_DEFAULTS.beta3, o.beta3Warmup ?? ADEMAMIX_DEFAULTS.beta3Warmup, b1 > 0 ? b1 : 0.5);
  }
  protected override defaults(): Partial<AdEMAMixOptions> {
    return { ...ADEMAMIX_DEFAULTS };
  }
  protected ruleFor(): FusedRule {
    return ademamixRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    const o = this.options;
    const b1 = o.beta1 ?? ADEMAMIX_DEFAULTS.beta1;
    const b2 = o.beta2 ?? ADEMAMIX_DEFAULTS.beta2;
    return {
      b1,
      b2,
      b3: this.beta3At(ctx.t),
      alpha: this.alphaAt(ctx.t) * (o.gamma3Factor ?? ADEMAMIX_DEFAULTS.gamma3Factor),
      lr: ctx.lr,
      ibc1: 1 / (1 - Math.pow(b1, ctx.t)), // bias correction of m1 and ν only, never m2 (`AdEMAMix.step`)
      ibc2: 1 / Math.sqrt(1 - Math.pow(b2, ctx.t)),
      eps: o.eps ?? ADEMAMIX_DEFAULTS.eps,
      decay: 1 - ctx.lr * (o.weightDecay ?? ADEMAMIX_DEFAULTS.weightDecay) * ctx.decayScale, // λ times the full lr, as `AdEMAMix.step`
    };
  }
}
registerOptimizer(AdEMAMix);

/** `new AdEMAMix(options)`, tfjs style. */
export const ademamix = (options: AdEMAMixOptions): AdEMAMix => new AdEMAMix(options);
