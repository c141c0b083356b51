/**
 * Bad input, one argument at a time: every case must throw an error naming the argument, and leave no tensor behind.
 * (Issue 16, items 3 and 5.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationMatching, layerInputMoments } from './activations';
import { linearSumAssignment } from './assignment';
import { evaluate, lossBarrier } from './barrier';
import { getParams, type Params } from './params';
import { sequentialPermutationSpec, type PermutationSpec } from './permutation-spec';
import { applyPermutation, gatherAxis, identityPermutations, invertPermutation, permuteParams } from './permute';
import { repair } from './repair';
import { sinkhorn } from './sinkhorn';
import { sinkhornF64 } from './sinkhorn-f64';
import { makeMlp, randomInputs } from './test-models';
import { layerwiseOTAlignment, matchingObjective, weightMatching } from './weight-matching';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Runs `f`, expects an error whose message matches `pattern`, and no tensor left over. */
async function rejects(f: () => unknown, pattern: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  let err: Error | null = null;
  try {
    await f();
  } catch (e) {
    err = e as Error;
  }
  expect(err, `expected an error matching ${pattern}`).not.toBeNull();
  expect(err!.message).toMatch(pattern);
  expect(tf.memory().numTensors).toBe(before);
}

const notPerms: [string, Int32Array][] = [
  ['a repeated unit', Int32Array.from([0, 0, 2, 3])],
  ['an out-of-range unit', Int32Array.from([0, 1, 2, 4])],
  ['a negative unit', Int32Array.from([0, -1, 2, 3])],
];

describe('permutations must be permutations (item 3)', () => {
  let model: tfl.LayersModel;
  let spec: PermutationSpec;
  let p: Params;
  beforeAll(async () => {
    await selectBackend('cpu');
    model = await makeMlp([3, 4, 2], 1);
    spec = sequentialPermutationSpec(model);
    p = await getParams(model);
  });
  for (const [what, perm] of notPerms) {
    it(`permuteParams, applyPermutation, matchingObjective, weightMatching init, invertPermutation, gatherAxis reject ${what}`, async () => {
      await rejects(() => permuteParams(p, spec, { P0: perm }), /permuteParams: perms\['P0'\] must be a permutation of 0..3/);
      await rejects(() => applyPermutation(model, spec, { P0: perm }), /permuteParams: perms\['P0'\] must be a permutation/);
      await rejects(() => matchingObjective(p, p, spec, { P0: perm }), /matchingObjective: perms\['P0'\] must be a permutation/);
      await rejects(() => weightMatching(p, p, spec, { init: { P0: perm } }), /weightMatching: options.init: perms\['P0'\] must be a permutation/);
      await rejects(() => invertPermutation(perm), /invertPermutation: perm must be a permutation of 0..3/);
      await rejects(() => gatherAxis(new Float32Array(8), [2, 4], 1, perm), /gatherAxis: perm must be a permutation/);
    });
  }
  it('a permutation of the wrong length or an undeclared name is rejected, and valid permutations still pass', async () => {
    await rejects(() => permuteParams(p, spec, { P0: Int32Array.from([0, 1, 2]) }), /perms\['P0'\] must have length 4, got 3/);
    await rejects(() => permuteParams(p, spec, { Q: Int32Array.from([0]) }), /perms has 'Q', which the spec does not declare/);
    expect(permuteParams(p, spec, { P0: Int32Array.from([3, 1, 0, 2]) })['0/kernel']!.values.length).toBe(12);
    expect(Array.from(invertPermutation(Int32Array.from([2, 0, 1])))).toEqual([1, 2, 0]);
  });
  it('weightMatching and layerwiseOTAlignment reject bad options', async () => {
    await rejects(() => weightMatching(p, p, spec, { maxSweeps: 0 }), /weightMatching: options.maxSweeps must be an integer >= 1, got 0/);
    await rejects(() => weightMatching(p, p, spec, { seed: 1.5 }), /weightMatching: options.seed must be an integer >= 0, got 1.5/);
    await rejects(() => weightMatching(p, p, spec, { sweeps: 3 } as never), /weightMatching: unknown option options.sweeps/);
    await rejects(() => layerwiseOTAlignment(p, p, spec, { cost: 'manhattan' } as never), /layerwiseOTAlignment: options.cost must be one of 'euclidean', 'covariance', got 'manhattan'/);
    await rejects(() => layerwiseOTAlignment(p, p, spec, { bias: 'no' } as never), /layerwiseOTAlignment: options.bias must be true or false/);
    expect(weightMatching(p, p, spec, { init: identityPermutations(spec) }).perms.P0!.length).toBe(4);
  });
});

