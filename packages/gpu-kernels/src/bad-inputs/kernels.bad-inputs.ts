/**
 * Bad-input table of gpu-kernels' kernels, RNG and validation exports (run by kernels.bad-inputs.test.ts through
 * the harness in ../testing/bad-input.ts). Backend selection and elementwiseRule have their owners' tables.
 */
import * as tf from '@tensorflow/tfjs-core';
import { innerProduct, pairwiseSqDist } from '../kernels/pairwise/index';
import { logSumExp } from '../kernels/log-sum-exp/index';
import { gumbelMaxSelect } from '../kernels/gumbel-max-select/index';
import { randomGumbel, randomNormal, randomUniform } from '../kernels/random/index';
import { sinkhornHalfStep, sinkhornIterations, sinkhornMarginalError, sinkhornPlan } from '../kernels/sinkhorn/index';
import { runWGSL } from '../kernels/run-wgsl/index';
import { createRng } from '../rng/rng';
import { keyFromSeed, philoxWords } from '../rng/philox';
import { expectOptions, expectSeed, toFloatTensor } from '../validate/index';
import type { BadInputCase } from '../testing/bad-input';

const SEEDS: [string, unknown][] = [['1.5', 1.5], ['-1', -1], ['2^64', 2 ** 64], ['NaN', Number.NaN], ["'7'", '7'], ['Infinity', Infinity]];
const STREAMS: [string, unknown][] = [['1.5', 1.5], ['-1', -1], ['2^32', 2 ** 32], ['NaN', Number.NaN], ["'a'", 'a']];

const C43 = () => ({ C: tf.zeros([4, 3]), f: tf.zeros([4]), g: tf.zeros([3]), logA: tf.fill([4], Math.log(1 / 4)), logB: tf.fill([3], Math.log(1 / 3)) });
type S = ReturnType<typeof C43>;

const cases: BadInputCase<never>[] = [];
const add = <A>(c: BadInputCase<A>) => cases.push(c as unknown as BadInputCase<never>);

// pairwiseSqDist / innerProduct: a string, a ragged array, wrong ranks and widths, int32.
for (const [fn, op] of [['pairwiseSqDist', pairwiseSqDist], ['innerProduct', innerProduct]] as const) {
  add({ fn, bad: "y: 'abc' (leaked the converted x before)", call: () => op([[1, 2]], 'abc' as never), throws: /y must be a float32 tensor or nested number array, got 'abc'/ });
  add({ fn, bad: 'x: ragged array', call: () => op([[1, 2], [3]], [[1, 2]]), throws: /x must be a float32 tensor or rectangular nested number array/ });
  add({ fn, bad: 'x: rank 1', setup: () => tf.zeros([3]), call: (x) => op(x, x), throws: /x must be a tensor of rank >= 2/ });
  add({ fn, bad: 'y: other width', setup: () => [tf.zeros([3, 2]), tf.zeros([4, 3])] as const, call: ([x, y]) => op(x, y), throws: /y must be a tensor with 2 features/ });
  add({ fn, bad: 'x: int32', setup: () => tf.zeros([2, 2], 'int32'), call: (x) => op(x, [[1, 2]]), throws: /x must be a float32 tensor, got an int32 tensor/ });
  add({ fn, bad: 'x: disposed tensor', setup: () => { const t = tf.zeros([2, 2]); t.dispose(); return t; }, call: (x) => op(x, [[1, 2]]), throws: /x must be a live float32 tensor, got a disposed tensor/ });
  add({ fn, bad: 'x: [0, 2] (empty)', setup: () => tf.zeros([0, 2]), call: (x) => op(x, [[1, 2]]), accepts: 'no points gives an empty [0, m] matrix' });
}

