/**
 * AdamW as `torch.optim.AdamW(params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)`: decay first with the
 * full lr, ε after bias correction, the step t counted per variable, every variable decayed unless `noDecay` says
 * otherwise (torch decays every parameter it is given; its no-decay groups are the user's, here `noDecay`).
 */
import { checkEps, checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { registerOptimizer } from './register';
import { adamwRule, type FusedRule, type RuleScalars } from './rules';

/** Options of {@link AdamW}; defaults are PyTorch's (β 0.9/0.999, ε 1e-8, λ 0.01, every variable decayed). */
export interface AdamWOptions extends CommonOptions {
  /** β1 ∈ [0, 1). Default 0.9. */
  beta1?: number;
  /** β2 ∈ [0, 1). Default 0.999. */
  beta2?: number;
  /** ε > 0 added to the bias-corrected √v. Default 1e-8. */
  eps?: number;
  /**
   * Decoupled weight decay λ; each step shrinks θ by lr_t·λ. Default 0.01. Applies to every variable by default,
   * as torch's does (AdamW's `noDecay` default is `[]`); pass `noDecay: 'auto'` to spare biases, norms and
   * embeddings (the 0.1.x default, and the default of the other optimizers here).
   */
  weightDecay?: number;
}

/** AdamW's defaults: torch.optim.AdamW's. */
export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 } as const;

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
  const b1 = o.beta1 ?? ADAMW_DEFAULTS.beta1;
  const b2 = o.beta2 ?? ADAMW_DEFAULTS.beta2;
  return {
    b1,
    b2,
    stepSize: ctx.lr / (1 - Math.pow(b1, ctx.t)),
    ibc2: 1 / Math.sqrt(1 - Math.pow(b2, ctx.t)),
    eps: o.eps ?? ADAMW_DEFAULTS.eps,
    decay: 1 - ctx.lr * (o.weightDecay ?? ADAMW_DEFAULTS.weightDecay) * ctx.decayScale,
  };
}

/**
 * AdamW (Loshchilov & Hutter) in PyTorch's form, fused into one pass per variable: the same defaults and update as
 * `torch.optim.AdamW`, including weight decay on every variable (`noDecay: []`) and a step count per variable.
 */
export class AdamW extends FusedOptimizer<AdamWOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'AdamW';
  /** Defaults of configs saved before `configVersion` 2 (0.1.x spared rank ≤ 1 and embedding variables). */
  static readonly legacyDefaults: Partial<AdamWOptions> = { noDecay: 'auto' };
  constructor(options: AdamWOptions) {
    super('AdamW', options, ADAMW_KEYS);
    checkAdamOptions('AdamW', options);
  }
  protected override defaults(): Partial<AdamWOptions> {
    return { ...ADAMW_DEFAULTS, noDecay: [] };
  }
  protected ruleFor(): FusedRule {
    return adamwRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    return adamwScalars(this.options, ctx);
  }
}
registerOptimizer(AdamW);

/** `new AdamW(options)`, tfjs style. */
export const adamw = (options: AdamWOptions): AdamW => new AdamW(options);