describe('lossBarrier, evaluate, repair and the moment functions check their data (item 3)', () => {
  let A: tfl.LayersModel;
  let B: tfl.LayersModel;
  let spec: PermutationSpec;
  let x: tf.Tensor;
  let y: tf.Tensor;
  beforeAll(async () => {
    await selectBackend('cpu');
    A = await makeMlp([3, 4, 2], 1);
    B = await makeMlp([3, 4, 2], 2);
    spec = sequentialPermutationSpec(A);
    x = randomInputs([6, 3], 3);
    y = tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32');
  });
  it('ts must be sorted and inside [0, 1]', async () => {
    await rejects(() => lossBarrier(A, B, { x, y }, { ts: [0, 0.7, 0.3, 1] }), /lossBarrier: ts must increase strictly within \[0, 1\], got 0.3 after 0.7/);
    await rejects(() => lossBarrier(A, B, { x, y }, { ts: [0, 1.5, 1] }), /lossBarrier: ts must increase strictly/);
    await rejects(() => lossBarrier(A, B, { x, y }, { ts: [0, 0.5, 0.5, 1] }), /lossBarrier: ts must increase strictly/);
    await rejects(() => lossBarrier(A, B, { x, y }, { ts: [-0.5, 1] }), /lossBarrier: ts must start at 0 and end at 1/);
  });
  it('labels must be integer classes in [0, K) or probability rows', async () => {
    const bad = [tf.tensor1d([0, 1, 0, 1, 1, 2], 'int32'), tf.tensor1d([0, 1, 0, 1, 1, 0.5]), tf.tensor1d([0, 1, 0, 1, 1, -1], 'int32')];
    for (const yb of bad) await rejects(() => lossBarrier(A, B, { x, y: yb }), /lossBarrier: data.y must hold integer class labels in \[0, 2\)/);
    const rows = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1, 0.5, 0.2, 1, 0], [6, 2]);
    await rejects(() => lossBarrier(A, B, { x, y: rows }), /lossBarrier: data.y rows must sum to 1, got 0.7\d* at row 4/);
    const short = tf.tensor1d([0, 1]);
    await rejects(() => evaluate(A, { x, y: short }), /evaluate: data.y must have 6 rows/);
    tf.dispose([...bad, rows, short]);
  });
  it('zero rows, NaN inputs, NaN weights and inputs of the wrong width are errors', async () => {
    const empty = tf.zeros([0, 3]);
    const ey = tf.zeros([0], 'int32');
    await rejects(() => lossBarrier(A, B, { x: empty, y: ey }), /lossBarrier: data.x must have at least one row/);
    const nan = tf.fill([6, 3], Number.NaN);
    await rejects(() => lossBarrier(A, B, { x: nan, y }), /lossBarrier: data.x must be finite, got NaN at index 0/);
    await rejects(() => evaluate(A, { x: nan, y }), /evaluate: data.x must be finite/);
    const wide = randomInputs([6, 5], 4);
    await rejects(() => lossBarrier(A, B, { x: wide, y }), /lossBarrier: data.x must have shape \[rows, 3\] \(the model's input\), got \[6,5\]/);
    await rejects(() => repair(A, B, 0.5, wide, spec), /repair: x must have shape \[rows, 3\]/);
    await rejects(() => repair(A, B, 1.5, x, spec), /repair: t must be in \[0, 1\], got 1.5/);
    await rejects(() => layerInputMoments(A, wide, spec), /layerInputMoments: x must have shape \[rows, 3\]/);
    await rejects(() => activationMatching(A, B, wide, spec), /activationMatching: x must have shape \[rows, 3\]/);
    await rejects(() => activationMatching(A, B, x, spec, { method: 'pearson' } as never), /activationMatching: options.method must be one of/);
    const Bnan = await makeMlp([3, 4, 2], 2);
    Bnan.layers[0]!.setWeights([tf.fill([3, 4], Number.NaN), tf.zeros([4])]);
    await rejects(() => lossBarrier(A, Bnan, { x, y }), /lossBarrier: B's weight '0\/kernel' must be finite, got NaN/);
    await rejects(() => lossBarrier(A, B, { x, y }, { batchSize: 0 }), /lossBarrier: options.batchSize must be an integer >= 1, got 0/);
    await rejects(() => lossBarrier(A, B, { x, y }, { steps: 3 } as never), /lossBarrier: unknown option options.steps/);
    Bnan.dispose();
    tf.dispose([empty, ey, nan, wide]);
  });
  it('valid data still gives a finite barrier', async () => {
    const r = await lossBarrier(A, B, { x, y }, { ts: [0, 0.5, 1] });
    expect(r.loss.every(Number.isFinite)).toBe(true);
  });
});

describe('Sinkhorn and assignment options are checked (item 5)', () => {
  const a = [0.5, 0.5];
  const C = [
    [0, 1],
    [1, 0],
  ];
  const Cf = Float64Array.from([0, 1, 1, 0]);
  const badOptions: [Record<string, unknown>, RegExp][] = [
    [{ maxIterations: 0 }, /options.maxIterations must be an integer >= 1, got 0/],
    [{ maxIterations: -1 }, /options.maxIterations must be an integer >= 1, got -1/],
    [{ maxIterations: Number.NaN }, /options.maxIterations must be an integer >= 1, got NaN/],
    [{ threshold: Number.NaN }, /options.threshold must be a finite number > 0, got NaN/],
    [{ checkEvery: 0 }, /options.checkEvery must be an integer >= 1, got 0/],
    [{ relativeEpsilon: 'median' }, /options.relativeEpsilon must be one of 'mean', 'std', 'max', false, got 'median'/],
    [{ epsilonScaling: { decay: 2 } }, /options.epsilonScaling.decay must be in \(0, 1\), got 2/],
    [{ epsilonScaling: { stageIterations: -1 } }, /options.epsilonScaling.stageIterations must be an integer >= 0/],
    [{ returnPlan: 'yes' }, /options.returnPlan must be true or false/],
    [{ maxIter: 10 }, /unknown option options.maxIter/],
  ];
  for (const [opt, pattern] of badOptions) {
    it(`sinkhorn and sinkhornF64 reject ${JSON.stringify(opt)}`, async () => {
      await rejects(() => sinkhorn(a, a, C, 0.1, opt as never), new RegExp(`^sinkhorn: ${pattern.source}`));
      await rejects(() => sinkhornF64(a, a, Cf, 0.1, opt as never), new RegExp(`^sinkhornF64: ${pattern.source}`));
    });
  }
  it("sinkhorn rejects kernel 'gpu' and a NaN init.f; sinkhornF64 a NaN init.f", async () => {
    await rejects(() => sinkhorn(a, a, C, 0.1, { kernel: 'gpu' } as never), /sinkhorn: options.kernel must be one of 'fused', 'tfjs', got 'gpu'/);
    const f = tf.tensor1d([Number.NaN, 0]);
    await rejects(() => sinkhorn(a, a, C, 0.1, { init: { f } }), /sinkhorn: init.f must be finite, got NaN at index 0/);
    f.dispose();
    await rejects(() => sinkhornF64(a, a, Cf, 0.1, { init: { f: Float64Array.from([Number.NaN, 0]) } }), /sinkhornF64: init.f must be finite, got NaN at index 0/);
    await rejects(() => sinkhornF64(a, a, Cf, 0.1, { init: { h: 1 } } as never), /sinkhornF64: unknown option options.init.h/);
  });
  it("linearSumAssignment rejects maximize: 'yes' and unknown keys instead of minimising", () => {
    const M = { rows: 2, cols: 2, data: [4, 1, 2, 3] };
    expect(() => linearSumAssignment(M, { maximize: 'yes' } as never)).toThrow(/linearSumAssignment: options.maximize must be true or false, got 'yes'/);
    expect(() => linearSumAssignment(M, { maximise: true } as never)).toThrow(/linearSumAssignment: unknown option options.maximise/);
    expect(linearSumAssignment(M, { maximize: true }).cost).toBe(7);
  });
  it('valid options still converge', async () => {
    const r = sinkhornF64(a, a, Cf, 0.1, { maxIterations: 50, checkEvery: 1, relativeEpsilon: 'max' });
    expect(r.converged).toBe(true);
  });
});