// logSumExp
add({ fn: 'logSumExp', bad: 'x: rank 1', call: () => logSumExp([1, 2, 3]), throws: /logSumExp: x must be a 2-D tensor, got shape \[3\]/ });
add({ fn: 'logSumExp', bad: 'opts.axis: 2', call: () => logSumExp([[1]], { axis: 2 as 0 }), throws: /opts.axis must be 0, 1 or -1, got 2/ });
add({ fn: 'logSumExp', bad: 'opts: unknown key', call: () => logSumExp([[1]], { axes: 1 } as never), throws: /opts has an unknown key 'axes'/ });
add({ fn: 'logSumExp', bad: 'x: [2, 0]', setup: () => tf.zeros([2, 0]), call: (x) => logSumExp(x), throws: /x must be a tensor with a non-empty axis 1/ });
add({ fn: 'logSumExp', bad: 'x: a string', call: () => logSumExp('x' as never), throws: /x must be a float32 tensor or nested number array, got 'x'/ });

// gumbelMaxSelect
for (const [label, seed] of SEEDS) add({ fn: 'gumbelMaxSelect', bad: `seed: ${label}`, call: () => gumbelMaxSelect([[0, 1]], seed as number), throws: /gumbelMaxSelect: seed must be a safe non-negative integer/ });
for (const [label, stream] of STREAMS) add({ fn: 'gumbelMaxSelect', bad: `opts.stream: ${label}`, call: () => gumbelMaxSelect([[0, 1]], 1, { stream: stream as number }), throws: /opts.stream must be an integer in \[0, 2\^32\)/ });
add({ fn: 'gumbelMaxSelect', bad: 'scores: [3, 0]', setup: () => tf.zeros([3, 0]), call: (x) => gumbelMaxSelect(x, 1), throws: /scores must be a \[groups, candidates\] tensor with at least one candidate/ });

// random tensors
for (const [fn, op] of [['randomUniform', randomUniform], ['randomNormal', randomNormal], ['randomGumbel', randomGumbel]] as const) {
  for (const [label, seed] of SEEDS) add({ fn, bad: `seed: ${label}`, call: () => op([2], seed as number), throws: new RegExp(`${fn}: seed must be a safe non-negative integer`) });
  for (const [label, stream] of STREAMS) add({ fn, bad: `opts.stream: ${label}`, call: () => op([2], 0, { stream: stream as number }), throws: /opts.stream must be an integer in \[0, 2\^32\)/ });
  add({ fn, bad: 'shape: [2.5]', call: () => op([2.5], 0), throws: /shape must be an array of non-negative integers/ });
  add({ fn, bad: 'shape: [-1]', call: () => op([-1], 0), throws: /shape must be an array of non-negative integers/ });
  add({ fn, bad: "shape: '3'", call: () => op('3' as never, 0), throws: /shape must be an array of non-negative integers, got '3'/ });
  add({ fn, bad: 'shape: 2^35 elements', call: () => op([2 ** 20, 2 ** 15], 0), throws: /shape must be a shape of fewer than 2\^34 elements/ });
  add({ fn, bad: 'opts: unknown key', call: () => op([2], 0, { strem: 1 } as never), throws: /opts has an unknown key 'strem'/ });
}

// createRng, keyFromSeed, philoxWords
for (const [label, seed] of SEEDS) {
  add({ fn: 'createRng', bad: `seed: ${label}`, call: () => createRng(seed as number), throws: /createRng: seed must be a safe non-negative integer/ });
  add({ fn: 'keyFromSeed', bad: `seed: ${label}`, call: () => keyFromSeed(seed as number), throws: /keyFromSeed: seed must be a safe non-negative integer/ });
}
for (const [label, stream] of STREAMS) {
  add({ fn: 'createRng', bad: `stream: ${label}`, call: () => createRng(0, stream as number), throws: /createRng: stream must be an integer in \[0, 2\^32\)/ });
  add({ fn: 'philoxWords', bad: `stream: ${label}`, call: () => philoxWords([0, 0], 4, stream as number), throws: /philoxWords: stream must be an integer in \[0, 2\^32\)/ });
  add({ fn: 'rng.fork', bad: `id: ${label}`, call: () => createRng(0).fork(stream as number), throws: /rng.fork: id must be an integer in \[0, 2\^32\)/ });
}
add({ fn: 'philoxWords', bad: 'key: [1.5, 0]', call: () => philoxWords([1.5, 0], 4), throws: /philoxWords: key must be a \[uint32, uint32\] pair/ });
add({ fn: 'philoxWords', bad: 'n: -1', call: () => philoxWords([0, 0], -1), throws: /philoxWords: n must be a non-negative integer/ });
add({ fn: 'rng.int', bad: 'n: 0', call: () => createRng(0).int(0), throws: /rng.int: n must be a positive integer, got 0/ });
add({ fn: 'rng.uniformArray', bad: 'n: NaN', call: () => createRng(0).uniformArray(Number.NaN), throws: /rng.uniformArray: n must be a non-negative integer/ });
add({ fn: 'rng.normalArray', bad: 'n: 1e12', call: () => createRng(0).normalArray(1e12), throws: /rng.normalArray: n must be a non-negative integer <= 2147483648/ });

