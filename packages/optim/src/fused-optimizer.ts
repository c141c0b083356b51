/**
 * The tf.Optimizer base every optimizer here extends: it turns a step's gradients into one {@link FusedRule}
 * update per variable and hands them to `@lemma/gpu-kernels`' `applyElementwiseRule`, which decides how the
 * update runs on the active backend (typed-array loops, wasm SIMD in the backend's memory, or a few WGSL
 * dispatches of one compute pass with nothing read back); rules marked `opsOnly` (Muon's matrix update),
 * `kernel: 'ops'` and backends without the fused kernel run the rule's tfjs-op form. Parameter groups live in
 * `param-groups.ts`, state and checkpoints in `optimizer-state.ts`, clipping and the non-finite policy in
 * `step-guard.ts` (with `learningRateScale`, the per-model clip in `per-model-clip.ts`). Every argument is
 * validated before anything is read or written.
 * Steps are 1-based and counted per variable, as torch counts them per parameter: a variable's t is the number of
 * steps it has been updated in (this one included), so one first seen at optimizer step 3 gets the bias correction
 * of t = 1; the LR schedule is evaluated at the optimizer's step (`iterations` + 1), as torch's LR schedulers are.
 * Both are saved by `getWeights` (`iter` and `<variable>/step`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyElementwiseRule, elementwiseRuleSupported, isCapturing, onReplay } from '@lemma/gpu-kernels';
import { expectObject } from '@lemma/gpu-kernels/validate';
import { checkCommon, checkKeys, COMMON_KEYS, decodeConfig, encodeConfig, type CommonOptions } from './config';
import { OptimizerState, type NamedTensor } from './optimizer-state';
import { sliceContexts, stepContext, type StepContext } from './param-groups';
import { clipPerModel } from './per-model-clip';
import type { FusedRule, RuleScalars } from './rules';
import { resolveSchedule, scheduleSpecWithDefaults } from './schedule-spec';
import type { Schedule } from './schedules';
import { StepGuard } from './step-guard';

export type { StepContext } from './param-groups';
export { slotKey, type NamedTensor } from './optimizer-state';

/** One variable's update at one step, fully resolved before anything is written. */
interface Plan {
  name: string;
  grad: tf.Tensor;
  variable: tf.Variable;
  rule: FusedRule;
  ctx: StepContext;
  /** The rule's scalars (without `gscale`). */
  k: RuleScalars;
  /** Per-model scalars of the K slices (learningRateScale), or undefined. */
  sliceK?: RuleScalars[];
  /** Runs as tfjs ops (kernel 'ops', a backend without the fused kernel, or an `opsOnly` rule). */
  ops: boolean;
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * The `configVersion` written by {@link FusedOptimizer.getConfig}: 2 = every option resolved, defaults included.
 * A config without it was saved by an earlier release, which wrote only the options the user passed; `fromConfig`
 * then applies the class's `legacyDefaults` (the defaults of that release where they have changed since).
 */
export const CONFIG_VERSION = 2;

const isPlainObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof RegExp);

/** `o` without its `undefined` entries (an explicit `undefined` means "the default"). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Base class of the fused optimizers; subclasses say which rule applies to a variable and its per-step scalars. */
export abstract class FusedOptimizer<O extends CommonOptions = CommonOptions> extends tf.Optimizer {
  /** The options this optimizer was built with (validated). */
  readonly options: O;
  private readonly schedule: Schedule;
  private readonly state: OptimizerState;
  private readonly guard: StepGuard;
  private resolved: O | undefined;

  /** `keys`: the option keys this class accepts beyond {@link COMMON_KEYS} (any other key is an error). */
  protected constructor(cls: string, options: O, keys: readonly string[] = []) {
    super();
    expectObject(cls, 'options', options, 'an object');
    checkKeys(cls, options, [...COMMON_KEYS, ...keys]);
    checkCommon(cls, options);
    this.options = options;
    this.schedule = resolveSchedule(options.schedule);
    this.state = new OptimizerState(cls, (name, shape) => this.ruleFor(name, shape));
    this.guard = new StepGuard(cls, options);
  }

