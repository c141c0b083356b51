/**
 * Step schedules shared by every optimizer: log-time EMA coefficients, the ADANA damping factor, log-time weight
 * decay, learning-rate schedules and AdEMAMix's warm-ups.
 *
 * Step convention: `t` is **1-based** (the first update has t = 1), as in PyTorch and the authors' PyTorch code.
 * The JAX/optax references use a 0-based count c = t − 1; see {@link logTimeCoefficient}'s `zeroBased` option.
 */
import { expectNumber } from '@lemma/gpu-kernels/validate';

/** A schedule maps the 1-based step `t` to a number (a factor, a coefficient, a learning rate). */
export type Schedule = (t: number) => number;

/**
 * Log-time EMA coefficient a_t = 1 − β(t) = δ/(δ + t) shared by ADANA's first and second moments (ADANA README;
 * `src/optim/adana.py::ADana.step`: `alpha = delta / (delta + step)`; no equation number, paper text not reachable).
 * With `zeroBased` the count c = t − 1 is used instead (optax, `jax/optimizers.py`), so the first coefficient is exactly 1.
 */
export function logTimeCoefficient(t: number, delta: number, zeroBased = false): number {
  expectNumber('logTimeCoefficient', 'delta', delta, { min: 0, exclusiveMin: true });
  expectNumber('logTimeCoefficient', 't', t, { min: zeroBased ? 1 : 0 });
  const s = zeroBased ? t - 1 : t;
  return delta / (delta + s);
}

/** β(t) = t/(δ + t), the log-time EMA decay (1 − {@link logTimeCoefficient}). */
export function logTimeBeta(t: number, delta: number): number {
  return 1 - logTimeCoefficient(t, delta);
}

/** ADANA's damping α(t) = (1 + t)^(1 − κ): the weight of the Nesterov momentum term (README; `adana.py::ADana._update_param_compiled`). */
export function dampingFactor(t: number, kappa: number): number {
  expectNumber('dampingFactor', 'kappa', kappa, { min: 0, max: 1, expected: 'in [0, 1]' });
  expectNumber('dampingFactor', 't', t, { min: 0 });
  return Math.pow(1 + t, 1 - kappa);
}

/** Options of {@link logTimeWeightDecay}. */
export interface LogTimeWeightDecayOptions {
  /** ω, the total decay "budget" (paper default 4). */
  omega: number;
  /** Total number of training steps T; the decay time-scale is T/10 as in the authors' `launch.sh`. */
  totalSteps: number;
  /** Time-scale override (defaults to totalSteps/10). */
  timescale?: number;
}

/**
 * Log-time weight decay λ(t) = ω/(T/10 + t) (ADANA README: λ(t) = ω/t; code `adana.py::ADana._update_param_compiled`:
 * wd/(1 + t/wd_ts), with `scripts/launch.sh` wd = ω/wd_ts, wd_ts = T/10; no equation number, paper text not reachable).
 * Multiply by the LR schedule factor s(t) = lr_t/lr_peak (never by the peak LR) before use.
 */
export function logTimeWeightDecay(opts: LogTimeWeightDecayOptions): Schedule {
  const { omega, totalSteps } = opts;
  expectNumber('logTimeWeightDecay', 'omega', omega, { min: 0 });
  expectNumber('logTimeWeightDecay', 'totalSteps', totalSteps, { min: 0, exclusiveMin: true });
  const ts = opts.timescale ?? totalSteps / 10;
  expectNumber('logTimeWeightDecay', 'timescale', ts, { min: 0, exclusiveMin: true });
  return (t) => {
    expectNumber('logTimeWeightDecay', 't', t, { min: 0 });
    return omega / (ts + t);
  };
}

/**
 * DANA's momentum decay Δ(t) = δ/(δ + t) (2505.16098 Gen-Mom-SGD, equation number unknown; Experimental
 * `power_law_rf/optimizers.py::powerlaw_schedule(1, 0, −1, δ)`), evaluated at the 0-based count c = t − 1 as the
 * authors' `dana_optimizer` does, so Δ(1) = 1 and y₁ = γ1·g.
 */
