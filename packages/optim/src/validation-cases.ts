/**
 * Hostile-input cases for the optimizers (issue #16): each case builds its inputs, makes one bad call and
 * expects a clear error naming the argument, with `tf.memory()` unchanged by the rejected call. Run in-process on
 * cpu by `validation.test.ts`, and on wasm in a child process (`npx tsx src/validation-cases.ts wasm`), so a
 * memory-safety bug that kills the process fails the test instead of the runner. Not part of the public API.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adana } from './adana';
import { adamw } from './adamw';
import { ademamix } from './ademamix';
import { dana } from './dana';
import type { FusedOptimizer } from './fused-optimizer';
import { muon } from './muon';
import { sgdMomentum } from './sgd-momentum';

/** What one case found. */
export interface CaseResult {
  name: string;
  ok: boolean;
  detail: string;
}

interface Setup {
  call: () => unknown;
  after?: () => Promise<string | null> | string | null;
  cleanup: () => void;
}

interface Case {
  name: string;
  /** Expected error message. */
  error: RegExp;
  /** Builds the inputs (not counted) and returns the bad call plus a cleanup. */
  setup: () => Setup | Promise<Setup>;
}

let serial = 0;
const vname = (tag: string): string => `val_${tag}_${serial++}_${Math.random().toString(36).slice(2, 7)}`;

/** A variable of `shape` with one applied AdamW-like step of `opt` (so the optimizer has live state). */
function trained(opt: FusedOptimizer, shape: number[], tag: string): tf.Variable {
  const v = tf.variable(tf.ones(shape), true, vname(tag));
  const g = tf.onesLike(v);
  opt.applyGradients({ [v.name]: g });
  g.dispose();
  return v;
}

/** The tensors `getWeights` creates for the caller (`iter` and the `<variable>/step` counts; the slots are the optimizer's). */
const owned = (ws: { name: string; tensor: tf.Tensor }[]): tf.Tensor[] => ws.filter((w) => w.name === 'iter' || w.name.endsWith('/step')).map((w) => w.tensor);

async function unchanged(v: tf.Variable, want: number[]): Promise<string | null> {
  const got = Array.from(await v.data());
  return got.every((x, i) => x === want[i]) ? null : `variable changed: ${got.slice(0, 4).join(', ')}`;
}

const construction = (name: string, make: () => unknown, error: RegExp): Case => ({
  name,
  error,
  setup: () => ({ call: make, cleanup: () => undefined }),
});