  /**
   * The class's own option defaults (they may depend on other options, e.g. Muon's `scaling`): merged over the
   * common ones and under the user's options by {@link resolvedOptions}; a default that is a plain object is merged
   * one level deep with the user's object (Muon's `adam`). The scalars must use the same values.
   */
  protected defaults(): Partial<O> {
    return {};
  }

  /**
   * The options with every default filled in (what {@link getConfig} saves): the user's options over the class's
   * {@link defaults} over the common ones (`nonFinite` 'skip', `kernel` 'auto', `noDecay` 'auto', a schedule
   * spec's own defaults, each group's `lrScale` and `weightDecayScale` 1). Options that are off when absent
   * (`clipNorm`, `learningRateScale`, ADANA's `totalSteps`, …) stay absent. A function `schedule` is kept as is.
   */
  get resolvedOptions(): O {
    if (this.resolved) return this.resolved;
    const o = this.options;
    const own = this.defaults() as Record<string, unknown>;
    const r: Record<string, unknown> = { nonFinite: 'skip', kernel: 'auto', noDecay: 'auto', ...own, ...defined(o) };
    for (const [k, d] of Object.entries(own)) {
      const given = (o as Record<string, unknown>)[k];
      if (isPlainObject(d) && isPlainObject(given)) r[k] = { ...d, ...defined(given) };
    }
    r.schedule = typeof o.schedule === 'function' ? o.schedule : scheduleSpecWithDefaults(o.schedule);
    if (o.groups) r.groups = o.groups.map((g) => ({ lrScale: 1, weightDecayScale: 1, ...defined(g) }));
    return (this.resolved = r as O);
  }

  /** The fused rule that updates variable `name` (most optimizers: one rule for all). */
  protected abstract ruleFor(name: string, shape: number[]): FusedRule;

  /** The rule's scalars at this step for this variable (without `gscale`). */
  protected abstract scalarsFor(ctx: StepContext, rule: FusedRule): RuleScalars;