export function danaDelta(t: number, delta: number): number {
  return logTimeCoefficient(t, delta, true);
}

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Total number of steps T. */
  totalSteps: number;
  /** Linear warm-up length (authors' `launch.sh`: T/50). Default: round(T/50). */
  warmupSteps?: number;
  /** Factor at the end of the cosine, as a fraction of the peak (authors' `launch.sh`: 0.1). Default 0.1. */
  floor?: number;
  /** Factor at step 0 of the warm-up (authors' `cos_inf`: 1/100). Default 0.01. */
  initial?: number;
}

/** {@link WarmupCosineOptions} with every default filled in, as {@link warmupCosine} uses them (saved configs record these). */
export function warmupCosineDefaults(opts: WarmupCosineOptions): Required<WarmupCosineOptions> {
  return { totalSteps: opts.totalSteps, warmupSteps: opts.warmupSteps ?? Math.round(opts.totalSteps / 50), floor: opts.floor ?? 0.1, initial: opts.initial ?? 0.01 };
}

/**
 * LR schedule factor s(t) ∈ [0, 1]: linear warm-up from `initial` to 1 over `warmupSteps`, then cosine from 1 to
 * `floor` at `totalSteps`, and `floor` afterwards (authors' `src/optim/schedule.py::cos_inf_schedule`, with
 * `scripts/launch.sh`'s div_factor 1e2, final_div_factor 1e-1, warm-up T/50). Multiply by the peak LR to get lr_t.
 */
