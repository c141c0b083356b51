/** Parameter groups: which learning-rate and weight-decay multipliers apply to a variable at a step. */
import { matches, type CommonOptions } from './config';
import type { Schedule } from './schedules';

/** What an optimizer knows about one variable at one step when it computes the rule's scalars. */
export interface StepContext {
  /** Variable name. */
  name: string;
  /**
   * This variable's 1-based step: how many steps it has been updated in, this one included (torch's per-parameter
   * `state['step']`). The rule's time-dependent scalars (bias corrections, log-time coefficients, warm-ups of
   * β3/α, log-time weight decay) use it, so a variable first seen at optimizer step 3 starts at t = 1. It equals the
   * optimizer's step (`iterations + 1`) for a variable updated in every step since the first.
   */
  t: number;
  /**
   * Schedule factor s(T) at the optimizer's 1-based step T = iterations + 1 (the LR schedule counts optimizer steps,
   * as torch's LR schedulers do), times the group's lrScale, and the model's learningRateScale[k] for slice k.
   */
  scheduleFactor: number;
  /** lr_t = γ*·s(t)·lrScale (·learningRateScale[k]). */
  lr: number;
  /** Weight-decay multiplier of this variable: 0 for no-decay variables, else the group's weightDecayScale (default 1). */
  decayScale: number;
  /** Shape of the variable. */
  shape: number[];
}

/**
 * The step context of variable `name` at its own step `t` and the optimizer's step `globalT` (default `t`): its
 * group's multipliers and the schedule factor s(globalT), which must be a finite number >= 0 (a schedule returning
 * NaN or a negative factor is an error at the step, before anything changes). `o.noDecay` unset reads as 'auto'
 * (the optimizers pass their resolved options, where it is set).
 */
export function stepContext(cls: string, o: CommonOptions, schedule: Schedule, name: string, shape: number[], t: number, globalT = t): StepContext {
  const group = (o.groups ?? []).find((g) => matches(g.match, name));
  const noDecay = o.noDecay ?? 'auto';
  // 'auto' judges the rank of one model's variable: with learningRateScale, the shape without the leading K
  // (a [K, d] bias is each model's [d] bias).
  const rank = o.learningRateScale !== undefined ? shape.length - 1 : shape.length;
  // 'auto' mirrors the authors' no-decay set (biases, norms, nn.Embedding): mlexpos/adana `src/models/base.py::get_parameter_group_specs`.
  const excluded = noDecay === 'auto' ? rank <= 1 || /embed/i.test(name) : matches(noDecay, name);
  const s = schedule(globalT);
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
    throw new Error(`${cls}: schedule must return a finite number >= 0, got ${String(s)} at step ${globalT}`);
  }
  // lr_t = γ*·γ(t), the ADANA README's update rule (no equation number: paper text not reachable).
  const sf = s * (group?.lrScale ?? 1);
  return { name, t, scheduleFactor: sf, lr: o.learningRate * sf, decayScale: excluded ? 0 : (group?.weightDecayScale ?? 1), shape };
}

/** The contexts of the K slices of a variable whose first dimension is K = learningRateScale.length. */
export function sliceContexts(cls: string, ctx: StepContext, scale: readonly number[]): StepContext[] {
  if (ctx.shape.length === 0 || ctx.shape[0] !== scale.length) {
    throw new Error(
      `${cls}: with learningRateScale (${scale.length} models) every variable's first dimension must be ${scale.length}, got shape [${ctx.shape.join(', ')}] for '${ctx.name}'`,
    );
  }
  // Each slice is one model's variable: its own shape (e.g. layerwise DANA divides by the per-model size).
  return scale.map((x) => ({ ...ctx, scheduleFactor: ctx.scheduleFactor * x, lr: ctx.lr * x, shape: ctx.shape.slice(1) }));
}