// sinkhornHalfStep
add({ fn: 'sinkhornHalfStep', bad: "axis: 'x'", setup: C43, call: (s: S) => sinkhornHalfStep({ C: s.C, potential: s.g, logMarginal: s.logA, eps: 1, axis: 'x' as 'rows' }), throws: /axis must be 'rows' or 'cols', got 'x'/ });
for (const eps of [0, -1, Number.NaN, Infinity]) {
  add({ fn: 'sinkhornHalfStep', bad: `eps: ${eps}`, setup: C43, call: (s: S) => sinkhornHalfStep({ C: s.C, potential: s.g, logMarginal: s.logA, eps, axis: 'rows' }), throws: /eps must be a finite number > 0/ });
}
add({ fn: 'sinkhornHalfStep', bad: 'potential: wrong length (array, converted then rejected)', setup: C43, call: (s: S) => sinkhornHalfStep({ C: s.C, potential: [0, 0], logMarginal: s.logA, eps: 1, axis: 'rows' }), throws: /potential must be a 1-D tensor of length 3/ });
add({ fn: 'sinkhornHalfStep', bad: 'C: [0, 3]', setup: () => tf.zeros([0, 3]), call: (C) => sinkhornHalfStep({ C, potential: [0, 0, 0], logMarginal: [], eps: 1, axis: 'rows' }), throws: /C must be a non-empty \[n, m\] tensor/ });
add({ fn: 'sinkhornHalfStep', bad: 'args: unknown key', setup: C43, call: (s: S) => sinkhornHalfStep({ C: s.C, potential: s.g, logMarginal: s.logA, eps: 1, axis: 'rows', epsilon: 1 } as never), throws: /args has an unknown key 'epsilon'/ });

// sinkhornIterations: everything checked under the caller's names before anything is allocated.
const it = (s: S, over: Record<string, unknown>) => sinkhornIterations({ C: s.C, logA: s.logA, logB: s.logB, eps: 0.5, iterations: 2, ...over } as never);
for (const iterations of [0, 1.5, -1, Number.NaN, 1e9, '3']) {
  add({ fn: 'sinkhornIterations', bad: `iterations: ${String(iterations)}`, setup: C43, call: (s: S) => it(s, { iterations }), throws: /sinkhornIterations: iterations must be a positive integer <= 10000000/ });
}
add({ fn: 'sinkhornIterations', bad: 'eps: 0', setup: C43, call: (s: S) => it(s, { eps: 0 }), throws: /sinkhornIterations: eps must be a finite number > 0/ });
add({ fn: 'sinkhornIterations', bad: 'logA: wrong length', setup: C43, call: (s: S) => it(s, { logA: s.logB }), throws: /sinkhornIterations: logA must be a 1-D float32 tensor of length 4 \(rows of C\), got shape \[3\]/ });
add({ fn: 'sinkhornIterations', bad: 'logB: an array', setup: C43, call: (s: S) => it(s, { logB: [0, 0, 0] }), throws: /sinkhornIterations: logB must be a float32 tensor, got an array of length 3/ });
add({ fn: 'sinkhornIterations', bad: 'f: wrong length', setup: C43, call: (s: S) => it(s, { f: s.g }), throws: /sinkhornIterations: f must be a 1-D float32 tensor of length 4/ });
add({ fn: 'sinkhornIterations', bad: 'g: wrong length', setup: C43, call: (s: S) => it(s, { g: s.f }), throws: /sinkhornIterations: g must be a 1-D float32 tensor of length 3/ });
add({ fn: 'sinkhornIterations', bad: 'C: rank 1', setup: C43, call: (s: S) => it(s, { C: s.f }), throws: /sinkhornIterations: C must be a 2-D tensor/ });
add({ fn: 'sinkhornIterations', bad: 'args: unknown key', setup: C43, call: (s: S) => it(s, { maxIterations: 3 }), throws: /sinkhornIterations: args has an unknown key 'maxIterations'/ });

