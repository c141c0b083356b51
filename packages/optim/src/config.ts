/**
 * Options shared by every optimizer, their validation, and a JSON encoding that survives tfjs-layers' model
 * save/load (which camel-cases every string containing '_' on load, so strings are escaped here).
 */
import type { serialization } from '@tensorflow/tfjs-core';
import { expectNumber, expectObject, expectOneOf, expectOptions, invalidArgument, suggestKey } from '@lemma/gpu-kernels/validate';
import type { ScheduleSpec } from './schedule-spec';
import type { Schedule } from './schedules';

/** Options for a named subset of variables (a "parameter group"). */
export interface ParamGroup {
  /** Variables in the group: exact variable names, or a RegExp tested against each name. First match wins. */
  match: string[] | RegExp;
  /** Multiplies the learning rate of these variables (default 1). */
  lrScale?: number;
  /** Multiplies the weight decay of these variables (default 1; 0 disables decay). */
  weightDecayScale?: number;
}

/** What to do with a NaN/Inf gradient: skip the whole step with a warning, or throw. */
export type NonFinitePolicy = 'skip' | 'error';

/** Options every optimizer accepts. */
export interface CommonOptions {
  /** Peak learning rate γ* (> 0). The step's LR is γ*·s(t). */
  learningRate: number;
  /** LR schedule factor s(t): a {@link ScheduleSpec} (serializable) or a function of the 1-based step. Default constant 1. */
  schedule?: ScheduleSpec | Schedule;
  /** Clip gradients to this global L2 norm over all variables of a step (off by default). */
  clipNorm?: number;
  /**
   * NaN/Inf gradient policy (default 'skip'): the whole step is not applied, with a warning ('skip') or an error
   * ('error'). On cpu-like backends both happen in the step itself. On GPU backends the check runs on the device
   * and is reported asynchronously: on webgpu a device counter of skipped steps is read with at most one read in
   * flight, so the warning (one may cover several steps) comes once a read lands, and the error is thrown by the
   * first `applyGradients` after that, which can be a few steps after the bad one when steps are issued faster
   * than a readback returns.
   */
  nonFinite?: NonFinitePolicy;
  /**
   * Variables that never get weight decay: names, a RegExp, or 'auto': rank ≤ 1 variables (biases, norm
   * gains/offsets) and names matching /embed/i (the ADANA authors' no-decay set). Default: `[]` (every variable is
   * decayed, as `torch.optim` does for the parameters it is given) for {@link AdamW} and {@link SgdMomentum},
   * whose names promise torch's behaviour; 'auto' for the ADANA family, DANA, AdEMAMix and Muon.
   */
  noDecay?: string[] | RegExp | 'auto';
  /** Per-variable-group overrides; the first group whose `match` accepts a name applies. */
  groups?: ParamGroup[];
  /** 'auto' (default): the fused kernel of the backend; 'ops': plain tfjs ops everywhere (slower; for debugging). */
  kernel?: 'auto' | 'ops';
  /**
   * Per-model learning rates for K models trained together (parameters with a leading model axis of size K):
   * slice k of every variable (its first dimension must be K) is updated exactly as by a separate optimizer
   * whose learning rate and schedule factor (so the step and the decoupled weight decay) are multiplied by
   * `learningRateScale[k]`. A variable whose first dimension is not K is an error naming it. What is per model:
   * - `clipNorm` clips each model by its own global norm: norm_k = sqrt(Σ over every variable of Σ over slice k
   *   of g²), and slice k of every gradient is multiplied by min(1, clipNorm / (norm_k + 1e-6)), in float32 on
   *   the backend (a separate optimizer on cpu/wasm sums in float64: the factors agree to ~1e-6 relative).
   * - `noDecay: 'auto'` judges each variable by one model's shape (without the leading K): a [K, d] bias or
   *   norm gain, rank 1 per model, is not decayed, a [K, m, n] weight is.
   *
   * The one exception: a NaN/Inf gradient in any model skips the step for all models (the `nonFinite` policy
   * applies to the step as a whole). With `clipNorm`, a model whose float32 Σ g² overflows (|g| ≳ 1e19) counts
   * as non-finite too.
   */
  learningRateScale?: number[];
}

/** The option keys every optimizer accepts (each class adds its own). */
export const COMMON_KEYS: readonly string[] = ['learningRate', 'schedule', 'clipNorm', 'nonFinite', 'noDecay', 'groups', 'kernel', 'learningRateScale'];

/** Names users reach for that mean one of ours. */
const ALIASES: Record<string, string> = { epsilon: 'eps', lr: 'learningRate', weight_decay: 'weightDecay', wd: 'weightDecay', beta_1: 'beta1', beta_2: 'beta2', clipnorm: 'clipNorm' };

/**
 * Throws on an option key outside `allowed`, suggesting the closest one (`epsilon` → `eps`, `lr` → `learningRate`):
 * the shared `expectOptions` (a TypeError) with optim's own "did you mean" message. `o` must be an object; `prefix`
 * names a nested object (`'groups[0].'`, `'adam.'`) in the message.
 */
export function checkKeys(cls: string, o: object, allowed: readonly string[], prefix = ''): void {
  expectOptions(cls, prefix ? prefix.replace(/\.$/, '') : 'options', o as Record<string, unknown>, allowed, {
    required: true,
    unknownKey: (key) => {
      const best = suggestKey(key, allowed, { aliases: ALIASES, closest: true });
      return `${cls}: unknown option '${prefix}${key}'${best ? ` (did you mean '${prefix}${best}'?)` : ''}; expected one of ${allowed.map((k) => prefix + k).join(', ')}`;
    },
  });
}

