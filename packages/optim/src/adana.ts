/**
 * ADANA and its variants (arXiv 2602.05298; authors' `adana.py`, `dana_star_mk4.py`): log-time moments,
 * κ-damped Nesterov momentum, log-time weight decay. Step t is 1-based.
 */
import { checkEps, checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { registerOptimizer } from './register';
import { adanaRule, danaStarRule, NO_CLIP, type FusedRule, type RuleScalars } from './rules';
import { logTimeCoefficient } from './schedules';

/** Options of {@link Adana} and its variants. Defaults: κ 0.85, δ 8, ω 4 (README, `scripts/launch.sh`), ε 1e-8 (`adana.py`). */
export interface AdanaOptions extends CommonOptions {
  /** Damping exponent κ ∈ [0, 1]: the momentum weight is (1 + t)^(1−κ). Default 0.85. */
  kappa?: number;
  /** δ > 0 of the log-time EMA 1 − β(t) = δ/(δ + t). Default 8. */
  delta?: number;
  /** ε > 0 added to √v (0 is rejected: 0/0 = NaN on a zero gradient). Default 1e-8. */
  eps?: number;
  /** ω ≥ 0 of the log-time weight decay λ(t) = ω/(T/10 + t). Default 4 (only used when `totalSteps` is set). */
  omega?: number;
  /** Total steps T; enables log-time weight decay λ(t) = ω/(T/10 + t). Without it (and `wdTimescale`) no weight decay. */
  totalSteps?: number;
  /**
   * Timescale of the log-time weight decay, λ(t) = ω/(wdTimescale + t) (the authors' `wd_ts`; overrides T/10,
   * as their `--wd_ts_divisor` / `--wd_ts_const` do). Enables the decay on its own.
   */
  wdTimescale?: number;
  /** A constant weight decay λ ∈ [0, 1) instead of the log-time one: θ ← θ·(1 − λ·s(t)) after the step. */
  weightDecay?: number;
  /** Multiplier of the momentum term (authors' gamma_3_factor). Default 1; 0 gives log-time RMSProp. */
  gamma3Factor?: number;
  /** SNR clip of the momentum coefficient (Dana-MK4). Default: off for ADANA/Dana-Star, 2 for the MK4 variants (`launch.sh` CLIPSNR). */
  clipSNR?: number;
}

/** ADANA-family defaults (README, `scripts/launch.sh`, `adana.py`); ω only matters with log-time weight decay. */
export const ADANA_DEFAULTS = { kappa: 0.85, delta: 8, eps: 1e-8, omega: 4, gamma3Factor: 1 } as const;

function checkAdana(cls: string, o: AdanaOptions): void {
  if (o.kappa !== undefined) checkNumber(cls, 'kappa', o.kappa, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  if (o.delta !== undefined) checkNumber(cls, 'delta', o.delta, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  if (o.eps !== undefined) checkEps(cls, 'eps', o.eps);
  if (o.omega !== undefined) checkNumber(cls, 'omega', o.omega, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  if (o.totalSteps !== undefined) checkNumber(cls, 'totalSteps', o.totalSteps, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  if (o.wdTimescale !== undefined) checkNumber(cls, 'wdTimescale', o.wdTimescale, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  if (o.weightDecay !== undefined) {
    checkNumber(cls, 'weightDecay', o.weightDecay, (v) => v >= 0 && v < 1, 'in [0, 1) (each step multiplies the weights by 1 − λ·s(t))');
    if (o.totalSteps !== undefined || o.wdTimescale !== undefined || o.omega !== undefined) {
      throw new Error(`${cls}: weightDecay (constant) cannot be combined with omega / totalSteps / wdTimescale (log-time weight decay)`);
    }
  }
  if (o.gamma3Factor !== undefined) checkNumber(cls, 'gamma3Factor', o.gamma3Factor, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  if (o.clipSNR !== undefined) checkNumber(cls, 'clipSNR', o.clipSNR, (v) => v > 0, 'a number > 0');
  const ts = wdTimescaleOf(o);
  // λ(1) = ω/(wd_ts + 1) is the largest decay; at 1 or more the factor 1 − λ(1)·s(1) flips or zeroes every weight.
  if (ts !== undefined && (o.omega ?? ADANA_DEFAULTS.omega) / (ts + 1) >= 1) {
    throw new Error(
      `${cls}: omega/(wdTimescale + 1) must be < 1 (the weight-decay factor 1 − λ(1) would be <= 0), got ${o.omega ?? ADANA_DEFAULTS.omega}/(${ts} + 1)` +
        `${o.wdTimescale === undefined ? ` with wdTimescale = totalSteps/10 = ${ts}; raise totalSteps or lower omega` : ''}`,
    );
  }
}

/** The log-time weight-decay timescale: `wdTimescale`, else totalSteps/10, else none (no decay). */
function wdTimescaleOf(o: AdanaOptions): number | undefined {
  return o.wdTimescale ?? (o.totalSteps !== undefined ? o.totalSteps / 10 : undefined);
}

/** One member of the ADANA family: its rule (τ estimator or not) and default SNR clip. */
interface AdanaVariant {
  star: boolean;
  defaultClip: number | undefined;
}

/** The ADANA family (authors' `adana.py`, `dana_star_mk4.py`): class name → variant. */
const VARIANTS = {
  Adana: { star: false, defaultClip: undefined },
  DanaMK4: { star: false, defaultClip: 2 },
  DanaStar: { star: true, defaultClip: undefined },
  DanaStarMK4: { star: true, defaultClip: 2 },
} as const satisfies Record<string, AdanaVariant>;

/** Option keys of the ADANA family beyond the common ones. */
const ADANA_KEYS = ['kappa', 'delta', 'eps', 'omega', 'totalSteps', 'wdTimescale', 'weightDecay', 'gamma3Factor', 'clipSNR'];

/** The ADANA family, one class driven by {@link VARIANTS}; the exported classes only fix the variant. */
abstract class AdanaFamily extends FusedOptimizer<AdanaOptions> {
  private readonly variant: AdanaVariant;

  protected constructor(cls: keyof typeof VARIANTS, options: AdanaOptions) {
    super(cls, options, ADANA_KEYS);
    checkAdana(cls, options);
    this.variant = VARIANTS[cls];
  }

  protected override defaults(): Partial<AdanaOptions> {
    const { omega, ...rest } = ADANA_DEFAULTS;
    const clip = this.variant.defaultClip;
    // ω belongs to the log-time decay: a constant weightDecay excludes it.
    return { ...rest, ...(this.options.weightDecay === undefined ? { omega } : {}), ...(clip === undefined ? {} : { clipSNR: clip }) };
  }

  protected ruleFor(): FusedRule {
    return this.variant.star ? danaStarRule : adanaRule;
  }

  /**
   * λ(t): ω/(wd_ts + t) (wd_ts = `wdTimescale` or T/10), the constant `weightDecay`, or 0. README: λ(t) = ω/t;
   * code: `adana.py` wd/(1 + step/wd_ts) with `launch.sh` wd = ω/wd_ts (no equation number: paper text not reachable).
   */
  weightDecayAt(t: number): number {
    const o = this.options;
    if (o.weightDecay !== undefined) return o.weightDecay;
    const ts = wdTimescaleOf(o);
    return ts === undefined ? 0 : (o.omega ?? ADANA_DEFAULTS.omega) / (ts + t);
  }

  protected scalarsFor(ctx: StepContext): RuleScalars {
    const o = this.options;
    const { t, lr } = ctx;
    const kappa = o.kappa ?? ADANA_DEFAULTS.kappa;
    const clip = o.clipSNR ?? this.variant.defaultClip;
    const common = {
      a: logTimeCoefficient(t, o.delta ?? ADANA_DEFAULTS.delta), // δ/(δ+t): `adana.py::ADana.step` (README β1(t) = β2(t))
      lr,
      lr3: lr * (o.gamma3Factor ?? ADANA_DEFAULTS.gamma3Factor),
      clip: clip === undefined || !Number.isFinite(clip) ? NO_CLIP : clip,
      eps: o.eps ?? ADANA_DEFAULTS.eps,
      decay: 1 - this.weightDecayAt(t) * ctx.scheduleFactor * ctx.decayScale, // WD after the step, times s(t): `adana.py` wd_factor
    };
    // Dana-Star: eff_t^(1−κ) and τ_reg's floor 1/(1+t) as `dana_star_mk4.py::DANA_STAR_MK4._update_param_compiled`.
    if (this.variant.star) return { ...common, t, ek: 1 - kappa, tmin: 1 / (1 + t) };
    // α(t) = (1+t)^(1−κ): README "damped Nesterov"; `adana.py` effective_time = 1 + step (no equation number).
    return { ...common, damp: Math.pow(1 + t, 1 - kappa) };
  }
}

/** ADANA: log-time Adam-like moments with κ-damped Nesterov momentum, no SNR clip. */
export class Adana extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'Adana';
  constructor(options: AdanaOptions) {
    super('Adana', options);
  }
}

/** Dana-MK4: ADANA with the momentum coefficient clipped at `clipSNR` (default 2). */
export class DanaMK4 extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'DanaMK4';
  constructor(options: AdanaOptions) {
    super('DanaMK4', options);
  }
}

/** Dana-Star: per-coordinate τ (how often the gradient is nonzero) rescales time; for sparse gradients. No clip. */
export class DanaStar extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'DanaStar';
  constructor(options: AdanaOptions) {
    super('DanaStar', options);
  }
}

/** Dana-Star-MK4: Dana-Star with SNR clipping (default clipSNR 2). */
export class DanaStarMK4 extends AdanaFamily {
  /** Class name used by tfjs serialization. */
  static readonly className = 'DanaStarMK4';
  constructor(options: AdanaOptions) {
    super('DanaStarMK4', options);
  }
}

for (const cls of [Adana, DanaMK4, DanaStar, DanaStarMK4]) registerOptimizer(cls);

/** `new Adana(options)`, tfjs style. */
export const adana = (options: AdanaOptions): Adana => new Adana(options);
/** `new DanaMK4(options)`, tfjs style. */
export const danaMK4 = (options: AdanaOptions): DanaMK4 => new DanaMK4(options);
/** `new DanaStar(options)`, tfjs style. */
export const danaStar = (options: AdanaOptions): DanaStar => new DanaStar(options);
/** `new DanaStarMK4(options)`, tfjs style. */
export const danaStarMK4 = (options: AdanaOptions): DanaStarMK4 => new DanaStarMK4(options);
