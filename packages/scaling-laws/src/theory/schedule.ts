/**
 * Hyperparameters of the Gen-Mom-SGD family (DANA's update; equation number not in the notes; Experimental
 * `power_law_rf/optimizers.py` `dana_optimizer`):
 *   y_t = (1 - Delta(t)) y_{t-1} + gamma1(t) g_t,   theta_{t+1} = theta_t - gamma2(t) g_t - gamma3(t) y_t.
 * Each hyperparameter is a power law in step count, so the same schedule runs on the CPU, in the
 * ODE and inside a WGSL kernel.
 */

/** value(t) = scale * (1 + t / timeScale)^power (Experimental optimizers.py `powerlaw_schedule` without its floor). */
export interface PowerLaw {
  scale: number;
  power: number;
  /** Default 1. */
  timeScale?: number;
}

/** A Gen-Mom-SGD schedule; g_t is the batch-mean gradient. */
export interface GenMomHparams {
  /** gamma1: weight of g_t in the momentum buffer (0 for SGD). */
  g1: PowerLaw;
  /** gamma2: direct SGD learning rate. */
  g2: PowerLaw;
  /** gamma3: learning rate on the momentum buffer (0 for SGD). */
  g3: PowerLaw;
  /** Delta: momentum forgetting rate, must stay in [0, 1]. */
  delta: PowerLaw;
}

/** A constant as a {@link PowerLaw}. */
export function constant(value: number): PowerLaw {
  return { scale: value, power: 0 };
}

/** Evaluates a {@link PowerLaw} at (possibly fractional) step t >= 0. */
export function evalPowerLaw(p: PowerLaw, t: number): number {
  if (p.power === 0 || p.scale === 0) return p.scale;
  return p.scale * Math.pow(1 + t / (p.timeScale ?? 1), p.power);
}

/** Hyperparameter values at step t. */
export interface GenMomValues {
  g1: number;
  g2: number;
  g3: number;
  delta: number;
}

/** All four hyperparameters at step t. */
export function evalHparams(h: GenMomHparams, t: number): GenMomValues {
  return { g1: evalPowerLaw(h.g1, t), g2: evalPowerLaw(h.g2, t), g3: evalPowerLaw(h.g3, t), delta: evalPowerLaw(h.delta, t) };
}

/** Plain SGD with batch-mean learning rate `lr` as a Gen-Mom schedule. */
export function sgdSchedule(lr: number): GenMomHparams {
  return { g1: constant(0), g2: constant(lr), g3: constant(0), delta: constant(0) };
}

/** Throws unless every field of `h` is a finite power law with timeScale > 0. */
export function validateHparams(fn: string, h: GenMomHparams): void {
  for (const key of ['g1', 'g2', 'g3', 'delta'] as const) {
    const p = h[key];
    if (!p || !Number.isFinite(p.scale) || !Number.isFinite(p.power) || (p.timeScale !== undefined && !(p.timeScale > 0))) {
      throw new Error(`${fn}: hparams.${key} must be {scale, power, timeScale?>0} with finite numbers, got ${JSON.stringify(p)}`);
    }
  }
}
