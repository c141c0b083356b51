/**
 * Bad-input table of ot-matching's exports (run by ot-matching.bad-inputs.test.ts through the harness in
 * @lemma/gpu-kernels/testing, on cpu and wasm in a child process). One argument made bad at a time; every case must
 * throw an error naming the function and the argument, or be a documented acceptance, and leave no tensor behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@lemma/gpu-kernels';
import type { BadInputCase } from '@lemma/gpu-kernels/testing';
import { activationMatching, layerInputMoments } from '../activations';
import { linearSumAssignment } from '../assignment';
import { evaluate, lossBarrier } from '../barrier';
import { approximateDimension, layerDimensions, weightSupportDimension } from '../dimension';
import { cloneModel, getParams, interpolate, interpolateParams, paramKeys, setParams, type Params } from '../params';
import { permToAxes, sequentialPermutationSpec, type PermutationSpec } from '../permutation-spec';
import { applyPermutation, gatherAxis, identityPermutations, invertPermutation, permuteParams, randomPermutations } from '../permute';
import { repair, repairParams } from '../repair';
import { sinkhorn, sinkhornDivergence, squaredDistances } from '../sinkhorn';
import { sinkhornF64 } from '../sinkhorn-f64';
import { groundCost, wassersteinExact } from '../wasserstein';
import { layerwiseOTAlignment, matchingObjective, weightMatching } from '../weight-matching';

const cases: BadInputCase<never>[] = [];
const add = <A>(c: BadInputCase<A>) => cases.push(c as unknown as BadInputCase<never>);

/** A seeded Dense MLP built synchronously (the harness's setup is sync; test-models' makeMlp is async). */
function mlp(sizes: number[], seed: number): tfl.Sequential {
  const m = tfl.sequential();
  for (let i = 1; i < sizes.length; i++) {
    m.add(tfl.layers.dense({ units: sizes[i]!, activation: i < sizes.length - 1 ? 'relu' : 'linear', ...(i === 1 ? { inputShape: [sizes[0]!] } : {}) }));
  }
  const rng = createRng(seed);
  tf.tidy(() => {
    for (const layer of m.layers) layer.setWeights(layer.weights.map((w) => tf.tensor(Float32Array.from(rng.normalArray(w.shape.reduce((a, b) => a! * b!, 1)!), (z) => z * 0.5), w.shape as number[])));
  });
  return m;
}

/** The model's Params, read synchronously (cpu and wasm only, which is where this table runs). */
function paramsOf(m: tfl.LayersModel): Params {
  const keys = paramKeys(m);
  const out: Params = {};
  m.layers.forEach((layer, l) => layer.getWeights().forEach((w, k) => (out[keys[l]![k]!] = { shape: w.shape.slice(), values: Float32Array.from(w.dataSync()) })));
  return out;
}