/** Every case (the table of issue #16's optimizer items). */
export function validationCases(): Case[] {
  const cases: Case[] = [];
  for (const [label, make] of [
    ['AdamW', () => adamw({ learningRate: 0.1 })],
    ['Adana', () => adana({ learningRate: 0.1 })],
    ['Dana', () => dana({ learningRate: 0.1 })],
    ['Muon', () => muon({ learningRate: 0.1 })],
  ] as [string, () => FusedOptimizer][]) {
    cases.push({
      name: `${label}: gradient of the wrong shape`,
      error: /the gradient of 'val_\w+' must have the variable's shape \[4\], got \[5\]/,
      setup: () => {
        const opt = make();
        const v = tf.variable(tf.ones([4]), true, vname('shape'));
        const g = tf.ones([5]);
        return { call: () => opt.applyGradients({ [v.name]: g }), after: () => unchanged(v, [1, 1, 1, 1]), cleanup: () => (tf.dispose([v, g]), opt.dispose()) };
      },
    });
    cases.push({
      name: `${label}: gradient of a much larger shape (would write past the tensor on the wasm heap)`,
      error: /must have the variable's shape \[2, 2\], got \[64, 64\]/,
      setup: () => {
        const opt = make();
        const v = trained(opt, [2, 2], 'big');
        const g = tf.ones([64, 64]);
        return { call: () => opt.applyGradients({ [v.name]: g }), cleanup: () => (tf.dispose([v, g]), opt.dispose()) };
      },
    });
    cases.push({
      name: `${label}: int32 gradient`,
      error: /the gradient of 'val_\w+' must be float32, got int32/,
      setup: () => {
        const opt = make();
        const v = tf.variable(tf.ones([4]), true, vname('dtype'));
        const g = tf.ones([4], 'int32');
        return { call: () => opt.applyGradients({ [v.name]: g }), cleanup: () => (tf.dispose([v, g]), opt.dispose()) };
      },
    });
    cases.push({
      name: `${label}: setWeights with a slot of the wrong size`,
      error: /setWeights: 'val_\w+\/\w+' must have shape \[4\] \(variable 'val_\w+'\), got \[2\]/,
      setup: async () => {
        const opt = make();
        const v = trained(opt, [4], 'slot');
        const w = tf.zeros([2]);
        const ws = await opt.getWeights();
        const m0 = Array.from(await ws[1]!.tensor.data());
        return {
          call: () => opt.setWeights(ws.map((x) => (x.name === 'iter' ? x : { name: x.name, tensor: w }))),
          after: async () => {
            const now = await opt.getWeights();
            const m = Array.from(await now[1]!.tensor.data());
            tf.dispose(owned(now));
            return m.every((x, i) => x === m0[i]) ? null : 'state changed';
          },
          cleanup: () => (tf.dispose([v, w, ...owned(ws)]), opt.dispose()),
        };
      },
    });
    cases.push({
      name: `${label}: setWeights with a NaN slot`,
      error: /setWeights: 'val_\w+\/\w+' must be finite, got NaN at index 1/,
      setup: async () => {
        const opt = make();
        const v = trained(opt, [4], 'nanslot');
        const w = tf.tensor1d([0, Number.NaN, 0, 0]);
        const ws = await opt.getWeights();
        return {
          call: () => opt.setWeights(ws.map((x) => (x.name === 'iter' ? x : { name: x.name, tensor: w }))),
          cleanup: () => (tf.dispose([v, w, ...owned(ws)]), opt.dispose()),
        };
      },
    });
    cases.push({
      name: `${label}: setWeights with a fractional per-variable step count`,
      error: /setWeights: 'val_\w+\/step' must be an integer >= 0, got 2.5/,
      setup: async () => {
        const opt = make();
        const v = trained(opt, [4], 'stepcount');
        const bad = tf.scalar(2.5);
        const ws = await opt.getWeights();
        return {
          call: () => opt.setWeights(ws.map((x) => (x.name.endsWith('/step') ? { name: x.name, tensor: bad } : x))),
          after: async () => {
            const now = await opt.getWeights();
            const step = (await now.find((w) => w.name.endsWith('/step'))!.tensor.data())[0];
            tf.dispose(owned(now));
            return step === 1 && opt.iterations === 1 ? null : `state changed: step ${step}, iterations ${opt.iterations}`;
          },
          cleanup: () => (tf.dispose([v, bad, ...owned(ws)]), opt.dispose()),
        };
      },
    });
    cases.push({
      name: `${label}: setWeights that leaves out a tracked variable's slots`,
      error: /setWeights: no state given for variable 'val_\w+', which this optimizer tracks/,
      setup: () => {
        const opt = make();
        const v = trained(opt, [4], 'missing');
        const it = tf.scalar(3);
        return { call: () => opt.setWeights([{ name: 'iter', tensor: it }]), after: () => (opt.iterations === 1 ? null : `iterations ${opt.iterations}`), cleanup: () => (tf.dispose([v, it]), opt.dispose()) };
      },
    });
  }
  for (const bad of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) {
    cases.push({
      name: `setWeights with iter ${bad}`,
      error: new RegExp(`setWeights: 'iter' must be an integer >= 0, got ${String(bad).replace('+', '')}`),
      setup: () => {
        const opt = adamw({ learningRate: 0.1 });
        const it = tf.scalar(bad);
        return { call: () => opt.setWeights([{ name: 'iter', tensor: it }]), after: () => (opt.iterations === 0 ? null : `iterations ${opt.iterations}`), cleanup: () => (it.dispose(), opt.dispose()) };
      },
    });
  }
  cases.push({
    name: 'setWeights with an unknown slot name',
    error: /setWeights: unknown slot 'val_\w+\/x' \(rule 'dana' has y\)/,
    setup: () => {
      const opt = dana({ learningRate: 0.1 });
      const w = tf.zeros([4]);
      return { call: () => opt.setWeights([{ name: `${vname('unk')}/x`, tensor: w }]), cleanup: () => (w.dispose(), opt.dispose()) };
    },
  });
  cases.push({
    name: 'restored state whose shape differs from the variable it binds to (exact name)',
    error: /restored state for 'val_\w+' has shape \[5\], the variable has \[4\]/,
    setup: () => {
      const opt = adamw({ learningRate: 0.1 });
      const name = vname('ghost');
      const w = tf.zeros([5]);
      let v: tf.Variable | null = null;
      let g: tf.Tensor | null = null;
      return {
        call: async () => {
          await opt.setWeights([{ name: `${name}/m`, tensor: w }, { name: `${name}/v`, tensor: w }]);
          v = tf.variable(tf.ones([4]), true, name);
          g = tf.onesLike(v);
          opt.applyGradients({ [name]: g });
        },
        cleanup: () => (tf.dispose([w, ...(v ? [v] : []), ...(g ? [g] : [])]), opt.dispose()),
      };
    },
  });
  cases.push(construction('AdamW eps 0', () => adamw({ learningRate: 0.1, eps: 0 }), /AdamW: eps must be a finite number > 0 \(0 gives 0\/0 = NaN on a zero gradient\), got 0/));
  cases.push(construction('AdEMAMix eps 0', () => ademamix({ learningRate: 0.1, eps: 0 }), /AdEMAMix: eps must be a finite number > 0/));
  cases.push(construction('Adana eps 0', () => adana({ learningRate: 0.1, eps: 0 }), /Adana: eps must be a finite number > 0/));
  cases.push(construction('Muon adam.eps 0', () => muon({ learningRate: 0.1, adam: { eps: 0 } }), /Muon.adam: eps must be a finite number > 0/));
  cases.push(construction('Adana totalSteps 10 (decay factor -1)', () => adana({ learningRate: 0.1, totalSteps: 10 }), /Adana: omega\/\(wdTimescale \+ 1\) must be < 1 .* got 4\/\(1 \+ 1\) with wdTimescale = totalSteps\/10 = 1/));
  cases.push(construction('AdamW lr·wd >= 1', () => adamw({ learningRate: 2, weightDecay: 0.5 }), /AdamW: learningRate·weightDecay must be < 1/));
  cases.push(construction('unknown key epsilon', () => adamw({ learningRate: 0.1, epsilon: 1e-8 } as never), /AdamW: unknown option 'epsilon' \(did you mean 'eps'\?\)/));
  cases.push(construction('unknown key lr', () => adana({ lr: 0.1 } as never), /Adana: unknown option 'lr' \(did you mean 'learningRate'\?\)/));
  cases.push(construction('unknown key in a group', () => adamw({ learningRate: 0.1, groups: [{ match: /x/, lrscale: 2 } as never] }), /unknown option 'groups\[0\]\.lrscale' \(did you mean 'groups\[0\]\.lrScale'\?\)/));
  cases.push(construction('SgdMomentum nesterov without momentum (torch refuses it too)', () => sgdMomentum({ learningRate: 0.1, nesterov: true }), /SgdMomentum: nesterov needs momentum > 0/));
  cases.push(construction('unknown key in a schedule spec', () => adamw({ learningRate: 0.1, schedule: { kind: 'linear', totalSteps: 9, warmup: 1 } as never }), /schedule: unknown option 'warmup'/));
  cases.push(construction('unknown key in Muon.adam', () => muon({ learningRate: 0.1, adam: { betas: 0.9 } as never }), /Muon: unknown option 'adam\.betas'/));
  cases.push(construction('learningRateScale with a negative entry', () => adamw({ learningRate: 0.1, learningRateScale: [1, -1] }), /AdamW: learningRateScale\[1\] must be a finite number >= 0, got -1/));
  for (const [label, value] of [['NaN', Number.NaN], ['negative', -0.5]] as const) {
    cases.push({
      name: `schedule returning ${label}`,
      error: new RegExp(`AdamW: schedule must return a finite number >= 0, got ${String(value)} at step 1`),
      setup: () => {
        const opt = adamw({ learningRate: 0.1, schedule: () => value });
        const v = tf.variable(tf.ones([4]), true, vname('sched'));
        const g = tf.onesLike(v);
        return {
          call: () => opt.applyGradients({ [v.name]: g }),
          after: async () => (await unchanged(v, [1, 1, 1, 1])) ?? (opt.iterations === 0 ? null : 'counter advanced'),
          cleanup: () => (tf.dispose([v, g]), opt.dispose()),
        };
      },
    });
  }
  cases.push({
    name: 'a group weight-decay scale that makes the decay factor negative (rejected at the step)',
    error: /AdamW: the weight-decay factor of 'val_\w+' at step 1 is -4; it must be in \(0, 1\]/,
    setup: () => {
      const name = vname('wd');
      const opt = adamw({ learningRate: 0.1, weightDecay: 0.5, groups: [{ match: [name], weightDecayScale: 100 }] });
      const v = tf.variable(tf.ones([2, 2]), true, name);
      const g = tf.onesLike(v);
      return { call: () => opt.applyGradients({ [name]: g }), after: () => unchanged(v, [1, 1, 1, 1]), cleanup: () => (tf.dispose([v, g]), opt.dispose()) };
    },
  });
  cases.push({
    name: "Muon: a NaN gradient under nonFinite 'error' throws in the step, without advancing the counter",
    error: /Muon: non-finite gradient for 'val_\w+' at step 1/,
    setup: () => {
      const opt = muon({ learningRate: 0.1, nonFinite: 'error' });
      const v = tf.variable(tf.ones([2, 2]), true, vname('muonnan'));
      const g = tf.tensor2d([[1, Number.NaN], [0, 1]]);
      return {
        call: () => opt.applyGradients({ [v.name]: g }),
        after: async () => (await unchanged(v, [1, 1, 1, 1])) ?? (opt.iterations === 0 ? null : `iterations ${opt.iterations}`),
        cleanup: () => (tf.dispose([v, g]), opt.dispose()),
      };
    },
  });
  cases.push({
    name: 'Muon: a [3, 1] gradient is not broadcast onto a [3, 2] variable',
    error: /Muon: the gradient of 'val_\w+' must have the variable's shape \[3, 2\], got \[3, 1\]/,
    setup: () => {
      const opt = muon({ learningRate: 0.1 });
      const v = tf.variable(tf.ones([3, 2]), true, vname('muonb'));
      const g = tf.ones([3, 1]);
      return { call: () => opt.applyGradients({ [v.name]: g }), cleanup: () => (tf.dispose([v, g]), opt.dispose()) };
    },
  });
  cases.push({
    name: 'learningRateScale on a variable whose first dimension is not K',
    error: /AdamW: with learningRateScale \(3 models\) every variable's first dimension must be 3, got shape \[4, 2\] for 'val_\w+'/,
    setup: () => {
      const opt = adamw({ learningRate: 0.1, learningRateScale: [1, 2, 3] });
      const v = tf.variable(tf.ones([4, 2]), true, vname('k'));
      const g = tf.onesLike(v);
      return { call: () => opt.applyGradients({ [v.name]: g }), after: () => unchanged(v, [1, 1, 1, 1, 1, 1, 1, 1]), cleanup: () => (tf.dispose([v, g]), opt.dispose()) };
    },
  });
  return cases;
}