/** Validates an ε added to a denominator: > 0, since ε = 0 divides 0 by 0 (NaN weights) on a zero gradient. */
export function checkEps(cls: string, name: string, value: unknown): void {
  checkNumber(cls, name, value, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0 (0 gives 0/0 = NaN on a zero gradient)');
}

/**
 * Throws `<cls>: <name> must be <expected>, got <value>` unless `value` is a number (not NaN or -Infinity) satisfying
 * `rule`; +Infinity reaches `rule`, which decides (e.g. `clipSNR: Infinity` disables the clip). The shared
 * `expectNumber` with a `test`: a TypeError for a non-number, a RangeError for a number the rule refuses.
 */
export function checkNumber(cls: string, name: string, value: unknown, rule: (v: number) => boolean, expected: string): void {
  expectNumber(cls, name, value, { allowInfinity: true, test: rule, expected });
}

/** Validates {@link CommonOptions} (not the keys: see {@link checkKeys}). */
export function checkCommon(cls: string, o: CommonOptions): void {
  expectObject(cls, 'options', o, 'an object');
  checkNumber(cls, 'learningRate', o.learningRate, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  if (o.clipNorm !== undefined) {
    checkNumber(cls, 'clipNorm', o.clipNorm, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  }
  if (o.nonFinite !== undefined) expectOneOf(cls, 'nonFinite', o.nonFinite, ['skip', 'error']);
  if (o.noDecay !== undefined && o.noDecay !== 'auto' && !(o.noDecay instanceof RegExp) && !(Array.isArray(o.noDecay) && o.noDecay.every((x) => typeof x === 'string'))) {
    throw invalidArgument(cls, 'noDecay', "'auto', a RegExp or an array of variable names", o.noDecay, 'type');
  }
  if (o.kernel !== undefined) expectOneOf(cls, 'kernel', o.kernel, ['auto', 'ops']);
  if (o.learningRateScale !== undefined) {
    const s = o.learningRateScale;
    if (!Array.isArray(s) || s.length === 0) throw invalidArgument(cls, 'learningRateScale', 'a non-empty array of numbers (one per model)', s, 'type');
    s.forEach((v, k) => checkNumber(cls, `learningRateScale[${k}]`, v, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0'));
  }
  if (o.groups !== undefined && !Array.isArray(o.groups)) throw invalidArgument(cls, 'groups', 'an array', o.groups, 'type');
  for (const [i, g] of (o.groups ?? []).entries()) {
    expectObject(cls, `groups[${i}]`, g, 'an object');
    checkKeys(cls, g, ['match', 'lrScale', 'weightDecayScale'], `groups[${i}].`);
    if (!(g.match instanceof RegExp) && !Array.isArray(g.match)) {
      throw invalidArgument(cls, `groups[${i}].match`, 'a RegExp or an array of variable names', g.match, 'type');
    }
    if (g.lrScale !== undefined) {
      checkNumber(cls, `groups[${i}].lrScale`, g.lrScale, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    }
    if (g.weightDecayScale !== undefined) {
      checkNumber(cls, `groups[${i}].weightDecayScale`, g.weightDecayScale, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    }
  }
}

/** Whether `name` is matched by a names list or a RegExp. */
export function matches(match: string[] | RegExp, name: string): boolean {
  if (match instanceof RegExp) {
    match.lastIndex = 0;
    return match.test(name);
  }
  return match.includes(name);
}

const escapeString = (s: string): string => s.replace(/%/g, '%25').replace(/_/g, '%5F');
const unescapeString = (s: string): string => s.replace(/%5F/g, '_').replace(/%25/g, '%');

/**
 * Encodes options into a tfjs ConfigDict: strings escaped ('_' → '%5F'), RegExps as `{regexSource, regexFlags}`,
 * ±Infinity (e.g. `clipSNR: Infinity`, "no clip") as `{nonFiniteNumber: '±Infinity'}` (JSON has no Infinity, and
 * dropping it would reload the option's default), `undefined` dropped. A function cannot be saved: it throws,
 * naming where it is (`FusedOptimizer.getConfig` refuses a function `schedule` first, with the alternative).
 */
export function encodeConfig(value: unknown, path = 'config'): serialization.ConfigDictValue | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return escapeString(value);
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    if (Number.isNaN(value)) throw new Error(`encodeConfig: ${path} is NaN, which cannot be saved`);
    return { nonFiniteNumber: value > 0 ? 'Infinity' : '-Infinity' };
  }
  if (typeof value === 'boolean') return value;
  if (value === undefined) return undefined;
  if (typeof value === 'function') throw new Error(`encodeConfig: ${path} is a function, which cannot be saved`);
  if (value instanceof RegExp) return { regexSource: escapeString(value.source), regexFlags: value.flags };
  if (Array.isArray(value)) return value.map((v, i) => encodeConfig(v, `${path}[${i}]`) ?? null) as serialization.ConfigDictValue;
  const out: serialization.ConfigDict = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const e = encodeConfig(v, `${path}.${k}`);
    if (e !== undefined) out[k] = e;
  }
  return out;
}

/** Inverse of {@link encodeConfig}. */
export function decodeConfig(value: unknown): unknown {
  if (typeof value === 'string') return unescapeString(value);
  if (Array.isArray(value)) return value.map(decodeConfig);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.regexSource === 'string') return new RegExp(unescapeString(o.regexSource), String(o.regexFlags ?? ''));
    if (o.nonFiniteNumber === 'Infinity' || o.nonFiniteNumber === '-Infinity') return o.nonFiniteNumber === 'Infinity' ? Infinity : -Infinity;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeConfig(v);
    return out;
  }
  return value;
}