// sinkhornMarginalError / sinkhornPlan
add({ fn: 'sinkhornMarginalError', bad: 'f: wrong length', setup: C43, call: (s: S) => sinkhornMarginalError({ C: s.C, f: s.g, g: s.g, logMarginal: s.logA, eps: 1 }), throws: /sinkhornMarginalError: f must be a 1-D tensor of length 4/ });
add({ fn: 'sinkhornMarginalError', bad: 'g: wrong length', setup: C43, call: (s: S) => sinkhornMarginalError({ C: s.C, f: s.f, g: s.f, logMarginal: s.logA, eps: 1 }), throws: /sinkhornMarginalError: g must be a 1-D tensor of length 3/ });
add({ fn: 'sinkhornMarginalError', bad: "axis: 'both'", setup: C43, call: (s: S) => sinkhornMarginalError({ C: s.C, f: s.f, g: s.g, logMarginal: s.logA, eps: 1, axis: 'both' as 'rows' }), throws: /axis must be 'rows' or 'cols'/ });
add({ fn: 'sinkhornPlan', bad: 'g: wrong length', setup: C43, call: (s: S) => sinkhornPlan({ C: s.C, f: s.f, g: s.f, eps: 1 }), throws: /sinkhornPlan: g must be a 1-D tensor of length 3/ });
add({ fn: 'sinkhornPlan', bad: 'C: an array', setup: C43, call: (s: S) => sinkhornPlan({ C: [[0]] as never, f: s.f, g: s.g, eps: 1 }), throws: /sinkhornPlan: C must be a float32 tensor, got an array/ });

// runWGSL: argument errors read the same on every backend (checked before the backend).
add({ fn: 'runWGSL', bad: 'key: empty', call: () => runWGSL({ key: '', code: 'fn main() {}', bindings: [], workgroups: [1] }), throws: /runWGSL: key must be a non-empty string/ });
add({ fn: 'runWGSL', bad: 'workgroups: [0]', call: () => runWGSL({ key: 'k', code: 'fn main() {}', bindings: [], workgroups: [0] }), throws: /runWGSL: workgroups must be \[x, y\?, z\?\] with integers in 1..65535/ });
add({ fn: 'runWGSL', bad: 'bindings[0].access', setup: () => tf.zeros([1]), call: (t) => runWGSL({ key: 'k', code: 'fn main() {}', bindings: [{ tensor: t, access: 'write' as 'read' }], workgroups: [1] }), throws: /bindings\[0\].access must be 'read' or 'read_write'/ });

// The validation module itself.
add({ fn: 'expectSeed', bad: 'value 2^53', call: () => expectSeed('expectSeed', 'seed', 2 ** 53), throws: /expectSeed: seed must be a safe non-negative integer/ });
add({ fn: 'expectOptions', bad: 'an array', call: () => expectOptions('expectOptions', 'opts', [] as never, []), throws: /expectOptions: opts must be an options object, got an array/ });
add({ fn: 'toFloatTensor', bad: 'a boolean array', call: () => toFloatTensor('toFloatTensor', 'x', [true]), throws: /toFloatTensor: x must be a float32 tensor or rectangular nested number array, got an array of length 1/ });

export { cases };