/** Runs every case on the active backend. */
export async function runValidationCases(): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of validationCases()) {
    const { call, after, cleanup } = await c.setup();
    const before = tf.memory().numTensors;
    let detail = '';
    let ok = false;
    try {
      await call();
      detail = 'no error';
    } catch (e) {
      const msg = (e as Error).message;
      ok = c.error.test(msg);
      detail = ok ? msg : `wrong error: ${msg}`;
    }
    const leaked = tf.memory().numTensors - before;
    if (ok && leaked !== 0 && !c.name.startsWith('restored state')) {
      ok = false;
      detail = `${leaked} tensors leaked by the rejected call`;
    }
    if (ok && after) {
      const problem = await after();
      if (problem) {
        ok = false;
        detail = problem;
      }
    }
    cleanup();
    out.push({ name: c.name, ok, detail });
  }
  return out;
}

// CLI: `npx tsx src/validation-cases.ts <backend>` prints one JSON document of results.
if (process.argv[1]?.endsWith('validation-cases.ts')) {
  const backend = process.argv[2] ?? 'wasm';
  (async () => {
    const { activateBackend } = await import('@lemma/gpu-kernels/testing');
    const skip = await activateBackend(backend as 'cpu' | 'wasm');
    if (skip) throw new Error(`validation-cases: backend '${backend}' unavailable: ${skip}`);
    const results = await runValidationCases();
    process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), results })}\n`);
  })().catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
