/**
 * ADANA and its variants (arXiv 2602.05298; authors' `adana.py`, `dana_star_mk4.py`): log-time moments,
 * κ-damped Nesterov momentum, log-time weight decay. Step t is 1-based.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { adanaRule, danaStarRule, NO_CLIP, type FusedRule, type RuleScalars } from './rules';
import { logTimeCoefficient } from './schedules';

/** Options of {@link Adana} and its variants. Defaults follow the paper: κ 0.85, δ 8, ω 4, ε 1e-8. */
export interface AdanaOptions extends CommonOptions {
  /** Damping exponent κ ∈ [0, 1]: the momentum weight is (1 + t)^(1−κ). Default 0.85. */
  kappa?: number;
  /** δ > 0 of the log-time EMA 1 − β(t) = δ/(δ + t). Default 8. */
  delta?: number;
  /** ε ≥ 0 added to √v. Default 1e-8. */
  eps?: number;
  /** ω ≥ 0 of the log-time weight decay λ(t) = ω/(T/10 + t). Default 4 (only used when `totalSteps` is set). */
  omega?: number;
  /** Total steps T; enables log-time weight decay. Without it there is no weight decay. */
  totalSteps?: number;
  /** Multiplier of the momentum term (authors' gamma_3_factor). Default 1; 0 gives log-time RMSProp. */
  gamma3Factor?: number;
  /** SNR clip of the momentum coefficient (Dana-MK4). Default: off for ADANA/Dana-Star, 2 for the MK4 variants. */
  clipSNR?: number;
}

function checkAdana(cls: string, o: AdanaOptions): void {
  if (o.kappa !== undefined) checkNumber(cls, 'kappa', o.kappa, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  if (o.delta !== undefined) checkNumber(cls, 'delta', o.delta, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  if (o.eps !== undefined) checkNumber(cls, 'eps', o.eps, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  if (o.omega !== undefined) checkNumber(cls, 'omega', o.omega, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  if (o.totalSteps !== undefined) checkNumber(cls, 'totalSteps', o.totalSteps, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  if (o.gamma3Factor !== undefined) checkNumber(cls, 'gamma3Factor', o.gamma3Factor, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  if (o.clipSNR !== undefined) checkNumber(cls, 'clipSNR', o.clipSNR, (v) => v > 0, 'a number > 0');
}

/** Shared machinery of the ADANA family; `star` selects the τ-estimator rule. */
abstract class AdanaFamily extends FusedOptimizer<AdanaOptions> {
  protected abstract readonly star: boolean;
  protected abstract readonly defaultClip: number | undefined;

  protected constructor(cls: string, options: AdanaOptions) {
    super(cls, options);
    checkAdana(cls, options);
  }

  protected ruleFor(): FusedRule {
    return this.star ? danaStarRule : adanaRule;
  }

  /** λ(t) = ω/(T/10 + t), or 0 without `totalSteps`. */
  weightDecayAt(t: number): number {
    const o = this.options;
    if (o.totalSteps === undefined) return 0;
    return (o.omega ?? 4) / (o.totalSteps / 10 + t);
  }

  protected scalarsFor(ctx: StepContext): RuleScalars {
    const o = this.options;
    const { t, lr } = ctx;
    const kappa = o.kappa ?? 0.85;
    const clip = o.clipSNR ?? this.defaultClip;
    const common = {
      a: logTimeCoefficient(t, o.delta ?? 8),
      lr,
      lr3: lr * (o.gamma3Factor ?? 1),
      clip: clip === undefined || !Number.isFinite(clip) ? NO_CLIP : clip,
      eps: o.eps ?? 1e-8,
      decay: 1 - this.weightDecayAt(t) * ctx.scheduleFactor * ctx.decayScale, // WD after the step, times s(t)
    };
    if (this.star) return { ...common, t, ek: 1 - kappa, tmin: 1 / (1 + t) };
    return { ...common, damp: Math.pow(1 + t, 1 - kappa) };
  }
}

/** ADANA: log-time Adam-like moments with κ-damped Nesterov momentum, no SNR clip. */
export class Adana extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'Adana';
  protected readonly star = false;
  protected readonly defaultClip = undefined;
  constructor(options: AdanaOptions) {
    super('Adana', options);
  }
}

/** Dana-MK4: ADANA with the momentum coefficient clipped at `clipSNR` (default 2). */
export class DanaMK4 extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'DanaMK4';
  protected readonly star = false;
  protected readonly defaultClip = 2;
  constructor(options: AdanaOptions) {
    super('DanaMK4', options);
  }
}

/** Dana-Star: per-coordinate τ (how often the gradient is nonzero) rescales time; for sparse gradients. No clip. */
export class DanaStar extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'DanaStar';
  protected readonly star = true;
  protected readonly defaultClip = undefined;
  constructor(options: AdanaOptions) {
    super('DanaStar', options);
  }
}

/** Dana-Star-MK4: Dana-Star with SNR clipping (default clipSNR 2). */
export class DanaStarMK4 extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'DanaStarMK4';
  protected readonly star = true;
  protected readonly defaultClip = 2;
  constructor(options: AdanaOptions) {
    super('DanaStarMK4', options);
  }
}

tf.serialization.registerClass(Adana);
tf.serialization.registerClass(DanaMK4);
tf.serialization.registerClass(DanaStar);
tf.serialization.registerClass(DanaStarMK4);

/** `new Adana(options)`, tfjs style. */
export const adana = (options: AdanaOptions): Adana => new Adana(options);
/** `new DanaMK4(options)`, tfjs style. */
export const danaMK4 = (options: AdanaOptions): DanaMK4 => new DanaMK4(options);
/** `new DanaStar(options)`, tfjs style. */
export const danaStar = (options: AdanaOptions): DanaStar => new DanaStar(options);
/** `new DanaStarMK4(options)`, tfjs style. */
export const danaStarMK4 = (options: AdanaOptions): DanaStarMK4 => new DanaStarMK4(options);