  /** tfjs-op update of one variable; subclasses (Muon) may replace it for some variables. */
  protected tensorUpdate(rule: FusedRule, p: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], k: RuleScalars, _ctx: StepContext): tf.Tensor[] {
    return rule.tf(p, g, slots, k);
  }

  /** The LR schedule factor s(t) at the optimizer's 1-based step t. */
  scheduleFactor(t: number): number {
    return this.schedule(t);
  }

  /** The gradients of a step, each checked against its variable (name, dtype, shape) before any storage is read. */
  private collect(variableGradients: tf.NamedTensorMap | NamedTensor[]): { name: string; grad: tf.Tensor; variable: tf.Variable }[] {
    const cls = this.getClassName();
    if (variableGradients === null || typeof variableGradients !== 'object') {
      throw new Error(`${cls}: applyGradients: variableGradients must be a map or list of named tensors, got ${String(variableGradients)}`);
    }
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
    const seen = new Set<string>();
    return list
      .filter((x) => x != null && x.tensor != null)
      .map(({ name, tensor }) => {
        const variable = tf.engine().registeredVariables[name];
        if (!variable) throw new Error(`${cls}: no registered variable named '${name}' for this gradient`);
        if (seen.has(name)) throw new Error(`${cls}: applyGradients: two gradients for variable '${name}'`);
        seen.add(name);
        if (!(tensor instanceof tf.Tensor) || tensor.isDisposed) throw new Error(`${cls}: the gradient of '${name}' must be a live tf.Tensor`);
        if (variable.dtype !== 'float32') throw new Error(`${cls}: variable '${name}' must be float32, got ${variable.dtype}`);
        if (tensor.dtype !== 'float32') throw new Error(`${cls}: the gradient of '${name}' must be float32, got ${tensor.dtype}`);
        if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
          throw new Error(`${cls}: the gradient of '${name}' must have the variable's shape ${shapeText(variable.shape)}, got ${shapeText(tensor.shape)}`);
        }
        return { name, grad: tensor, variable };
      });
  }

  /** The rule's scalars of one (slice) context, with the weight-decay factor checked to lie in (0, 1]. */
  private scalarsChecked(ctx: StepContext, rule: FusedRule): RuleScalars {
    const k = this.scalarsFor(ctx, rule);
    if (k.decay !== undefined && !(k.decay > 0 && k.decay <= 1)) {
      throw new Error(
        `${this.getClassName()}: the weight-decay factor of '${ctx.name}' at step ${ctx.t} is ${k.decay}; it must be in (0, 1] (the decay per step, e.g. lr·weightDecay, must stay below 1)`,
      );
    }
    return k;
  }

  /** The plan of one variable at its step t (the optimizer's step `globalT`): rule, context and scalars (validated). */
  private plan(name: string, grad: tf.Tensor, variable: tf.Variable, t: number, globalT: number, fused: boolean): Plan {
    const rule = this.ruleFor(name, variable.shape);
    const ctx = stepContext(this.getClassName(), this.resolvedOptions, this.schedule, name, variable.shape, t, globalT);
    const scale = this.options.learningRateScale;
    const sliceK = scale ? sliceContexts(this.getClassName(), ctx, scale).map((c) => this.scalarsChecked(c, rule)) : undefined;
    return { name, grad, variable, rule, ctx, k: this.scalarsChecked(ctx, rule), sliceK, ops: !fused || rule.opsOnly === true };
  }

  /**
   * Applies one step of gradients (tfjs's `minimize`/`model.fit` call this). Each variable's step count advances
   * by one (a skipped non-finite step included, like `iterations`). Replay-safe on webgpu: while a step graph is
   * captured (gpu-kernels' `captureStepGraph`), a replay hook advances the step counters and every per-step scalar
   * (each variable's t, the scheduled lr, bias corrections, decay factors) is recomputed for the replayed step.
   */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.guard.throwPending();
    const fused = this.options.kernel !== 'ops' && elementwiseRuleSupported();
    const items = this.collect(variableGradients);
    const names = items.map((x) => x.name);
    const localSteps = (): number[] => items.map(({ name, variable }) => this.state.stepOf(name, variable.shape) + 1);
    let t = this.iterations + 1;
    let locals = localSteps();
    const plans = items.map(({ name, grad, variable }, i) => this.plan(name, grad, variable, locals[i]!, t, fused));
    const capturing = isCapturing();
    // Registered first, so it runs before the hooks below re-read t.
    if (capturing) {
      onReplay(() => {
        t = this.iterations + 1;
        locals = localSteps();
        this.incrementIterations();
        this.state.advance(names);
      });
    }
    // learningRateScale: each model is clipped by its own global norm (as K separate optimizers would), on the
    // device where the gradients are (replay-safe); the guard then only checks the clipped gradients' finiteness.
    const scale = this.options.learningRateScale;
    const clipNorm = this.options.clipNorm;
    const clipped = scale && clipNorm !== undefined ? clipPerModel(items.map((x) => x.grad), scale.length, clipNorm) : null;
    try {
      if (clipped) plans.forEach((p, i) => (p.grad = clipped[i]!));
      const grads = plans.map((p) => p.grad);
      const decision = this.guard.decide(plans.map((p) => p.name), grads, capturing ? () => t : t, clipped ? items.map((x) => x.grad) : undefined);
      // Slots first (zeros for a new variable), also for a skipped step: it counts for every variable it carried.
      const slots = plans.map((p) => this.state.slotsFor(p.name, p.rule, p.variable));
      if (decision.skip) {
        this.incrementIterations();
        this.state.advance(names);
        return;
      }
      const onDevice = typeof decision.scale !== 'number';
      if (onDevice) this.applyDevice(plans, slots, decision.scale as tf.Tensor, capturing ? (i) => this.plan(items[i]!.name, grads[i]!, items[i]!.variable, locals[i]!, t, fused) : null);
      else this.applyHost(plans, slots, decision.scale as number);
      // No read-back inside a capture: skipped replayed steps are reported from the next eager step on.
      if (onDevice && !capturing) this.guard.report();
      this.incrementIterations();
      this.state.advance(names);
    } finally {
      if (clipped) tf.dispose(clipped);
    }
  }

  /** Host scale: each variable's update with `gscale` folded into the rule's scalars. */
  private applyHost(plans: Plan[], slots: tf.Variable[][], gscale: number): void {
    for (const [i, p] of plans.entries()) {
      const k = { ...p.k, gscale };
      const sliceK = p.sliceK?.map((x) => ({ ...x, gscale }));
      if (p.ops) {
        tf.tidy(() => {
          const outs = this.opsUpdate(p, p.grad, slots[i]!, k, sliceK);
          [p.variable, ...slots[i]!].forEach((target, j) => target.assign(outs[j]!));
        });
      } else {
        applyElementwiseRule(p.rule, [p.variable], [p.grad], [slots[i]!], k, sliceK ? { sliceScalars: sliceK } : {});
      }
    }
  }

  /**
   * Device scale (a [1] tensor, 0 for a non-finite step): fused variables sharing a rule and identical scalars
   * go in one `applyElementwiseRule` call with the scale as `gradScale`; ops variables are masked on the device.
   */
  private applyDevice(plans: Plan[], slots: tf.Variable[][], gradScale: tf.Tensor, replan: ((i: number) => Plan) | null): void {
    type Group = { rule: FusedRule; k: RuleScalars; sliceK?: RuleScalars[]; first: number; vars: tf.Variable[]; grads: tf.Tensor[]; slots: tf.Variable[][] };
    const groups = new Map<string, Group>();
    const ruleIds = new Map<FusedRule, number>();
    const ops: number[] = [];
    for (const [i, p] of plans.entries()) {
      if (p.ops) {
        ops.push(i);
        continue;
      }
      // gscale is applied on the device (gradScale); the rule's own factor is 1 (an exact no-op in float32).
      const k: RuleScalars = { ...p.k, gscale: 1 };
      const sliceK = p.sliceK?.map((x) => ({ ...x, gscale: 1 }));
      if (!ruleIds.has(p.rule)) ruleIds.set(p.rule, ruleIds.size);
      // The variable's own t is in the key: a group shares its first variable's scalars on every replay too.
      const key = `${ruleIds.get(p.rule)}|${p.ctx.t}|${(sliceK ?? [k]).map((x: RuleScalars) => p.rule.scalars.map((n) => x[n]).join(",")).join(";")}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { rule: p.rule, k, sliceK, first: i, vars: [], grads: [], slots: [] }));
      g.vars.push(p.variable);
      g.grads.push(p.grad);
      g.slots.push(slots[i]!);
    }
    for (const g of groups.values()) {
      // Capturing: scalars as functions of the replayed step (the group's first variable stands for all of it).
      const k = replan ? () => ({ ...replan(g.first).k, gscale: 1 }) : g.k;
      const sliceScalars = g.sliceK && replan ? () => replan(g.first).sliceK!.map((x) => ({ ...x, gscale: 1 })) : g.sliceK;
      applyElementwiseRule(g.rule, g.vars, g.grads, g.slots, k, sliceScalars ? { gradScale, sliceScalars } : { gradScale });
    }
    if (ops.length === 0) return;
    tf.tidy(() => {
      const s = tf.reshape(gradScale, []);
      const ok = tf.greater(s, 0);
      for (const i of ops) {
        const p = plans[i]!;
        // Non-finite entries are zeroed so the masked-out update stays finite (where() would not hide a NaN in a sum).
        const g = tf.mul(tf.where(tf.isFinite(p.grad), p.grad, tf.zerosLike(p.grad)), s);
        const outs = this.opsUpdate(p, g, slots[i]!, { ...p.k, gscale: 1 }, p.sliceK?.map((x) => ({ ...x, gscale: 1 })));
        [p.variable, ...slots[i]!].forEach((target, j) => target.assign(tf.where(tf.broadcastTo(ok, target.shape), outs[j]!, target)));
      }
    });
  }

  /** The tfjs-op update of one variable (per slice along the first axis with learningRateScale). */
  private opsUpdate(p: Plan, g: tf.Tensor, slots: tf.Tensor[], k: RuleScalars, sliceK?: RuleScalars[]): tf.Tensor[] {
    if (!sliceK) return this.tensorUpdate(p.rule, p.variable, g, slots, k, p.ctx);
    const K = sliceK.length;
    const parts = sliceK.map((kk, j) => {
      const cut = (x: tf.Tensor): tf.Tensor => tf.squeeze(tf.slice(x, [j], [1]), [0]);
      return this.tensorUpdate(p.rule, cut(p.variable), cut(g), slots.map(cut), kk, { ...p.ctx, shape: p.ctx.shape.slice(1) });
    });
    return parts[0]!.map((_, o) => tf.stack(Array.from({ length: K }, (_, j) => parts[j]![o]!)));
  }

  /**
   * All state, keyed by name: `iter` (the optimizer's step count), then `<variable>/<slot>` for every slot of every
   * variable, then `<variable>/step` (each variable's own step count, an int32 scalar). `iter` and the step counts
   * are fresh tensors; the slots are the optimizer's own variables.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.state.entries(), ...this.state.stepEntries()];
  }

  /**
   * Restores state saved by {@link getWeights}, matching slots by variable name (order does not matter). Every
   * value is validated first (see `OptimizerState.restore`; `iter` must be an integer >= 0); a bad checkpoint
   * throws and changes nothing. A checkpoint without `<variable>/step` entries (saved before per-variable step
   * counts, when one counter served every variable) gives each restored variable the count `iter`.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const cls = this.getClassName();
    if (!Array.isArray(weightValues)) throw new Error(`${cls}: setWeights: weightValues must be an array of named tensors, got ${String(weightValues)}`);
    const iter = weightValues.find((w) => w?.name === 'iter');
    let iterations: number | undefined;
    if (iter) {
      if (!(iter.tensor instanceof tf.Tensor) || iter.tensor.isDisposed || iter.tensor.size !== 1) {
        throw new Error(`${cls}: setWeights: 'iter' must be a live one-element tensor`);
      }
      iterations = (await iter.tensor.data())[0]!;
      if (!Number.isSafeInteger(iterations) || iterations < 0) throw new Error(`${cls}: setWeights: 'iter' must be an integer >= 0, got ${iterations}`);
    }
    await this.state.restore(weightValues.filter((w) => w !== iter), iterations ?? this.iterations);
    if (iterations !== undefined) this.iterations_ = iterations;
  }

  /**
   * Serializable config (tfjs-layers saves it with `model.save(..., { includeOptimizer: true })`): every option
   * resolved, defaults included ({@link resolvedOptions}), so a reloaded model resumes with the same
   * hyper-parameters even if a default changes in a later release, plus `configVersion` ({@link CONFIG_VERSION}).
   * @throws when `schedule` is a function: it cannot be saved, and the reloaded optimizer would silently run
   * another schedule. Use a {@link ScheduleSpec} (`{ kind: 'warmupCosine' | 'linear' | 'constant', ... }`).
   */
  override getConfig(): tf.serialization.ConfigDict {
    if (typeof this.options.schedule === 'function') {
      throw new Error(
        `${this.getClassName()}: getConfig: option 'schedule' is a function, which cannot be saved (a reloaded model ` +
          `would resume with a different schedule). Pass a serialisable schedule spec instead: { kind: 'warmupCosine', ` +
          `totalSteps, warmupSteps?, floor?, initial? }, { kind: 'linear', totalSteps, warmupSteps?, floor? } or ` +
          `{ kind: 'constant', value? }; or save the model without includeOptimizer.`,
      );
    }
    return { ...(encodeConfig(this.resolvedOptions, 'options') as tf.serialization.ConfigDict), configVersion: CONFIG_VERSION };
  }

  /**
   * Rebuilds an optimizer from {@link FusedOptimizer.getConfig} (tfjs-layers calls this on model load). A config
   * without `configVersion` comes from an earlier release, which saved only the options the user passed: the
   * class's `legacyDefaults` (that release's defaults, where they differ from today's) fill the options it lacks,
   * so such a model also resumes as it was trained.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, configVersion, ...rest } = config; // tfjs-layers' deserializer adds customObjects
    if (configVersion !== undefined && configVersion !== CONFIG_VERSION) {
      throw new Error(`${cls.className}: fromConfig: configVersion must be ${CONFIG_VERSION} (or absent, for a config saved before version 2), got ${String(configVersion)}`);
    }
    const legacy = configVersion === undefined ? ((cls as unknown as { legacyDefaults?: object }).legacyDefaults ?? {}) : {};
    return new cls({ ...legacy, ...(decodeConfig(rest) as object) });
  }

  /** Disposes the optimizer's state variables. */
  override dispose(): void {
    this.guard.dispose();
    this.state.dispose();
    super.dispose();
  }
}
