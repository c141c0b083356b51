/**
 * A sweep spec: grid and random axes over a reproduction's options or a program's parameters, plus seeds, expanded
 * deterministically into trials. A trial is one CLI call; its id is a hash of what it runs, so a rerun (or another
 * machine) recognises finished trials even if the spec's order changes.
 */
import { createHash } from 'node:crypto';
import { createRng } from '@lemma/gpu-kernels';

/** A parameter value: what a CLI flag can carry. */
export type ParamValue = number | string | boolean;

/** A random axis: sampled once per random sample, from the spec's seeded Philox stream. */
export type RandomAxis =
  | { uniform: [number, number] }
  | { logUniform: [number, number] }
  | { int: [number, number] }
  | { choice: ParamValue[] };

/** What one trial runs. */
export type TrialTarget =
  /** A registered reproduction (`lemma-repro <id> --option key=value ...`); its metrics become the record's. */
  | { reproduction: string; mode?: 'quick' | 'full'; backend?: string }
  /**
   * Any program (W&B-sweep style): run as `command... --seed=<s> --<key>=<value>...`, with `LEMMA_TRIAL` (JSON of the
   * trial) and `LEMMA_TRIAL_RESULT` (a path) in its environment; it writes a JSON object of metrics to that path
   * (or prints one as its last stdout line).
   */
  | { command: string[] };

/** A sweep: what to run and over which parameters. */
export interface SweepSpec {
  /** File-name-safe name (letters, digits, '.', '_', '-'). */
  name: string;
  trial: TrialTarget;
  /** Every combination of these values (cartesian product, keys in order). */
  grid?: Record<string, ParamValue[]>;
  /** `samples` random draws of these axes, crossed with the grid. */
  random?: { samples: number; seed?: number; axes: Record<string, RandomAxis> };
  /** Seeds, crossed with everything (default [0]). */
  seeds?: number[];
  /** Parameters every trial gets. */
  fixed?: Record<string, ParamValue>;
  /** Attempts after the first when a trial fails (default 1). */
  retries?: number;
}

/** One trial of a sweep. */
export interface Trial {
  /** Position in the expansion (the index SLURM arrays and Kubernetes Indexed Jobs hand out). */
  index: number;
  /** Stable id: a hash of the target, the parameters and the seed. */
  id: string;
  params: Record<string, ParamValue>;
  seed: number;
}

const MAX_TRIALS = 1_000_000;
const KNOWN = ['name', 'trial', 'grid', 'random', 'seeds', 'fixed', 'retries'];

function fail(msg: string): never {
  throw new Error(`sweep spec: ${msg}`);
}