export function warmupCosine(opts: WarmupCosineOptions): Schedule {
  expectNumber('warmupCosine', 'totalSteps', opts.totalSteps, { min: 1 });
  const { totalSteps, warmupSteps: warmup, floor, initial } = warmupCosineDefaults(opts);
  expectNumber('warmupCosine', 'warmupSteps', warmup, { test: (v) => v >= 0 && v <= totalSteps, expected: `in [0, totalSteps=${totalSteps}]` });
  expectNumber('warmupCosine', 'floor', floor, { min: 0, max: 1, expected: 'in [0, 1]' });
  expectNumber('warmupCosine', 'initial', initial, { min: 0, max: 1, expected: 'in [0, 1]' });
  return (t) => {
    expectNumber('warmupCosine', 't', t, { min: 0 });
    if (t < warmup) return initial + (1 - initial) * (t / warmup);
    if (t >= totalSteps) return floor;
    const progress = (t - warmup) / Math.max(1, totalSteps - warmup);
    return floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** A constant schedule factor (1 by default). */
export function constantSchedule(value = 1): Schedule {
  expectNumber('constantSchedule', 'value', value, { min: 0 });
  return () => value;
}

/** Options of {@link linearDecay}. */
export interface LinearDecayOptions {
  /** Total steps T. */
  totalSteps: number;
  /** Linear warm-up length from 0 (default 0). */
  warmupSteps?: number;
  /** Final factor at T (default 0). */
  floor?: number;
}

/** {@link LinearDecayOptions} with every default filled in, as {@link linearDecay} uses them. */
export function linearDecayDefaults(opts: LinearDecayOptions): Required<LinearDecayOptions> {
  return { totalSteps: opts.totalSteps, warmupSteps: opts.warmupSteps ?? 0, floor: opts.floor ?? 0 };
}

/** Linear warm-up (from 0) then linear decay from 1 to `floor` at `totalSteps`, constant afterwards. Ours; no paper source. */
export function linearDecay(opts: LinearDecayOptions): Schedule {
  expectNumber('linearDecay', 'totalSteps', opts.totalSteps, { min: 1 });
  const { totalSteps, warmupSteps: warmup, floor } = linearDecayDefaults(opts);
  expectNumber('linearDecay', 'warmupSteps', warmup, { test: (v) => v >= 0 && v < totalSteps, expected: `in [0, totalSteps=${totalSteps})` });
  expectNumber('linearDecay', 'floor', floor, { min: 0, max: 1, expected: 'in [0, 1]' });
  return (t) => {
    expectNumber('linearDecay', 't', t, { min: 0 });
    if (t < warmup) return t / warmup;
    if (t >= totalSteps) return floor;
    return 1 - (1 - floor) * ((t - warmup) / (totalSteps - warmup));
  };
}

/**
 * AdEMAMix α warm-up (apple/ml-ademamix `pytorch/ademamix.py::linear_warmup_scheduler`): linear from `start`
 * (default 0) to `end` over `warmup` steps, `end` afterwards. Evaluated at the 1-based step as the PyTorch reference does.
 */
export function ademamixAlpha(end: number, warmup: number, start = 0): Schedule {
  // The α scheduler of the AdEMAMix paper's Algorithm 1 (there T_α is usually the whole run T).
  expectNumber('ademamixAlpha', 'end', end, { min: 0 });
  expectNumber('ademamixAlpha', 'start', start, { min: 0 });
  expectNumber('ademamixAlpha', 'warmup', warmup, { min: 0 });
  return (t) => {
    expectNumber('ademamixAlpha', 't', t, { min: 0 });
    if (warmup === 0 || t >= warmup) return end;
    const a = t / warmup;
    return (1 - a) * start + a * end;
  };
}

/** Half-life in steps of an EMA with decay β: f(β) = ln 0.5 / ln β − 1 (`linear_hl_warmup_scheduler`'s `f`, without its 1e-8). */
export function halfLife(beta: number): number {
  return Math.log(0.5) / Math.log(beta) - 1;
}

/** Inverse of {@link halfLife}: β = 0.5^(1/(h + 1)) (`linear_hl_warmup_scheduler`'s `f_inv`). */
export function betaFromHalfLife(h: number): number {
  return Math.pow(0.5, 1 / (h + 1));
}

/**
 * AdEMAMix β3 warm-up (apple/ml-ademamix `pytorch/ademamix.py::linear_hl_warmup_scheduler`): the half-life moves
 * linearly from that of `start` (default β1) to that of `end` over `warmup` steps, so β3 rises monotonically and
 * equals `end` from `warmup` on.
 */
export function ademamixBeta3(end: number, warmup: number, start = 0.9): Schedule {
  // The β3 scheduler of the AdEMAMix paper's Algorithm 1 (T_β3 usually T, β_start = β1).
  expectNumber('ademamixBeta3', 'end', end, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, expected: 'in (0, 1)' });
  expectNumber('ademamixBeta3', 'start', start, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, expected: 'in (0, 1)' });
  expectNumber('ademamixBeta3', 'warmup', warmup, { min: 0 });
  const hs = halfLife(start);
  const he = halfLife(end);
  return (t) => {
    expectNumber('ademamixBeta3', 't', t, { min: 0 });
    if (warmup === 0 || t >= warmup) return end;
    const a = t / warmup;
    return betaFromHalfLife((1 - a) * hs + a * he);
  };
}

/**
 * Weights w_s the log-time EMA (1-based, a_t = δ/(δ+t)) puts on gradients s = 1..T in m_T. They sum to
 * 1 − 1/C(T+δ, δ), and their mean age Σ(T − s)·w_s/Σw_s is T/(δ + 1): memory that grows with T (our algebra,
 * checked numerically; not taken from the papers or the authors' code).
 */
export function logTimeEmaWeights(T: number, delta: number): Float64Array {
  expectNumber('logTimeEmaWeights', 'T', T, { integer: true, min: 1, expected: 'an integer >= 1' });
  const w = new Float64Array(T);
  // Weight of gradient s in m_T: a_s · Π_{j=s+1..T} (1 − a_j), built backwards.
  let tail = 1;
  for (let s = T; s >= 1; s--) {
    const a = logTimeCoefficient(s, delta);
    w[s - 1] = a * tail;
    tail *= 1 - a;
  }
  return w;
}