/** Two 3-4-2 MLPs with their spec, params, 6 inputs and labels. */
const nets = () => {
  const A = mlp([3, 4, 2], 1);
  const B = mlp([3, 4, 2], 2);
  const spec = sequentialPermutationSpec(A);
  return { A, B, spec, pa: paramsOf(A), pb: paramsOf(B), x: tf.tensor2d(Float32Array.from(createRng(3).normalArray(18)), [6, 3]), y: tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32') };
};
type N = ReturnType<typeof nets>;
const withModel = <T extends object>(make: (n: N) => T) => () => {
  const n = nets();
  return { ...n, ...make(n) };
};
const perm = (...v: number[]) => Int32Array.from(v);
const badSpec = (over: Partial<PermutationSpec>) => ({ perms: { P0: 4 }, params: { '0/kernel': { axes: [null, 'P0'] } }, ...over }) as PermutationSpec;

// --- linearSumAssignment -------------------------------------------------------------------------------------
const M22 = { rows: 2, cols: 2, data: [4, 1, 2, 3] };
add({ fn: 'linearSumAssignment', bad: 'C: null', call: () => linearSumAssignment(null as never), throws: /linearSumAssignment: C must be a cost matrix: number\[\]\[\], \{ rows, cols, data \} or \(data, \[rows, cols\]\), got null/ });
add({ fn: 'linearSumAssignment', bad: 'C: ragged number[][]', call: () => linearSumAssignment([[4, 1], [2]]), throws: /linearSumAssignment: C\[1\] must have length 2 \(that of C\[0\]: the rows of C must have one length\), got length 1/ });
add({ fn: 'linearSumAssignment', bad: "C: [[4, '1']]", call: () => linearSumAssignment([[4, '1']] as never), throws: /linearSumAssignment: C\[0\] must be an array of numbers, got an array of length 2/ });
add({ fn: 'linearSumAssignment', bad: 'C: a flat array without a shape', call: () => linearSumAssignment([4, 1, 2, 3] as never), throws: /linearSumAssignment: shape must be given for flat data \(C is an array of length 4\): call linearSumAssignment\(data, \[rows, cols\]\), got undefined/ });
add({ fn: 'linearSumAssignment', bad: 'shape: [4]', call: () => linearSumAssignment(Float64Array.of(4, 1, 2, 3), [4] as never), throws: /linearSumAssignment: shape must be a \[rows, cols\] pair of non-negative integers, got an array of length 1/ });
add({ fn: 'linearSumAssignment', bad: 'shape: [2, 1.5]', call: () => linearSumAssignment(Float64Array.of(4, 1, 2, 3), [2, 1.5]), throws: /linearSumAssignment: shape must be an array of non-negative integers/ });
add({ fn: 'linearSumAssignment', bad: 'shape: [2, 3] for 4 entries', call: () => linearSumAssignment(Float64Array.of(4, 1, 2, 3), [2, 3]), throws: /linearSumAssignment: data must have rows\*cols = 6 entries, got 4/ });
add({ fn: 'linearSumAssignment', bad: 'options in place of the shape, then more options', call: () => (linearSumAssignment as (...args: unknown[]) => unknown)([[4, 1]], {}, {}), throws: /linearSumAssignment: shape must be a \[rows, cols\] array before the options, got an object/ });
add({ fn: 'linearSumAssignment', bad: 'C.rows: 1.5', call: () => linearSumAssignment({ rows: 1.5, cols: 2, data: [1, 2, 3] }), throws: /linearSumAssignment: rows and cols must be non-negative integers, got 1.5 x 2/ });
add({ fn: 'linearSumAssignment', bad: 'C.cols: NaN', call: () => linearSumAssignment({ rows: 2, cols: Number.NaN, data: [] }), throws: /linearSumAssignment: rows and cols must be non-negative integers/ });
add({ fn: 'linearSumAssignment', bad: 'C.data: too short', call: () => linearSumAssignment({ ...M22, data: [1, 2, 3] }), throws: /linearSumAssignment: data must have rows\*cols = 4 entries, got 3/ });
add({ fn: 'linearSumAssignment', bad: "C.data: 'abcd' (passed the range checks)", call: () => linearSumAssignment({ ...M22, data: 'abcd' as never }), throws: /linearSumAssignment: C.data must be an array of numbers, got 'abcd'/ });
add({ fn: 'linearSumAssignment', bad: "C.data: ['4', 1, 2, 3] (cost became a string)", call: () => linearSumAssignment({ ...M22, data: ['4', 1, 2, 3] as never }), throws: /linearSumAssignment: C.data must be an array of numbers/ });
add({ fn: 'linearSumAssignment', bad: 'C.data: NaN', call: () => linearSumAssignment({ ...M22, data: [4, Number.NaN, 2, 3] }), throws: /linearSumAssignment: C must not contain NaN, got NaN at \(0, 1\)/ });
add({ fn: 'linearSumAssignment', bad: 'C.data: -Infinity', call: () => linearSumAssignment({ ...M22, data: Float64Array.of(4, -Infinity, 2, 3) }), throws: /linearSumAssignment: C must not contain -Infinity/ });
add({ fn: 'linearSumAssignment', bad: 'C.data: all +Infinity', call: () => linearSumAssignment({ ...M22, data: [Infinity, Infinity, Infinity, Infinity] }), throws: /linearSumAssignment: infeasible, every pair of C is forbidden/ });
add({ fn: 'linearSumAssignment', bad: "options.maximize: 'yes'", call: () => linearSumAssignment(M22, { maximize: 'yes' } as never), throws: /linearSumAssignment: options.maximize must be true or false, got 'yes'/ });
add({ fn: 'linearSumAssignment', bad: 'options: unknown key', call: () => linearSumAssignment(M22, { maximise: true } as never), throws: /linearSumAssignment: options has an unknown key 'maximise' \(did you mean 'maximize'\?\)/ });
add({ fn: 'linearSumAssignment', bad: "options: 'max'", call: () => linearSumAssignment(M22, 'max' as never), throws: /linearSumAssignment: options must be an options object, got 'max'/ });
add({ fn: 'linearSumAssignment', bad: 'C: 0 x 3', call: () => linearSumAssignment({ rows: 0, cols: 3, data: [] }), accepts: 'an empty side assigns nothing at cost 0' });
add({
  fn: 'linearSumAssignment', bad: 'maximize: true still maximises (cost 7)', accepts: 'valid options keep working',
  call: () => { if (linearSumAssignment(M22, { maximize: true }).cost !== 7) throw new Error('linearSumAssignment: wrong maximum'); },
});

// --- wassersteinExact / groundCost -----------------------------------------------------------------------------
const cloud = (over: object = {}) => ({ n: 2, d: 1, data: [0, 1], ...over });
add({ fn: 'wassersteinExact', bad: 'x: null', call: () => wassersteinExact(null as never, cloud()), throws: /wassersteinExact: x must be a point cloud \{ n, d, data \}, got null/ });
add({ fn: 'wassersteinExact', bad: 'x.n: 1.5 (read past the data)', call: () => wassersteinExact(cloud({ n: 1.5, d: 2, data: [0, 1, 2] }), cloud()), throws: /wassersteinExact: x.n must be a non-negative integer, got 1.5/ });
add({ fn: 'wassersteinExact', bad: 'x.d: 0', call: () => wassersteinExact(cloud({ d: 0, data: [] }), cloud()), throws: /wassersteinExact: x.d must be a positive integer, got 0/ });
add({ fn: 'wassersteinExact', bad: "x.data: 'ab'", call: () => wassersteinExact(cloud({ data: 'ab' }), cloud()), throws: /wassersteinExact: x.data must be an array of numbers, got 'ab'/ });
add({ fn: 'wassersteinExact', bad: 'y.data: NaN (was reported as groundCost)', call: () => wassersteinExact(cloud(), cloud({ data: [0, Number.NaN] })), throws: /wassersteinExact: y must be finite, got NaN at index 1/ });
add({ fn: 'wassersteinExact', bad: 'y.d: other dimension', call: () => wassersteinExact(cloud(), cloud({ d: 2, data: [0, 1, 2, 3] })), throws: /wassersteinExact: x and y must have the same dimension, got 1 and 2/ });
add({ fn: 'wassersteinExact', bad: 'y.n: other size', call: () => wassersteinExact(cloud(), cloud({ n: 1, data: [0] })), throws: /wassersteinExact: x and y must have the same number of points/ });
add({ fn: 'wassersteinExact', bad: 'x.n: 0', call: () => wassersteinExact(cloud({ n: 0, data: [] }), cloud({ n: 0, data: [] })), throws: /wassersteinExact: point clouds must not be empty/ });
for (const p of [0.5, Number.NaN, Infinity, '2']) add({ fn: 'wassersteinExact', bad: `options.p: ${String(p)}`, call: () => wassersteinExact(cloud(), cloud(), { p: p as number }), throws: /wassersteinExact: options.p must be a finite number >= 1/ });
add({ fn: 'wassersteinExact', bad: 'options: unknown key', call: () => wassersteinExact(cloud(), cloud(), { order: 1 } as never), throws: /wassersteinExact: options has an unknown key 'order'/ });
add({ fn: 'groundCost', bad: 'p: NaN (all-NaN costs)', call: () => groundCost(cloud(), cloud(), Number.NaN), throws: /groundCost: p must be a finite number >= 0, got NaN/ });
add({ fn: 'groundCost', bad: "p: 'abc'", call: () => groundCost(cloud(), cloud(), 'abc' as never), throws: /groundCost: p must be a finite number >= 0, got 'abc'/ });
add({ fn: 'groundCost', bad: 'x: undefined', call: () => groundCost(undefined as never, cloud()), throws: /groundCost: x must be a point cloud/ });
add({ fn: 'groundCost', bad: 'x.data: wrong length', call: () => groundCost(cloud({ data: [0] }), cloud()), throws: /groundCost: x must have n\*d = 2 values, got 1/ });
add({ fn: 'groundCost', bad: 'y.d: 1.5', call: () => groundCost(cloud(), cloud({ d: 1.5, data: [0, 1, 2] })), throws: /groundCost: y.d must be a positive integer, got 1.5/ });

// --- sinkhorn (tensor), sinkhornDivergence, squaredDistances ---------------------------------------------------
const w2 = [0.5, 0.5];
const C2 = [[0, 1], [1, 0]];
const sk = (over: Record<string, unknown>) => () => sinkhorn(w2, w2, C2, 0.1, over as never);
add({ fn: 'sinkhorn', bad: "M: 'abc' (error from deep inside tfjs)", call: () => sinkhorn(w2, w2, 'abc' as never, 0.1), throws: /sinkhorn: M must be a float32 tensor or nested number array, got 'abc'/ });
add({ fn: 'sinkhorn', bad: 'M: ragged', call: () => sinkhorn(w2, w2, [[0, 1], [1]] as never, 0.1), throws: /sinkhorn: M must be a float32 tensor or rectangular nested number array/ });
add({ fn: 'sinkhorn', bad: 'M: rank 1', call: () => sinkhorn(w2, w2, [0, 1] as never, 0.1), throws: /sinkhorn: M must be a 2-D tensor, got shape \[2\]/ });
add({ fn: 'sinkhorn', bad: 'M: int32 tensor', setup: () => tf.tensor2d([0, 1, 1, 0], [2, 2], 'int32'), call: (M) => sinkhorn(w2, w2, M as never, 0.1), throws: /sinkhorn: M must be a float32 tensor, got an int32 tensor/ });
add({ fn: 'sinkhorn', bad: 'M: disposed tensor', setup: () => { const t = tf.tensor2d(C2); t.dispose(); return t; }, call: (M) => sinkhorn(w2, w2, M, 0.1), throws: /sinkhorn: M must be a live float32 tensor, got a disposed tensor/ });
add({ fn: 'sinkhorn', bad: 'M: NaN', call: () => sinkhorn(w2, w2, [[0, Number.NaN], [1, 0]], 0.1), throws: /sinkhorn: M must be finite/ });
add({ fn: 'sinkhorn', bad: "a: 'ab'", call: () => sinkhorn('ab' as never, w2, C2, 0.1), throws: /sinkhorn: a must be a float32 tensor or nested number array, got 'ab'/ });
add({ fn: 'sinkhorn', bad: 'a: wrong length', call: () => sinkhorn([1], w2, C2, 0.1), throws: /sinkhorn: a must be a 1-D tensor of length 2 \(rows of M\), got shape \[1\]/ });
add({ fn: 'sinkhorn', bad: 'b: a zero weight', call: () => sinkhorn(w2, [1, 0], C2, 0.1), throws: /sinkhorn: b must hold finite weights > 0, got 0 at index 1/ });
add({ fn: 'sinkhorn', bad: 'b: other mass', call: () => sinkhorn(w2, [1, 1], C2, 0.1), throws: /sinkhorn: a and b must have the same total mass/ });
for (const reg of [0, -1, Number.NaN, Infinity, '0.1']) add({ fn: 'sinkhorn', bad: `reg: ${String(reg)}`, call: () => sinkhorn(w2, w2, C2, reg as number), throws: /sinkhorn: reg must be a finite number > 0/ });
// Options both solvers share: each must be rejected by each, with its own name.
const SHARED_BAD_OPTIONS: [string, Record<string, unknown>, string][] = [
  ['maxIterations: 0', { maxIterations: 0 }, 'options.maxIterations must be a positive integer <= 10000000, got 0'],
  ['maxIterations: -1', { maxIterations: -1 }, 'options.maxIterations must be a positive integer <= 10000000, got -1'],
  ['maxIterations: NaN', { maxIterations: Number.NaN }, 'options.maxIterations must be a positive integer <= 10000000, got NaN'],
  ['maxIterations: 1e9 with threshold 1e-300 (a hang)', { maxIterations: 1e9, threshold: 1e-300 }, 'options.maxIterations must be a positive integer <= 10000000, got 1000000000'],
  ['threshold: NaN', { threshold: Number.NaN }, 'options.threshold must be a finite number > 0, got NaN'],
  ['threshold: -1', { threshold: -1 }, 'options.threshold must be a finite number > 0, got -1'],
  ['checkEvery: 0', { checkEvery: 0 }, 'options.checkEvery must be a positive integer, got 0'],
  ["relativeEpsilon: 'median'", { relativeEpsilon: 'median' }, "options.relativeEpsilon must be 'mean', 'std', 'max' or false, got 'median'"],
  ['epsilonScaling.decay: 2', { epsilonScaling: { decay: 2 } }, 'options.epsilonScaling.decay must be in (0, 1), got 2'],
  ['epsilonScaling.stageIterations: -1', { epsilonScaling: { stageIterations: -1 } }, 'options.epsilonScaling.stageIterations must be a non-negative integer'],
  ['epsilonScaling.stageIterations: 1e9 (200 stages of it)', { epsilonScaling: { stageIterations: 1e9 } }, 'options.epsilonScaling.stageIterations must be a non-negative integer <= 100000, got 1000000000'],
  ['epsilonScaling.start: Infinity', { epsilonScaling: { start: Infinity } }, 'options.epsilonScaling.start must be a finite number > 0, got Infinity'],
  ['epsilonScaling: unknown key', { epsilonScaling: { steps: 3 } }, "options.epsilonScaling has an unknown key 'steps'"],
  ["returnPlan: 'yes'", { returnPlan: 'yes' }, "options.returnPlan must be true or false, got 'yes'"],
  ["onCheck: 'log' (called at the first check)", { onCheck: 'log' }, "options.onCheck must be a function, got 'log'"],
  ['options: unknown key', { maxIter: 10 }, "options has an unknown key 'maxIter' (did you mean 'maxIterations'?)"],
  ["options: POT's numItermax", { numItermax: 10 }, "options has an unknown key 'numItermax' (did you mean 'maxIterations'?); known keys: "],
  ["options: POT's stopThr", { stopThr: 1e-9 }, "options has an unknown key 'stopThr' (did you mean 'threshold'?)"],
  ["options: POT's log", { log: true }, "options has an unknown key 'log' (did you mean 'onCheck'?)"],
  ["warn: 'no'", { warn: 'no' }, "options.warn must be true or false, got 'no'"],
  ['init: unknown key', { init: { h: 1 } }, "options.init has an unknown key 'h'"],
];
const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
for (const [label, over, msg] of SHARED_BAD_OPTIONS) {
  add({ fn: 'sinkhorn', bad: label, call: sk(over), throws: new RegExp(`^sinkhorn: ${escape(msg)}`) });
  add({ fn: 'sinkhornF64', bad: label, call: () => sinkhornF64(w2, w2, Float64Array.from([0, 1, 1, 0]), 0.1, over as never), throws: new RegExp(`^sinkhornF64: ${escape(msg)}`) });
}
add({ fn: 'sinkhorn', bad: "kernel: 'gpu'", call: sk({ kernel: 'gpu' }), throws: /sinkhorn: options.kernel must be 'fused' or 'tfjs', got 'gpu'/ });
add({ fn: 'sinkhorn', bad: "init.f: 'abc'", call: sk({ init: { f: 'abc' } }), throws: /sinkhorn: init.f must be a 1-D tensor, got abc/ });
add({ fn: 'sinkhorn', bad: 'options: null', call: () => sinkhorn(w2, w2, C2, 0.1, null as never), throws: /sinkhorn: options must be an options object, got null/ });
add({ fn: 'sinkhorn', bad: 'init.f: NaN', setup: () => tf.tensor1d([Number.NaN, 0]), call: (f) => sinkhorn(w2, w2, C2, 0.1, { init: { f } }), throws: /sinkhorn: init.f must be finite, got NaN at index 0/ });
add({ fn: 'sinkhorn', bad: 'init.g: wrong length', setup: () => tf.tensor1d([0, 0, 0]), call: (g) => sinkhorn(w2, w2, C2, 0.1, { init: { g: g as tf.Tensor1D } }), throws: /sinkhorn: init.g must be a 1-D tensor of length 2, got shape \[3\]/ });
add({ fn: 'sinkhorn', bad: 'relativeEpsilon on an all-zero cost', call: () => sinkhorn(w2, w2, [[0, 0], [0, 0]], 0.1, { relativeEpsilon: 'mean' }), throws: /sinkhorn: relativeEpsilon 'mean' needs a positive cost statistic, got 0/ });

const clouds = () => ({ x: tf.tensor2d([0, 0, 1, 1, 2, 0], [3, 2]), y: tf.tensor2d([0, 1, 1, 0], [2, 2]) });
type XY = ReturnType<typeof clouds>;
add({ fn: 'sinkhornDivergence', bad: 'x: null', setup: clouds, call: (s: XY) => sinkhornDivergence(null as never, s.y, 0.1), throws: /sinkhornDivergence: x must be a float32 tensor, got null/ });
add({ fn: 'sinkhornDivergence', bad: 'x: rank 1', setup: () => ({ ...clouds(), v: tf.zeros([3]) }), call: (s: XY & { v: tf.Tensor }) => sinkhornDivergence(s.v as never, s.y, 0.1), throws: /sinkhornDivergence: x must be a 2-D tensor, got shape \[3\]/ });
add({ fn: 'sinkhornDivergence', bad: 'y: other width', setup: () => ({ ...clouds(), w: tf.zeros([2, 3]) }), call: (s: XY & { w: tf.Tensor }) => sinkhornDivergence(s.x, s.w as tf.Tensor2D, 0.1), throws: /sinkhornDivergence: y must be a 2-D tensor with 2 columns \(those of x\), got shape \[2, 3\]/ });
add({ fn: 'sinkhornDivergence', bad: 'x: int32', setup: () => ({ ...clouds(), i: tf.zeros([3, 2], 'int32') }), call: (s: XY & { i: tf.Tensor }) => sinkhornDivergence(s.i as tf.Tensor2D, s.y, 0.1), throws: /sinkhornDivergence: x must be a float32 tensor, got an int32 tensor/ });
add({ fn: 'sinkhornDivergence', bad: 'y: NaN (was reported as sinkhorn)', setup: () => ({ ...clouds(), nan: tf.tensor2d([0, Number.NaN, 1, 0], [2, 2]) }), call: (s: XY & { nan: tf.Tensor2D }) => sinkhornDivergence(s.x, s.nan, 0.1), throws: /sinkhornDivergence: y must be finite, got NaN at index 1/ });
add({ fn: 'sinkhornDivergence', bad: 'reg: NaN (was reported as sinkhorn)', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, Number.NaN), throws: /sinkhornDivergence: reg must be a finite number > 0, got NaN/ });
add({ fn: 'sinkhornDivergence', bad: 'options: unknown key', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, 0.1, { eps: 1 } as never), throws: /sinkhornDivergence: options has an unknown key 'eps'/ });
add({ fn: 'sinkhornDivergence', bad: 'options.returnPlan', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, 0.1, { returnPlan: true } as never), throws: /sinkhornDivergence: options has an unknown key 'returnPlan'/ });
add({ fn: 'sinkhornDivergence', bad: 'options.maxIterations: 1e9', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, 0.1, { maxIterations: 1e9 }), throws: /sinkhornDivergence: options.maxIterations must be a positive integer <= 10000000/ });
add({ fn: 'sinkhornDivergence', bad: 'options.a: wrong length', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, 0.1, { a: [0.5, 0.5] }), throws: /sinkhornDivergence: options.a must be a 1-D array of 3 weights \(rows of x\), got shape \[2\]/ });
add({ fn: 'sinkhornDivergence', bad: 'options.b: negative weight', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, 0.1, { b: [1.5, -0.5] }), throws: /sinkhornDivergence: options.b must hold finite weights > 0, got -0.5 at index 1/ });
add({ fn: 'sinkhornDivergence', bad: 'options.a: other mass than the uniform b', setup: clouds, call: (s: XY) => sinkhornDivergence(s.x, s.y, 0.1, { a: [1, 1, 1] }), throws: /sinkhornDivergence: a and b must have the same total mass, got 3 and 1/ });
add({ fn: 'squaredDistances', bad: "x: 'abc'", setup: clouds, call: (s: XY) => squaredDistances('abc' as never, s.y), throws: /squaredDistances: x must be a float32 tensor, got 'abc'/ });
add({ fn: 'squaredDistances', bad: 'x: a nested array', setup: clouds, call: (s: XY) => squaredDistances([[0, 0]] as never, s.y), throws: /squaredDistances: x must be a float32 tensor, got an array of length 1/ });
add({ fn: 'squaredDistances', bad: 'y: other width', setup: () => ({ ...clouds(), w: tf.zeros([2, 3]) }), call: (s: XY & { w: tf.Tensor }) => squaredDistances(s.x, s.w as tf.Tensor2D), throws: /squaredDistances: y must be a 2-D tensor with 2 columns/ });
add({ fn: 'squaredDistances', bad: 'y: rank 3', setup: () => ({ ...clouds(), w: tf.zeros([1, 2, 2]) }), call: (s: XY & { w: tf.Tensor }) => squaredDistances(s.x, s.w as tf.Tensor2D), throws: /squaredDistances: y must be a 2-D tensor, got shape \[1, 2, 2\]/ });