const isParam = (v: unknown): v is ParamValue => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
const KEY = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Validates a parsed spec (from JSON), naming the field that is wrong. */
export function parseSweepSpec(raw: unknown): SweepSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`must be a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) fail(`unknown field '${k}' (known: ${KNOWN.join(', ')})`);
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(o.name)) fail(`name must be 1-100 letters, digits, '.', '_' or '-', got ${JSON.stringify(o.name)}`);
  const t = o.trial as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null) fail('trial must be { reproduction } or { command }');
  if ('reproduction' in t) {
    if (typeof t.reproduction !== 'string' || !t.reproduction) fail('trial.reproduction must be a reproduction id');
    if (t.mode !== undefined && t.mode !== 'quick' && t.mode !== 'full') fail(`trial.mode must be 'quick' or 'full', got ${JSON.stringify(t.mode)}`);
    if (t.backend !== undefined && typeof t.backend !== 'string') fail('trial.backend must be a backend name');
    for (const k of Object.keys(t)) if (!['reproduction', 'mode', 'backend'].includes(k)) fail(`unknown field 'trial.${k}'`);
  } else if ('command' in t) {
    if (!Array.isArray(t.command) || t.command.length === 0 || !t.command.every((c) => typeof c === 'string' && c.length > 0)) fail('trial.command must be a non-empty array of strings');
    for (const k of Object.keys(t)) if (k !== 'command') fail(`unknown field 'trial.${k}'`);
  } else fail('trial must have a reproduction or a command');
  const checkParams = (field: string, rec: unknown, list: boolean) => {
    if (rec === undefined) return;
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) fail(`${field} must be an object`);
    for (const [k, v] of Object.entries(rec)) {
      if (!KEY.test(k)) fail(`${field}: parameter name '${k}' must start with a letter and use letters, digits, '_', '.', '-'`);
      if (k === 'seed') fail(`${field}: 'seed' is set by seeds, not as a parameter`);
      if (list) {
        if (!Array.isArray(v) || v.length === 0 || !v.every(isParam)) fail(`${field}.${k} must be a non-empty array of finite numbers, strings or booleans`);
      } else if (!isParam(v)) fail(`${field}.${k} must be a finite number, string or boolean, got ${JSON.stringify(v)}`);
    }
  };
  checkParams('grid', o.grid, true);
  checkParams('fixed', o.fixed, false);
  if (o.random !== undefined) {
    const r = o.random as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) fail('random must be { samples, axes, seed? }');
    if (!Number.isInteger(r.samples) || (r.samples as number) < 1) fail(`random.samples must be a positive integer, got ${JSON.stringify(r.samples)}`);
    if (r.seed !== undefined && (!Number.isSafeInteger(r.seed) || (r.seed as number) < 0)) fail(`random.seed must be a non-negative safe integer, got ${JSON.stringify(r.seed)}`);
    if (typeof r.axes !== 'object' || r.axes === null || Object.keys(r.axes).length === 0) fail('random.axes must be a non-empty object');
    for (const [k, a] of Object.entries(r.axes as Record<string, unknown>)) {
      if (!KEY.test(k) || k === 'seed') fail(`random.axes: bad parameter name '${k}'`);
      const ax = a as Record<string, unknown>;
      const range = (name: string, positive: boolean, int: boolean) => {
        const v = ax[name];
        if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!int || Number.isInteger(x))) || !(v[0] < v[1]) || (positive && !(v[0] > 0)))
          fail(`random.axes.${k}.${name} must be [lo, hi] with lo < hi${positive ? ', lo > 0' : ''}${int ? ', integers' : ''}, got ${JSON.stringify(v)}`);
      };
      if ('uniform' in ax) range('uniform', false, false);
      else if ('logUniform' in ax) range('logUniform', true, false);
      else if ('int' in ax) range('int', false, true);
      else if ('choice' in ax) {
        if (!Array.isArray(ax.choice) || ax.choice.length === 0 || !ax.choice.every(isParam)) fail(`random.axes.${k}.choice must be a non-empty array of values`);
      } else fail(`random.axes.${k} must be one of { uniform }, { logUniform }, { int }, { choice }`);
    }
  }
  if (o.seeds !== undefined && (!Array.isArray(o.seeds) || o.seeds.length === 0 || !o.seeds.every((s) => Number.isSafeInteger(s) && s >= 0) || new Set(o.seeds).size !== o.seeds.length))
    fail(`seeds must be a non-empty array of distinct non-negative safe integers, got ${JSON.stringify(o.seeds)}`);
  if (o.retries !== undefined && (!Number.isInteger(o.retries) || (o.retries as number) < 0 || (o.retries as number) > 100)) fail(`retries must be an integer in [0, 100], got ${JSON.stringify(o.retries)}`);
  const overlap = ['grid', 'fixed', 'random'].flatMap((f, i, all) => {
    const keys = (x: string) => Object.keys(x === 'random' ? ((o.random as { axes?: object } | undefined)?.axes ?? {}) : ((o[x] as object | undefined) ?? {}));
    return all.slice(i + 1).flatMap((g) => keys(f).filter((k) => keys(g).includes(k)).map((k) => `${k} (${f} and ${g})`));
  });
  if (overlap.length) fail(`a parameter is set twice: ${overlap.join(', ')}`);
  const spec = raw as SweepSpec;
  const n = countTrials(spec);
  if (n > MAX_TRIALS) fail(`expands to ${n} trials, more than ${MAX_TRIALS}`);
  return spec;
}

function countTrials(spec: SweepSpec): number {
  const grid = Object.values(spec.grid ?? {}).reduce((p, v) => p * v.length, 1);
  return grid * (spec.random?.samples ?? 1) * (spec.seeds?.length ?? 1);
}

function sample(axis: RandomAxis, u: number): ParamValue {
  if ('uniform' in axis) return axis.uniform[0] + u * (axis.uniform[1] - axis.uniform[0]);
  if ('logUniform' in axis) return Math.exp(Math.log(axis.logUniform[0]) + u * Math.log(axis.logUniform[1] / axis.logUniform[0]));
  if ('int' in axis) return axis.int[0] + Math.min(axis.int[1] - axis.int[0], Math.floor(u * (axis.int[1] - axis.int[0] + 1)));
  return axis.choice[Math.min(axis.choice.length - 1, Math.floor(u * axis.choice.length))]!;
}

/** Canonical JSON (sorted keys) so equal parameter sets hash equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The trial id: a hash of the target, the parameters and the seed. */
export function trialId(target: TrialTarget, params: Record<string, ParamValue>, seed: number): string {
  return createHash('sha256').update(canonical({ target, params, seed })).digest('hex').slice(0, 16);
}

/**
 * Expands a spec into its trials, in a fixed order: random samples (outermost), grid combinations (first key
 * slowest), seeds (innermost). Random draws come from Philox with `random.seed` (default 0): the same spec gives
 * the same trials on every machine.
 */
export function expandSweep(spec: SweepSpec): Trial[] {
  const gridKeys = Object.keys(spec.grid ?? {});
  const combos: Record<string, ParamValue>[] = [{}];
  for (const k of gridKeys) {
    const next: Record<string, ParamValue>[] = [];
    for (const c of combos) for (const v of spec.grid![k]!) next.push({ ...c, [k]: v });
    combos.splice(0, combos.length, ...next);
  }
  const samples: Record<string, ParamValue>[] = [];
  if (spec.random) {
    const rng = createRng(spec.random.seed ?? 0);
    const axes = Object.entries(spec.random.axes);
    for (let s = 0; s < spec.random.samples; s++) samples.push(Object.fromEntries(axes.map(([k, a]) => [k, sample(a, rng.uniform())])));
  } else samples.push({});
  const seeds = spec.seeds ?? [0];
  const trials: Trial[] = [];
  for (const r of samples) {
    for (const g of combos) {
      for (const seed of seeds) {
        const params = { ...(spec.fixed ?? {}), ...g, ...r };
        trials.push({ index: trials.length, id: trialId(spec.trial, params, seed), params, seed });
      }
    }
  }
  return trials;
}
