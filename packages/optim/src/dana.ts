/**
 * DANA (arXiv 2505.16098, "Dimension-adapted Momentum Outscales SGD"): generalized momentum SGD
 * y ← (1 − Δ(t))·y + γ1·g; θ ← θ − γ2·g − γ3(t)·y, with Δ(t) = δ/(δ + t − 1) (Δ(1) = 1, the authors' 0-based count)
 * and γ3 either constant ∝ 1/d (DANA-constant) or decaying as a power of t (DANA-decaying).
 * Paper text not reachable (no equation numbers); the rule is LosVolterrosHermanos/Experimental
 * `power_law_rf/optimizers.py::dana_optimizer`, the schedules its `powerlaw_schedule`.
 */
import { checkDecayBelowOne } from './adamw';
import { checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { registerOptimizer } from './register';
import { danaRule, type FusedRule, type RuleScalars } from './rules';
import { danaDelta } from './schedules';

/** Options of {@link Dana}. `learningRate` is γ2 (the plain-SGD step); the schedule factor scales γ2 and γ3 alike. */
export interface DanaOptions extends CommonOptions {
  /** 'constant': γ3 = c·γ2/d. 'decaying': γ3(t) = c·γ2·t^(−exponent). Default 'decaying'. */
  variant?: 'constant' | 'decaying';
  /** δ > 0 of Δ(t). Default 8. */
  delta?: number;
  /** γ1 (gradient weight in y). Default 1. */
  gamma1?: number;
  /** c of γ3 (authors: 0.5). Default 0.5. */
  c?: number;
  /** Model size d (required for 'constant' unless `layerwise`). */
  d?: number;
  /**
   * Layerwise DANA-constant (the authors' `dana_optimizer_layerwise`): γ3 = c·γ2/d_layer with d_layer the number of
   * elements of each variable, instead of one model size d. Only with variant 'constant'.
   */
  layerwise?: boolean;
  /** Decay exponent of γ3 for 'decaying' (1/(2α) on power-law data). Default 0.5. */
  exponent?: number;
  /** Decoupled weight decay λ (θ shrinks by lr·λ per step; ours, `dana_optimizer` has none). Default 0. */
  weightDecay?: number;
}

/** DANA's defaults (`d` has none: it is required for variant 'constant' unless `layerwise`). */
export const DANA_DEFAULTS = { variant: 'decaying', delta: 8, gamma1: 1, c: 0.5, exponent: 0.5, weightDecay: 0, layerwise: false } as const;

/** γ3 at 1-based step t: c·γ2/d or c·γ2·t^(−exponent) (authors: `powerlaw_schedule(c·γ2, 0, −1/(2α), 1)` at count t − 1). */
export function danaGamma3(o: DanaOptions, gamma2: number, t: number, layerSize?: number): number {
  // g3_constant / g3_decay of mlexpos/adana `jax/dana_plrf.py::main`; layerwise: Experimental `dana_optimizer_layerwise`.
  const c = o.c ?? DANA_DEFAULTS.c;
  if ((o.variant ?? DANA_DEFAULTS.variant) === 'constant') return (c * gamma2) / (o.layerwise ? Math.max(1, layerSize ?? 1) : o.d!);
  return c * gamma2 * Math.pow(t, -(o.exponent ?? DANA_DEFAULTS.exponent));
}

/** DANA-constant / DANA-decaying as a fused tfjs optimizer. γ3 = 0 (c = 0) is plain SGD. */
export class Dana extends FusedOptimizer<DanaOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'Dana';
  constructor(options: DanaOptions) {
    super('Dana', options, ['variant', 'delta', 'gamma1', 'c', 'd', 'exponent', 'weightDecay', 'layerwise']);
    const o = this.options;
    if (o.variant !== undefined && o.variant !== 'constant' && o.variant !== 'decaying') {
      throw new Error(`Dana: variant must be 'constant' or 'decaying', got '${String(o.variant)}'`);
    }
    if (o.delta !== undefined) checkNumber('Dana', 'delta', o.delta, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
    if (o.gamma1 !== undefined) checkNumber('Dana', 'gamma1', o.gamma1, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    if (o.c !== undefined) checkNumber('Dana', 'c', o.c, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    if (o.exponent !== undefined) checkNumber('Dana', 'exponent', o.exponent, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    if (o.weightDecay !== undefined) checkNumber('Dana', 'weightDecay', o.weightDecay, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    if (o.layerwise !== undefined && typeof o.layerwise !== 'boolean') throw new Error(`Dana: layerwise must be a boolean, got ${String(o.layerwise)}`);
    if (o.layerwise && o.variant !== 'constant') throw new Error(`Dana: layerwise needs variant 'constant', got '${String(o.variant ?? 'decaying')}'`);
    checkDecayBelowOne('Dana', o.learningRate, o.weightDecay ?? 0);
    if (o.variant === 'constant' && !o.layerwise) checkNumber('Dana', 'd', o.d, (v) => v >= 1 && Number.isFinite(v), "a finite number >= 1 (the model size) for variant 'constant'");
  }
  protected override defaults(): Partial<DanaOptions> {
    return { ...DANA_DEFAULTS };
  }
  protected ruleFor(): FusedRule {
    return danaRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    const o = this.options;
    return {
      keep: 1 - danaDelta(ctx.t, o.delta ?? DANA_DEFAULTS.delta),
      g1: o.gamma1 ?? DANA_DEFAULTS.gamma1,
      g2: ctx.lr,
      g3: danaGamma3(o, ctx.lr, ctx.t, ctx.shape.reduce((a, b) => a * b, 1)),
      decay: 1 - ctx.lr * (o.weightDecay ?? DANA_DEFAULTS.weightDecay) * ctx.decayScale,
    };
  }
}
registerOptimizer(Dana);

/** `new Dana(options)`, tfjs style. */
export const dana = (options: DanaOptions): Dana => new Dana(options);

/** Inputs of {@link danaHyperparameters}: the power-law problem (α, β), model size d, batch B, feature count v. */
export interface DanaProblem {
  /** Data (spectrum) exponent α > 0: covariance eigenvalues j^(−2α). */
  alpha: number;
  /** Target exponent β. */
  beta: number;
  /** Model size (parameters) d ≥ 1. */
  d: number;
  /** Batch size B ≥ 1. Default 1. */
  batch?: number;
  /** Number of features v summed in tr K = Σ_{j≤v} j^(−2α). Default 4·d (the authors' PLRF demo uses v = 4d). */
  v?: number;
}

/** DANA hyperparameters from the authors' PLRF code (`jax/dana_plrf.py`; the paper's own statement is unconfirmed). */
export interface DanaHyperparameters {
  gamma1: number;
  /** γ2 = 0.5·min(1, B/tr K). */
  gamma2: number;
  /** δ = 4 + (α + β)/α. */
  delta: number;
  /** DANA-constant γ3 = 0.5·γ2/d. */
  gamma3Constant: number;
  /** DANA-decaying prefactor 0.5·γ2 (γ3(t) = prefactor·t^(−exponent)). */
  gamma3DecayingPrefactor: number;
  /** DANA-decaying exponent (1 − κ_b)/(2α), κ_b = ln B / ln d (= 1/(2α) at batch 1). */
  gamma3DecayingExponent: number;
  /** tr K = Σ_{j≤v} j^(−2α). */
  traceK: number;
}

/**
 * The authors' hyperparameter rules for DANA on power-law data: γ1 = 1, γ2 = ½·min(1, B/tr K),
 * δ = 4 + (α+β)/α, γ3 = ½·γ2/d (constant) or ½·γ2·t^(−(1−κ_b)/(2α)) (decaying), κ_b = ln B/ln d.
 * Source: mlexpos/adana `jax/dana_plrf.py::main`, batch exponent `jax/lr_m_sweeps.py::get_tanea_hparams` (code, not
 * the paper: its text was not reachable, so no equation numbers). `@lemma/scaling-laws` imports this.
 */
export function danaHyperparameters(p: DanaProblem): DanaHyperparameters {
  checkNumber('danaHyperparameters', 'alpha', p.alpha, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  checkNumber('danaHyperparameters', 'beta', p.beta, (v) => Number.isFinite(v), 'a finite number');
  checkNumber('danaHyperparameters', 'd', p.d, (v) => v >= 1 && Number.isFinite(v), 'a finite number >= 1');
  const batch = p.batch ?? 1;
  checkNumber('danaHyperparameters', 'batch', batch, (v) => v >= 1 && Number.isFinite(v), 'a finite number >= 1');
  const v = p.v ?? 4 * p.d;
  checkNumber('danaHyperparameters', 'v', v, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  let traceK = 0;
  for (let j = v; j >= 1; j--) traceK += Math.pow(j, -2 * p.alpha); // smallest terms first for accuracy
  const gamma2 = 0.5 * Math.min(1, batch / traceK);
  const kappaB = p.d > 1 ? Math.log(batch) / Math.log(p.d) : 0;
  return {
    gamma1: 1,
    gamma2,
    delta: 4 + (p.alpha + p.beta) / p.alpha,
    gamma3Constant: (0.5 * gamma2) / p.d,
    gamma3DecayingPrefactor: 0.5 * gamma2,
    gamma3DecayingExponent: (1 - kappaB) / (2 * p.alpha),
    traceK,
  };
}