// --- sinkhornF64 -----------------------------------------------------------------------------------------------
const Cf = Float64Array.from([0, 1, 1, 0]);
const skf = (over: Record<string, unknown>) => () => sinkhornF64(w2, w2, Cf, 0.1, over as never);
add({ fn: 'sinkhornF64', bad: 'a: null', call: () => sinkhornF64(null as never, w2, Cf, 0.1), throws: /sinkhornF64: a must be an array of numbers, got null/ });
add({ fn: 'sinkhornF64', bad: "M: 'abcd'", call: () => sinkhornF64(w2, w2, 'abcd' as never, 0.1), throws: /sinkhornF64: M must be an array of numbers, got 'abcd'/ });
add({ fn: 'sinkhornF64', bad: 'M: wrong length', call: () => sinkhornF64(w2, w2, [0, 1, 1], 0.1), throws: /sinkhornF64: M must have a.length\*b.length = 4 entries, got 3/ });
add({ fn: 'sinkhornF64', bad: 'M: Infinity', call: () => sinkhornF64(w2, w2, [0, Infinity, 1, 0], 0.1), throws: /sinkhornF64: M must be finite, got Infinity at \(0, 1\)/ });
add({ fn: 'sinkhornF64', bad: 'b: NaN weight', call: () => sinkhornF64(w2, [Number.NaN, 1], Cf, 0.1), throws: /sinkhornF64: b must hold finite weights > 0, got NaN at index 0/ });
add({ fn: 'sinkhornF64', bad: 'reg: 0', call: () => sinkhornF64(w2, w2, Cf, 0), throws: /sinkhornF64: reg must be a finite number > 0, got 0/ });
for (const [label, over, re] of [
  ['init.f: NaN', { init: { f: Float64Array.of(Number.NaN, 0) } }, /sinkhornF64: init.f must be finite, got NaN at index 0/],
  ["init.g: 'ab'", { init: { g: 'ab' } }, /sinkhornF64: init.g must be an array of numbers, got 'ab'/],
  ['init.f: wrong length', { init: { f: Float64Array.of(0) } }, /sinkhornF64: init.f must have length 2, got 1/],
  ["options: unknown key (kernel is the tensor solver's)", { kernel: 'fused' }, /sinkhornF64: options has an unknown key 'kernel'/],
] as const) add({ fn: 'sinkhornF64', bad: label, call: skf(over), throws: re });
add({
  fn: 'sinkhornF64', bad: 'valid options converge', accepts: 'maxIterations 50, checkEvery 1, relativeEpsilon max are valid',
  call: () => { if (!sinkhornF64(w2, w2, Cf, 0.1, { maxIterations: 50, checkEvery: 1, relativeEpsilon: 'max' }).converged) throw new Error('sinkhornF64: did not converge'); },
});

// --- params: getParams, setParams, cloneModel, interpolate, interpolateParams, paramKeys -----------------------
for (const [fn, f] of [['getParams', (m: unknown) => getParams(m as never)], ['paramKeys', (m: unknown) => paramKeys(m as never)], ['sequentialPermutationSpec', (m: unknown) => sequentialPermutationSpec(m as never)], ['cloneModel', (m: unknown) => cloneModel(m as never)]] as const) {
  add({ fn, bad: 'model: null', call: () => f(null), throws: new RegExp(`${fn}: model must be a tfjs-layers LayersModel, got null`) });
  add({ fn, bad: 'model: {} (not a model)', call: () => f({}), throws: new RegExp(`${fn}: model must be a tfjs-layers LayersModel, got an object`) });
}
add({ fn: 'sequentialPermutationSpec', bad: 'model without a Dense layer', setup: () => tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 2] })] }), call: (m) => sequentialPermutationSpec(m), throws: /sequentialPermutationSpec: model has no Dense or Conv2D layer/ });
const withParams = (edit: (p: Params) => unknown) => withModel((n) => ({ bad: edit(n.pa) as Params }));
type WP = N & { bad: Params };
for (const [fn, f] of [['setParams', (s: WP) => setParams(s.A, s.bad)], ['cloneModel', (s: WP) => cloneModel(s.A, s.bad)]] as const) {
  add({ fn, bad: 'params: null', setup: withParams(() => null), call: f, throws: new RegExp(`${fn}: params must be a Params record`) });
  add({ fn, bad: "params: missing '1/bias' (cloneModel leaked the clone's 4 variables)", setup: withParams((p) => { delete p['1/bias']; return p; }), call: f, throws: new RegExp(`${fn}: params is missing '1/bias'`) });
  add({ fn, bad: "params['0/kernel']: wrong shape", setup: withParams((p) => ({ ...p, '0/kernel': { shape: [4, 3], values: p['0/kernel']!.values } })), call: f, throws: new RegExp(`${fn}: params\\['0/kernel'\\] must have shape \\[3,4\\], got \\[4,3\\]`) });
  add({ fn, bad: "params['1/kernel'].values: too short (tfjs error; earlier layers' tensors leaked)", setup: withParams((p) => ({ ...p, '1/kernel': { shape: [4, 2], values: new Float32Array(7) } })), call: f, throws: new RegExp(`${fn}: params\\['1/kernel'\\].values must be a Float32Array of 8 values, got length 7`) });
  add({ fn, bad: "params['0/bias'].values: NaN", setup: withParams((p) => ({ ...p, '0/bias': { shape: [4], values: Float32Array.of(0, Number.NaN, 0, 0) } })), call: f, throws: new RegExp(`${fn}: params\\['0/bias'\\].values must be finite, got NaN at index 1`) });
  add({ fn, bad: "params['0/bias'].values: a number[]", setup: withParams((p) => ({ ...p, '0/bias': { shape: [4], values: [0, 0, 0, 0] } })), call: f, throws: new RegExp(`${fn}: params\\['0/bias'\\].values must be a Float32Array of 4 values`) });
}
add({ fn: 'setParams', bad: 'model: null', setup: nets, call: (n: N) => setParams(null as never, n.pa), throws: /setParams: model must be a tfjs-layers LayersModel, got null/ });
add({ fn: 'interpolate', bad: 't: NaN (was reported as interpolateParams)', setup: nets, call: (n: N) => interpolate(n.A, n.B, Number.NaN), throws: /interpolate: t must be finite, got NaN/ });
add({ fn: 'interpolate', bad: "t: '0.5'", setup: nets, call: (n: N) => interpolate(n.A, n.B, '0.5' as never), throws: /interpolate: t must be finite, got 0.5/ });
add({ fn: 'interpolate', bad: 'B: other architecture', setup: withModel(() => ({ C: mlp([3, 5, 2], 4) })), call: (n: N & { C: tfl.Sequential }) => interpolate(n.A, n.C, 0.5), throws: /interpolate: B must have A's architecture/ });
add({ fn: 'interpolate', bad: 'A: undefined', setup: nets, call: (n: N) => interpolate(undefined as never, n.B, 0.5), throws: /interpolate: A must be a tfjs-layers LayersModel, got undefined/ });
add({ fn: 'interpolate', bad: 't: 2 (extrapolation)', setup: nets, call: (n: N) => interpolate(n.A, n.B, 2), accepts: 'any finite t is allowed: t outside [0, 1] extrapolates along the line' });
add({ fn: 'interpolateParams', bad: 'A: null', setup: nets, call: (n: N) => interpolateParams(null as never, n.pb, 0.5), throws: /interpolateParams: A must be a Params record, got null/ });
add({ fn: 'interpolateParams', bad: "B: missing '0/kernel'", setup: nets, call: (n: N) => interpolateParams(n.pa, { ...n.pb, '0/kernel': undefined } as never, 0.5), throws: /interpolateParams: B\['0\/kernel'\] must match A's shape \[3,4\], got nothing/ });
add({ fn: 'interpolateParams', bad: 't: Infinity', setup: nets, call: (n: N) => interpolateParams(n.pa, n.pb, Infinity), throws: /interpolateParams: t must be finite, got Infinity/ });

// --- permutation specs and permutations ----------------------------------------------------------------------
add({ fn: 'permToAxes', bad: 'spec: null', call: () => permToAxes(null as never), throws: /permToAxes: spec must be a PermutationSpec \{ perms, params \}, got null/ });
add({ fn: 'permToAxes', bad: 'spec.params names an undeclared permutation', call: () => permToAxes(badSpec({ params: { '0/kernel': { axes: [null, 'Q'] } } })), throws: /permToAxes: spec.params\['0\/kernel'\] names permutation 'Q', which spec.perms does not declare/ });
add({ fn: 'permToAxes', bad: 'spec.params[key].axes: missing', call: () => permToAxes(badSpec({ params: { '0/kernel': {} as never } })), throws: /permToAxes: spec.params\['0\/kernel'\].axes must be an array/ });
for (const [label, n] of [['1.5', 1.5], ['0', 0], ['1e10 (a hang / out of memory)', 1e10], ["'4'", '4']] as const) {
  add({ fn: 'identityPermutations', bad: `spec.perms.P0: ${label}`, call: () => identityPermutations(badSpec({ perms: { P0: n as number } })), throws: /identityPermutations: spec.perms\['P0'\] must be a positive integer <= 16777216/ });
  add({ fn: 'randomPermutations', bad: `spec.perms.P0: ${label}`, call: () => randomPermutations(badSpec({ perms: { P0: n as number } }), createRng(0)), throws: /randomPermutations: spec.perms\['P0'\] must be a positive integer <= 16777216/ });
}
add({ fn: 'randomPermutations', bad: 'rng: {}', call: () => randomPermutations(badSpec({}), {} as never), throws: /randomPermutations: rng must be an Rng from createRng \(gpu-kernels\), got an object/ });
add({ fn: 'randomPermutations', bad: 'rng: a seed number', call: () => randomPermutations(badSpec({}), 1 as never), throws: /randomPermutations: rng must be an Rng from createRng \(gpu-kernels\), got 1/ });
add({ fn: 'identityPermutations', bad: 'spec.perms: null', call: () => identityPermutations(badSpec({ perms: null as never })), throws: /identityPermutations: spec.perms must be an object of permutation sizes, got null/ });
const notPerms: [string, Int32Array][] = [['a repeated unit', perm(0, 0, 2, 3)], ['an out-of-range unit', perm(0, 1, 2, 4)], ['a negative unit', perm(0, -1, 2, 3)]];
for (const [what, P0] of notPerms) {
  add({ fn: 'permuteParams', bad: `perms.P0: ${what}`, setup: nets, call: (n: N) => permuteParams(n.pa, n.spec, { P0 }), throws: /permuteParams: perms\['P0'\] must be a permutation of 0..3/ });
  add({ fn: 'applyPermutation', bad: `perms.P0: ${what} (was reported as permuteParams)`, setup: nets, call: (n: N) => applyPermutation(n.A, n.spec, { P0 }), throws: /applyPermutation: perms\['P0'\] must be a permutation of 0..3/ });
  add({ fn: 'matchingObjective', bad: `perms.P0: ${what}`, setup: nets, call: (n: N) => matchingObjective(n.pa, n.pb, n.spec, { P0 }), throws: /matchingObjective: perms\['P0'\] must be a permutation of 0..3/ });
  add({ fn: 'weightMatching', bad: `options.init.P0: ${what}`, setup: nets, call: (n: N) => weightMatching(n.pa, n.pb, n.spec, { init: { P0 } }), throws: /weightMatching: options.init\['P0'\] must be a permutation of 0..3/ });
  add({ fn: 'invertPermutation', bad: `perm: ${what}`, call: () => invertPermutation(P0), throws: /invertPermutation: perm must be a permutation of 0..3/ });
  add({ fn: 'gatherAxis', bad: `perm: ${what}`, call: () => gatherAxis(new Float32Array(8), [2, 4], 1, P0), throws: /gatherAxis: perm must be a permutation of 0..3/ });
}
add({ fn: 'permuteParams', bad: 'perms.P0: wrong length', setup: nets, call: (n: N) => permuteParams(n.pa, n.spec, { P0: perm(0, 1, 2) }), throws: /permuteParams: perms\['P0'\] must have length 4, got 3/ });
add({ fn: 'permuteParams', bad: 'perms: an undeclared name', setup: nets, call: (n: N) => permuteParams(n.pa, n.spec, { Q: perm(0) }), throws: /permuteParams: perms has 'Q', which the spec does not declare/ });
add({ fn: 'permuteParams', bad: 'perms: null', setup: nets, call: (n: N) => permuteParams(n.pa, n.spec, null as never), throws: /permuteParams: perms must be an object of permutations, got null/ });
add({ fn: 'permuteParams', bad: 'params: null', setup: nets, call: (n: N) => permuteParams(null as never, n.spec, {}), throws: /permuteParams: params must be a Params record, got null/ });
add({ fn: 'permuteParams', bad: 'spec: undefined', setup: nets, call: (n: N) => permuteParams(n.pa, undefined as never, {}), throws: /permuteParams: spec must be a PermutationSpec/ });
add({ fn: 'permuteParams', bad: "spec.params['0/kernel'].view: wrong size", setup: nets, call: (n: N) => permuteParams(n.pa, { ...n.spec, params: { ...n.spec.params, '0/kernel': { view: [2, 4], axes: [null, 'P0'] } } }, { P0: perm(3, 2, 1, 0) }), throws: /permuteParams: spec.params\['0\/kernel'\] view \[2,4\] must hold the parameter's 12 values, got 8/ });
add({ fn: 'permuteParams', bad: 'perms: a number[] permutation', setup: nets, call: (n: N) => permuteParams(n.pa, n.spec, { P0: [3, 1, 0, 2] as never }), accepts: 'a plain array holding a permutation is a permutation' });
add({
  fn: 'permuteParams', bad: 'a valid permutation keeps every value', setup: nets, accepts: 'valid permutations still pass',
  call: (n: N) => { if (permuteParams(n.pa, n.spec, { P0: perm(3, 1, 0, 2) })['0/kernel']!.values.length !== 12) throw new Error('permuteParams: lost values'); },
});
add({ fn: 'applyPermutation', bad: 'model: null', setup: nets, call: (n: N) => applyPermutation(null as never, n.spec, {}), throws: /applyPermutation: model must be a tfjs-layers LayersModel, got null/ });
add({ fn: 'invertPermutation', bad: "perm: 'abc'", call: () => invertPermutation('abc' as never), throws: /invertPermutation: perm must be an Int32Array permutation, got 'abc'/ });
add({ fn: 'invertPermutation', bad: 'perm: [0, 1.5]', call: () => invertPermutation([0, 1.5] as never), throws: /invertPermutation: perm must be a permutation of 0..1, got 1.5 at index 1/ });
add({
  fn: 'invertPermutation', bad: 'perm: [2, 0, 1] inverts to [1, 2, 0]', accepts: 'a valid permutation',
  call: () => { if (invertPermutation(perm(2, 0, 1)).join() !== '1,2,0') throw new Error('invertPermutation: wrong inverse'); },
});
add({ fn: 'gatherAxis', bad: 'values: shorter than the view (read past the end)', call: () => gatherAxis(new Float32Array(6), [2, 4], 1, perm(0, 1, 2, 3)), throws: /gatherAxis: values must hold 8 values \(the product of view \[2,4\]\), got 6/ });
add({ fn: 'gatherAxis', bad: 'axis: 2 (out of range)', call: () => gatherAxis(new Float32Array(8), [2, 4], 2, perm(0, 1)), throws: /gatherAxis: axis must be a non-negative integer <= 1, got 2/ });
add({ fn: 'gatherAxis', bad: 'axis: 0.5', call: () => gatherAxis(new Float32Array(8), [2, 4], 0.5, perm(0, 1)), throws: /gatherAxis: axis must be a non-negative integer <= 1, got 0.5/ });
add({ fn: 'gatherAxis', bad: 'view: [2.5, 4]', call: () => gatherAxis(new Float32Array(10), [2.5, 4], 1, perm(0, 1, 2, 3)), throws: /gatherAxis: view must be an array of non-negative integers, got an array of length 2/ });
add({ fn: 'gatherAxis', bad: 'values: a number[]', call: () => gatherAxis([0, 1] as never, [2], 0, perm(1, 0)), throws: /gatherAxis: values must be a Float32Array, got an array of length 2/ });
add({ fn: 'gatherAxis', bad: 'perm: wrong length', call: () => gatherAxis(new Float32Array(8), [2, 4], 1, perm(0, 1)), throws: /gatherAxis: perm must have length 4 \(axis 1 of \[2,4\]\)/ });

// --- weight matching -------------------------------------------------------------------------------------------
const wm = (over: Record<string, unknown>) => (n: N) => weightMatching(n.pa, n.pb, n.spec, over as never);
for (const [label, over, re] of [
  ['maxSweeps: 0', { maxSweeps: 0 }, /weightMatching: options.maxSweeps must be a positive integer, got 0/],
  ['seed: 1.5', { seed: 1.5 }, /weightMatching: options.seed must be a non-negative integer, got 1.5/],
  ['seed: -1', { seed: -1 }, /weightMatching: options.seed must be a non-negative integer, got -1/],
  ['seed: 2^64', { seed: 2 ** 64 }, /weightMatching: options.seed must be a non-negative integer/],
  ["seed: '7'", { seed: '7' }, /weightMatching: options.seed must be a non-negative integer, got '7'/],
  ['options: unknown key', { sweeps: 3 }, /weightMatching: options has an unknown key 'sweeps'/],
] as const) add({ fn: 'weightMatching', bad: label, setup: nets, call: wm(over), throws: re });
add({ fn: 'weightMatching', bad: 'maxSweeps: 1e9', setup: nets, call: wm({ maxSweeps: 1e9 }), accepts: 'coordinate descent stops after a sweep without strict improvement (the objective takes finitely many values), so a large cap never runs long' });
add({ fn: 'weightMatching', bad: "A['0/kernel']: NaN (was reported as linearSumAssignment)", setup: nets, call: (n: N) => weightMatching({ ...n.pa, '0/kernel': { shape: [3, 4], values: new Float32Array(12).fill(Number.NaN) } }, n.pb, n.spec), throws: /weightMatching: A\['0\/kernel'\].values must be finite, got NaN at index 0/ });
add({ fn: 'weightMatching', bad: "B: missing '1/kernel' (TypeError)", setup: nets, call: (n: N) => weightMatching(n.pa, { ...n.pb, '1/kernel': undefined } as never, n.spec), throws: /weightMatching: parameter '1\/kernel' of the spec is missing from B/ });
add({ fn: 'weightMatching', bad: "B['0/kernel']: other shape", setup: nets, call: (n: N) => weightMatching(n.pa, { ...n.pb, '0/kernel': { shape: [4, 4], values: new Float32Array(16) } }, n.spec), throws: /weightMatching: spec.params\['0\/kernel'\] view \[4,4\] must hold|weightMatching: B\['0\/kernel'\] must have A's shape/ });
add({ fn: 'weightMatching', bad: 'spec: null', setup: nets, call: (n: N) => weightMatching(n.pa, n.pb, null as never), throws: /weightMatching: spec must be a PermutationSpec/ });
add({
  fn: 'weightMatching', bad: 'options.init: an identity (valid)', setup: nets, accepts: 'identity permutations are a valid start',
  call: (n: N) => { if (weightMatching(n.pa, n.pb, n.spec, { init: identityPermutations(n.spec) }).perms.P0!.length !== 4) throw new Error('weightMatching: wrong permutation size'); },
});
add({ fn: 'matchingObjective', bad: 'A: null', setup: nets, call: (n: N) => matchingObjective(null as never, n.pb, n.spec, {}), throws: /matchingObjective: A must be a Params record, got null/ });
add({ fn: 'matchingObjective', bad: "A: missing '0/bias'", setup: nets, call: (n: N) => matchingObjective({ ...n.pa, '0/bias': undefined } as never, n.pb, n.spec, {}), throws: /matchingObjective: parameter '0\/bias' of the spec is missing from A/ });
const lw = (over: Record<string, unknown>) => (n: N) => layerwiseOTAlignment(n.pa, n.pb, n.spec, over as never);
for (const [label, over, re] of [
  ["cost: 'manhattan'", { cost: 'manhattan' }, /layerwiseOTAlignment: options.cost must be 'euclidean' or 'covariance', got 'manhattan'/],
  ["bias: 'no'", { bias: 'no' }, /layerwiseOTAlignment: options.bias must be true or false/],
  ['options: unknown key', { moment: {} }, /layerwiseOTAlignment: options has an unknown key 'moment'/],
  ["cost 'covariance' without moments", { cost: 'covariance' }, /layerwiseOTAlignment: cost 'covariance' needs moments\['P0'\]/],
  ['moments: wrong size', { cost: 'covariance', moments: { P0: { dim: 2, data: new Float64Array(4) } } }, /layerwiseOTAlignment: moments\['P0'\] must be 4x4 for a kernel with bias, got 2x2/],
  ['moments.data: NaN', { cost: 'covariance', moments: { P0: { dim: 4, data: new Float64Array(16).fill(Number.NaN) } } }, /layerwiseOTAlignment: options.moments\['P0'\].data must be finite, got NaN at index 0/],
  ['moments: null', { moments: null }, /layerwiseOTAlignment: options.moments must be an object of InputMoment, got null/],
] as const) add({ fn: 'layerwiseOTAlignment', bad: label, setup: nets, call: lw(over), throws: re });
add({ fn: 'layerwiseOTAlignment', bad: "A: missing '0/kernel' (TypeError)", setup: nets, call: (n: N) => layerwiseOTAlignment({ ...n.pa, '0/kernel': undefined } as never, n.pb, n.spec), throws: /layerwiseOTAlignment: parameter '0\/kernel' of the spec is missing from A/ });
add({ fn: 'layerwiseOTAlignment', bad: "B['0/bias']: Infinity", setup: nets, call: (n: N) => layerwiseOTAlignment(n.pa, { ...n.pb, '0/bias': { shape: [4], values: Float32Array.of(0, Infinity, 0, 0) } }, n.spec), throws: /layerwiseOTAlignment: B\['0\/bias'\].values must be finite, got Infinity at index 1/ });

// --- activations, REPAIR, barrier ------------------------------------------------------------------------------
const wide = withModel(() => ({ w: tf.zeros([6, 5]) }));
type W = N & { w: tf.Tensor };
const nanX = withModel(() => ({ w: tf.fill([6, 3], Number.NaN) }));
const intX = withModel(() => ({ w: tf.zeros([6, 3], 'int32') }));
const other = withModel(() => ({ C: mlp([3, 5, 2], 4) }));
type O = N & { C: tfl.Sequential };
add({ fn: 'activationMatching', bad: 'x: wrong width', setup: wide, call: (s: W) => activationMatching(s.A, s.B, s.w, s.spec), throws: /activationMatching: x must have shape \[rows, 3\] \(the model's input\), got \[6,5\]/ });
add({ fn: 'activationMatching', bad: 'x: NaN (was reported as linearSumAssignment)', setup: nanX, call: (s: W) => activationMatching(s.A, s.B, s.w, s.spec), throws: /activationMatching: x must be finite, got NaN at index 0/ });
add({ fn: 'activationMatching', bad: 'x: int32', setup: intX, call: (s: W) => activationMatching(s.A, s.B, s.w, s.spec), throws: /activationMatching: x must be a float32 tensor, got dtype int32/ });
add({ fn: 'activationMatching', bad: 'x: a nested array', setup: nets, call: (n: N) => activationMatching(n.A, n.B, [[0, 0, 0]] as never, n.spec), throws: /activationMatching: x must be a float32 tensor, got object/ });
add({ fn: 'activationMatching', bad: 'B: other architecture', setup: other, call: (s: O) => activationMatching(s.A, s.C, s.x, s.spec), throws: /activationMatching: B must have A's architecture/ });
add({ fn: 'activationMatching', bad: 'A: null', setup: nets, call: (n: N) => activationMatching(null as never, n.B, n.x, n.spec), throws: /activationMatching: A must be a tfjs-layers LayersModel, got null/ });
add({ fn: 'activationMatching', bad: 'spec.layers: missing', setup: nets, call: (n: N) => activationMatching(n.A, n.B, n.x, { perms: n.spec.perms, params: n.spec.params }), throws: /activationMatching: spec.layers is missing/ });
add({ fn: 'activationMatching', bad: "options.method: 'pearson'", setup: nets, call: (n: N) => activationMatching(n.A, n.B, n.x, n.spec, { method: 'pearson' } as never), throws: /activationMatching: options.method must be 'crossMoment', 'covariance' or 'correlation', got 'pearson'/ });
add({ fn: 'layerInputMoments', bad: 'x: wrong width', setup: wide, call: (s: W) => layerInputMoments(s.A, s.w, s.spec), throws: /layerInputMoments: x must have shape \[rows, 3\]/ });
add({ fn: 'layerInputMoments', bad: 'x: NaN (silent NaN moments)', setup: nanX, call: (s: W) => layerInputMoments(s.A, s.w, s.spec), throws: /layerInputMoments: x must be finite, got NaN at index 0/ });
add({ fn: 'layerInputMoments', bad: 'x: zero rows', setup: withModel(() => ({ w: tf.zeros([0, 3]) })), call: (s: W) => layerInputMoments(s.A, s.w, s.spec), throws: /layerInputMoments: x must have at least one row/ });
add({ fn: 'layerInputMoments', bad: 'model: null', setup: nets, call: (n: N) => layerInputMoments(null as never, n.x, n.spec), throws: /layerInputMoments: model must be a tfjs-layers LayersModel, got null/ });
for (const t of [1.5, -0.1, Number.NaN, '0.5']) add({ fn: 'repair', bad: `t: ${String(t)}`, setup: nets, call: (n: N) => repair(n.A, n.B, t as number, n.x, n.spec), throws: /repair: t must be in \[0, 1\]/ });
add({ fn: 'repair', bad: 'x: wrong width', setup: wide, call: (s: W) => repair(s.A, s.B, 0.5, s.w, s.spec), throws: /repair: x must have shape \[rows, 3\]/ });
add({ fn: 'repair', bad: 'x: NaN (silent NaN weights)', setup: nanX, call: (s: W) => repair(s.A, s.B, 0.5, s.w, s.spec), throws: /repair: x must be finite, got NaN at index 0/ });
add({ fn: 'repair', bad: 'spec.layers: missing (was reported as repairParams)', setup: nets, call: (n: N) => repair(n.A, n.B, 0.5, n.x, { perms: n.spec.perms, params: n.spec.params }), throws: /repair: spec.layers is missing/ });
add({ fn: 'repair', bad: 'B: other architecture (was reported as interpolateParams)', setup: other, call: (s: O) => repair(s.A, s.C, 0.5, s.x, s.spec), throws: /repair: B must have A's architecture/ });
add({ fn: 'repairParams', bad: 'interp: null', setup: nets, call: (n: N) => repairParams(n.A, n.B, null as never, 0.5, n.x, n.spec), throws: /repairParams: interp must be a Params record .*, got null/ });
add({ fn: 'repairParams', bad: "interp: missing '0/bias' (was reported as setParams)", setup: nets, call: (n: N) => repairParams(n.A, n.B, { ...n.pa, '0/bias': undefined } as never, 0.5, n.x, n.spec), throws: /repairParams: interp is missing '0\/bias'/ });
add({ fn: 'repairParams', bad: 't: Infinity', setup: nets, call: (n: N) => repairParams(n.A, n.B, n.pa, Infinity, n.x, n.spec), throws: /repairParams: t must be in \[0, 1\], got Infinity/ });
add({ fn: 'repairParams', bad: 'spec: null', setup: nets, call: (n: N) => repairParams(n.A, n.B, n.pa, 0.5, n.x, null as never), throws: /repairParams: spec must be a PermutationSpec/ });

const lb = (over: Record<string, unknown>) => (n: N) => lossBarrier(n.A, n.B, { x: n.x, y: n.y }, over as never);
for (const [label, over, re] of [
  ['ts: unsorted', { ts: [0, 0.7, 0.3, 1] }, /lossBarrier: ts must increase strictly within \[0, 1\], got 0.3 after 0.7/],
  ['ts: 1.5 inside', { ts: [0, 1.5, 1] }, /lossBarrier: ts must increase strictly/],
  ['ts: a repeated point', { ts: [0, 0.5, 0.5, 1] }, /lossBarrier: ts must increase strictly/],
  ['ts: starts at -0.5', { ts: [-0.5, 1] }, /lossBarrier: ts must start at 0 and end at 1/],
  ["ts: 'all'", { ts: 'all' }, /lossBarrier: options.ts must be an array of 2 to 1001 points, got all/],
  ['ts: 1e5 points (a hang)', { ts: Array.from({ length: 100_001 }, (_, i) => i / 100_000) }, /lossBarrier: options.ts must be an array of 2 to 1001 points, got 100001 points/],
  ['batchSize: 0', { batchSize: 0 }, /lossBarrier: options.batchSize must be a positive integer, got 0/],
  ["outputs: 'logprobs'", { outputs: 'logprobs' }, /lossBarrier: options.outputs must be 'logits' or 'probabilities'/],
  ['options: unknown key', { steps: 3 }, /lossBarrier: options has an unknown key 'steps'/],
  ['repair: null', { repair: null }, /lossBarrier: options.repair must be \{ x, spec \}, got null/],
] as const) add({ fn: 'lossBarrier', bad: label, setup: nets, call: lb(over), throws: re });
add({ fn: 'lossBarrier', bad: 'repair.x: wrong width', setup: wide, call: (s: W) => lossBarrier(s.A, s.B, { x: s.x, y: s.y }, { repair: { x: s.w, spec: s.spec } }), throws: /lossBarrier: options.repair.x must have shape \[rows, 3\]/ });
add({ fn: 'lossBarrier', bad: 'repair.spec.layers: missing (was reported mid-run as repairParams)', setup: nets, call: (n: N) => lossBarrier(n.A, n.B, { x: n.x, y: n.y }, { repair: { x: n.x, spec: { perms: n.spec.perms, params: n.spec.params } } }), throws: /lossBarrier: options.repair.spec.layers is missing/ });
add({ fn: 'lossBarrier', bad: 'repair.x: NaN', setup: nanX, call: (s: W) => lossBarrier(s.A, s.B, { x: s.x, y: s.y }, { ts: [0, 0.5, 1], repair: { x: s.w, spec: s.spec } }), throws: /lossBarrier: x must be finite, got NaN at index 0/ });
add({ fn: 'lossBarrier', bad: 'B: other architecture (was reported as interpolateParams)', setup: other, call: (s: O) => lossBarrier(s.A, s.C, { x: s.x, y: s.y }), throws: /lossBarrier: B must have A's architecture/ });
add({ fn: 'lossBarrier', bad: 'B: null', setup: nets, call: (n: N) => lossBarrier(n.A, null as never, { x: n.x, y: n.y }), throws: /lossBarrier: B must be a tfjs-layers LayersModel, got null/ });
const labels = (y: () => tf.Tensor) => withModel(() => ({ w: y() }));
for (const [label, y] of [['label 2 of 2 classes', () => tf.tensor1d([0, 1, 0, 1, 1, 2], 'int32')], ['label 0.5', () => tf.tensor1d([0, 1, 0, 1, 1, 0.5])], ['label -1', () => tf.tensor1d([0, 1, 0, 1, 1, -1], 'int32')]] as const) {
  add({ fn: 'lossBarrier', bad: `data.y: ${label}`, setup: labels(y), call: (s: W) => lossBarrier(s.A, s.B, { x: s.x, y: s.w }), throws: /lossBarrier: data.y must hold integer class labels in \[0, 2\)/ });
}
add({ fn: 'lossBarrier', bad: 'data.y: rows not summing to 1', setup: labels(() => tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1, 0.5, 0.2, 1, 0], [6, 2])), call: (s: W) => lossBarrier(s.A, s.B, { x: s.x, y: s.w }), throws: /lossBarrier: data.y rows must sum to 1, got 0.7\d* at row 4/ });
add({ fn: 'lossBarrier', bad: 'data.x: zero rows (all-NaN losses)', setup: withModel(() => ({ w: tf.zeros([0, 3]), e: tf.zeros([0], 'int32') })), call: (s: W & { e: tf.Tensor }) => lossBarrier(s.A, s.B, { x: s.w, y: s.e }), throws: /lossBarrier: data.x must have at least one row/ });
add({ fn: 'lossBarrier', bad: 'data.x: NaN', setup: nanX, call: (s: W) => lossBarrier(s.A, s.B, { x: s.w, y: s.y }), throws: /lossBarrier: data.x must be finite, got NaN at index 0/ });
add({ fn: 'lossBarrier', bad: 'data.x: wrong width', setup: wide, call: (s: W) => lossBarrier(s.A, s.B, { x: s.w, y: s.y }), throws: /lossBarrier: data.x must have shape \[rows, 3\] \(the model's input\), got \[6,5\]/ });
add({ fn: 'lossBarrier', bad: 'data: null', setup: nets, call: (n: N) => lossBarrier(n.A, n.B, null as never), throws: /lossBarrier: data must be \{ x: Tensor, y: Tensor \}/ });
add({
  fn: 'lossBarrier', bad: "B's weights: NaN", setup: nets,
  call: async (n: N) => {
    tf.tidy(() => n.B.layers[0]!.setWeights([tf.fill([3, 4], Number.NaN), tf.zeros([4])]));
    return lossBarrier(n.A, n.B, { x: n.x, y: n.y });
  },
  throws: /lossBarrier: B's weight '0\/kernel' must be finite, got NaN/,
});
add({
  fn: 'lossBarrier', bad: 'valid data gives a finite barrier', setup: nets, accepts: 'the happy path still works after the checks',
  call: async (n: N) => { if (!(await lossBarrier(n.A, n.B, { x: n.x, y: n.y }, { ts: [0, 0.5, 1] })).loss.every(Number.isFinite)) throw new Error('lossBarrier: non-finite loss'); },
});
add({ fn: 'evaluate', bad: 'data.y: fewer rows than x', setup: labels(() => tf.tensor1d([0, 1])), call: (s: W) => evaluate(s.A, { x: s.x, y: s.w }), throws: /evaluate: data.y must have 6 rows/ });
add({ fn: 'evaluate', bad: 'data.x: NaN', setup: nanX, call: (s: W) => evaluate(s.A, { x: s.w, y: s.y }), throws: /evaluate: data.x must be finite/ });
add({ fn: 'evaluate', bad: 'model: null', setup: nets, call: (n: N) => evaluate(null as never, { x: n.x, y: n.y }), throws: /evaluate: model must be a tfjs-layers LayersModel, got null/ });
add({ fn: 'evaluate', bad: 'options.batchSize: 1.5', setup: nets, call: (n: N) => evaluate(n.A, { x: n.x, y: n.y }, { batchSize: 1.5 }), throws: /evaluate: options.batchSize must be a positive integer, got 1.5/ });
add({ fn: 'evaluate', bad: 'options: unknown key (ts is lossBarrier\'s)', setup: nets, call: (n: N) => evaluate(n.A, { x: n.x, y: n.y }, { ts: [0, 1] } as never), throws: /evaluate: options has an unknown key 'ts'/ });

// --- dimensions ------------------------------------------------------------------------------------------------
add({ fn: 'approximateDimension', bad: 'S: NaN (returned NaN)', call: () => approximateDimension(2, [1, 0, 0, Number.NaN]), throws: /approximateDimension: S must be finite, got NaN at index 3/ });
add({ fn: 'approximateDimension', bad: 'n: NaN', call: () => approximateDimension(Number.NaN, []), throws: /approximateDimension: n must be a non-negative integer, got NaN/ });
add({ fn: 'approximateDimension', bad: 'S: null', call: () => approximateDimension(1, null as never), throws: /approximateDimension: S must be an array of numbers, got null/ });
add({ fn: 'approximateDimension', bad: 'S: wrong size', call: () => approximateDimension(2, [1, 0, 0]), throws: /approximateDimension: S must be 2x2 \(4 values\), got 3/ });
add({ fn: 'weightSupportDimension', bad: 'rows: 1.5', call: () => weightSupportDimension(1.5, 2, [1, 2, 3]), throws: /weightSupportDimension: rows must be a non-negative integer, got 1.5/ });
add({ fn: 'weightSupportDimension', bad: 'W: Infinity', call: () => weightSupportDimension(1, 2, [1, Infinity]), throws: /weightSupportDimension: W must be finite, got Infinity at index 1/ });
add({ fn: 'weightSupportDimension', bad: 'W: wrong size', call: () => weightSupportDimension(2, 2, [1, 2, 3]), throws: /weightSupportDimension: W must have rows\*cols = 4 values, got 3/ });
add({ fn: 'layerDimensions', bad: "params: missing '0/kernel'", setup: nets, call: (n: N) => layerDimensions({}, n.spec), throws: /layerDimensions: params is missing '0\/kernel'/ });
add({ fn: 'layerDimensions', bad: 'params: null', setup: nets, call: (n: N) => layerDimensions(null as never, n.spec), throws: /layerDimensions: params must be a Params record, got null/ });
add({ fn: 'layerDimensions', bad: 'spec: null', setup: nets, call: (n: N) => layerDimensions(n.pa, null as never), throws: /layerDimensions: spec must be a PermutationSpec/ });
add({ fn: 'layerDimensions', bad: "params['0/kernel']: NaN", setup: nets, call: (n: N) => layerDimensions({ ...n.pa, '0/kernel': { shape: [3, 4], values: new Float32Array(12).fill(Number.NaN) } }, n.spec), throws: /layerDimensions: params\['0\/kernel'\].values must be finite, got NaN at index 0/ });

export { cases };
