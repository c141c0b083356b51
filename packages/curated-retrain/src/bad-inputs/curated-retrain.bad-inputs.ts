/**
 * Bad-input table of curated-retrain's exports (run by curated-retrain.bad-inputs.test.ts through the harness in
 * @lemma/gpu-kernels/testing, on cpu and wasm in a child process). One argument made bad at a time; every case must
 * throw an error naming the function and the argument, or be a documented acceptance, and leave no tensor behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import type { BadInputCase } from '@lemma/gpu-kernels/testing';
import { bestOfKSelect, globalSoftmaxSelect, luceSelect } from '../curation';
import { luceSelectTensor } from '../curation-tensor';
import { entropy, expectation, klDivergence, variance } from '../discrete';
import { luceH, luceHBradleyTerry, luceHLimit, multinomialTermCount } from '../luce';
import { checkBinning, computeIterationMetrics, gridBinningFor, histogram, type MetricsInput } from '../metrics';
import { categoricalModel } from '../models/categorical';
import { flowMatchingModel } from '../models/flow-matching';
import { gaussianModel } from '../models/gaussian';
import { gaussianMixtureModel } from '../models/gmm';
import { bestOfKStep, curatedStep, infiniteKFixedPoint, iteratePopulation, MAX_POPULATION_CELLS, mixedStep, topLevelLimit } from '../population';
import { retrain, type RetrainOptions } from '../retrain';
import { concatSamples, selectRows, toSamples, type Samples } from '../samples';
import { sinkhornDistance } from '../sinkhorn-distance';
import { slicedWasserstein, wasserstein1dPow } from '../wasserstein';

const cases: BadInputCase<never>[] = [];
const add = <A>(c: BadInputCase<A>) => cases.push(c as unknown as BadInputCase<never>);
/** Adds one case per [label, call, pattern] row for `fn`. */
const rows = (fn: string, list: [string, () => unknown, RegExp][]) => list.forEach(([bad, call, throws]) => add({ fn, bad, call, throws }));

const p = [0.5, 0.5];
const r = [0, 1];
const rng = () => createRng(1);
const pts = toSamples([[0, 0], [1, 1], [2, 0]]);
const reward = (x: Samples) => new Float64Array(x.n);
const gmm = () => gaussianMixtureModel({ dim: 2, components: 1, seed: 0 });
const SEEDS: [string, unknown][] = [['1.5', 1.5], ['-1', -1], ['2^64', 2 ** 64], ['NaN', Number.NaN], ["'7'", '7']];

// --- Luce factor and the exact population updates --------------------------------------------------------------
rows('luceH', [
  ['K: 0', () => luceH(p, r, { K: 0 }), /luceH: K must be an integer >= 1 or Infinity, got 0/],
  ['K: 1.5', () => luceH(p, r, { K: 1.5 }), /luceH: K must be/],
  ["K: '2'", () => luceH(p, r, { K: '2' as never }), /luceH: K must be an integer >= 1 or Infinity, got string/],
  ['p: NaN', () => luceH([Number.NaN, 1], r, { K: 2 }), /luceH: p must be non-negative and finite, got NaN at index 0/],
  ["p: 'ab'", () => luceH('ab' as never, r, { K: 2 }), /luceH: p must be an array of numbers/],
  ['p: sums to 2', () => luceH([1, 1], r, { K: 2 }), /luceH: p must sum to 1/],
  ['r: wrong length', () => luceH(p, [1], { K: 2 }), /luceH: r must have length 2/],
  ['r: Infinity', () => luceH(p, [0, Infinity], { K: 2 }), /luceH: r must be finite/],
  ['beta: -1', () => luceH(p, r, { K: 2, beta: -1 }), /luceH: beta must be a finite number >= 0, got -1/],
  ['options: unknown key', () => luceH(p, r, { K: 2, gamma: 5 } as never), /luceH: options has an unknown key 'gamma'; known keys: K, beta, method, maxMultinomialTerms, quadratureStep/],
  ['options: null', () => luceH(p, r, null as never), /luceH: options must be an options object, got null/],
  ["method: 'exact'", () => luceH(p, r, { K: 2, method: 'exact' as never }), /luceH: method must be 'auto', 'multinomial' or 'quadrature', got exact/],
  ['maxMultinomialTerms: 0', () => luceH(p, r, { K: 2, maxMultinomialTerms: 0 }), /luceH: maxMultinomialTerms must be an integer in \[1, 5000000\] \(each count vector is stored\), got 0/],
  ['maxMultinomialTerms: 1e12 (enumerated ~1e12 terms)', () => luceH([0.25, 0.25, 0.25, 0.25], [0, 1, 2, 3], { K: 1e4, maxMultinomialTerms: 1e12 }), /luceH: maxMultinomialTerms must be an integer in \[1, 5000000\]/],
  ['quadratureStep: NaN', () => luceH(p, r, { K: 2, quadratureStep: Number.NaN }), /luceH: quadratureStep must be in \(0, 1\], got NaN/],
  ['quadratureStep: 1e-9 (a 5e10-point grid)', () => luceH(p, r, { K: 1e6, quadratureStep: 1e-9 }), /luceH: quadratureStep 1e-9 with beta·\(reward range\) = 1.00 needs a grid of/],
  ['beta: 1e10 (a 1e11-point grid: invalid typed array length)', () => luceH(p, r, { K: 1e6, beta: 1e10 }), /luceH: quadratureStep 0.1 with beta·\(reward range\) = 1.00e\+10 needs a grid of/],
  ["method 'multinomial' with K = 1e9 over 3 levels", () => luceH([0.2, 0.3, 0.5], [0, 1, 2], { K: 1e9, method: 'multinomial' }), /luceH: method 'multinomial' would enumerate/],
  ["method 'multinomial' with K = 3 over 2000 levels (2e6 count vectors × 2000 levels: tens of seconds)", () => { const n = 2000; return luceH(new Array<number>(n).fill(1 / n), Array.from({ length: n }, (_, i) => i / n), { K: 3, method: 'multinomial' }); }, /luceH: method 'multinomial' would sum 2001000 count vectors over 2000 reward levels/],
  ['20000 reward levels with K = 2 (stack overflow in the enumeration)', () => { const n = 20000; return luceH(new Array<number>(n).fill(1 / n), Array.from({ length: n }, (_, i) => i / n), { K: 2, method: 'multinomial' }); }, /luceH: method 'multinomial' would enumerate 20000 count vectors \(K=2, 20000 reward levels; at most 5000000 terms over 2000 levels\)/],
]);
add({ fn: 'luceH', bad: 'K: 1e9 on one reward level (an 8 GB table and a 1e9-step loop)', call: () => luceH([1], [0], { K: 1e9 }), accepts: 'a single reward level gives H ≡ 1 at once, whatever K' });
add({
  fn: 'luceH', bad: '20000 reward levels with K = 2, method auto', accepts: "auto falls back to the quadrature past 2000 levels instead of overflowing the stack",
  call: () => { const n = 20000; const H = luceH(new Array<number>(n).fill(1 / n), Array.from({ length: n }, (_, i) => i / n), { K: 2 }); if (!(H[n - 1]! > 1 && H[0]! < 1)) throw new Error('luceH: wrong H'); },
});
rows('luceHLimit', [
  ['beta: NaN', () => luceHLimit(p, r, Number.NaN), /luceHLimit: beta must be a finite number >= 0, got NaN/],
  ["beta: '1'", () => luceHLimit(p, r, '1' as never), /luceHLimit: beta must be a finite number >= 0, got string/],
  ['r: NaN', () => luceHLimit(p, [0, Number.NaN]), /luceHLimit: r must be finite/],
]);
rows('luceHBradleyTerry', [
  ['p: sums to 1.1', () => luceHBradleyTerry([0.5, 0.6], r), /luceHBradleyTerry: p must sum to 1/],
  ['p: empty', () => luceHBradleyTerry([], []), /luceHBradleyTerry: p must be a non-empty probability vector/],
]);
rows('multinomialTermCount', [
  ['levels: 0', () => multinomialTermCount(0, 3), /multinomialTermCount: levels must be an integer >= 1, got 0/],
  ['K: -1', () => multinomialTermCount(3, -1), /multinomialTermCount: K must be an integer >= 1, got -1/],
  ['K: Infinity', () => multinomialTermCount(3, Infinity), /multinomialTermCount: K must be an integer >= 1, got Infinity/],
]);
add({
  fn: 'multinomialTermCount', bad: 'levels = K = 2^52 (a 2^52-step loop)', accepts: 'the count overflows to Infinity within ~1100 steps and is returned as Infinity',
  call: () => { if (multinomialTermCount(2 ** 52, 2 ** 52) !== Infinity) throw new Error('multinomialTermCount: expected Infinity'); },
});
rows('curatedStep', [
  ["operator: 'max'", () => curatedStep(p, r, { K: 2, operator: 'max' as never }), /curatedStep: operator must be 'luce' or 'best-of-k', got max/],
  ['options: unknown key', () => curatedStep(p, r, { K: 2, iterations: 3 } as never), /curatedStep: options has an unknown key 'iterations'; known keys: K, beta, operator, method/],
  ['options: null', () => curatedStep(p, r, null as never), /curatedStep: options must be an options object/],
  ['K: 0 (was reported as luceH)', () => curatedStep(p, r, { K: 0 }), /curatedStep: K must be an integer >= 1 or Infinity, got 0/],
  ['r: wrong length (was reported as luceH)', () => curatedStep(p, [1], { K: 2 }), /curatedStep: r must have length 2/],
  ["method: 'exact' (was reported as luceH)", () => curatedStep(p, r, { K: 2, method: 'exact' as never }), /curatedStep: method must be/],
  ["operator 'best-of-k' with K: Infinity (was reported as bestOfKStep)", () => curatedStep(p, r, { K: Infinity, operator: 'best-of-k' }), /curatedStep: K must be an integer >= 1, got Infinity/],
  ['beta: NaN', () => curatedStep(p, r, { K: 2, beta: Number.NaN }), /curatedStep: beta must be a finite number >= 0, got NaN/],
]);
rows('mixedStep', [
  ['syntheticToRealRatio: -1', () => mixedStep(p, p, r, { K: 2, syntheticToRealRatio: -1 }), /mixedStep: syntheticToRealRatio must be a number in \[0, Infinity\]/],
  ['syntheticToRealRatio: NaN', () => mixedStep(p, p, r, { K: 2, syntheticToRealRatio: Number.NaN }), /mixedStep: syntheticToRealRatio must be a number in \[0, Infinity\]/],
  ['pData: wrong length', () => mixedStep(p, [1], r, { K: 2, syntheticToRealRatio: 1 }), /mixedStep: p must have length 1/],
  ['K: 0 (was reported as luceH)', () => mixedStep(p, p, r, { K: 0, syntheticToRealRatio: 1 }), /mixedStep: K must be an integer >= 1 or Infinity, got 0/],
  ["operator: 'max' (was reported as curatedStep)", () => mixedStep(p, p, r, { K: 2, syntheticToRealRatio: 1, operator: 'max' as never }), /mixedStep: operator must be 'luce' or 'best-of-k'/],
]);
rows('bestOfKStep', [
  ['K: Infinity', () => bestOfKStep(p, r, Infinity), /bestOfKStep: K must be an integer >= 1, got Infinity/],
  ['r: NaN', () => bestOfKStep(p, [Number.NaN, 0], 2), /bestOfKStep: r must be finite/],
]);
rows('iteratePopulation', [
  ['iterations: 1e9 (a hang)', () => iteratePopulation(p, r, { K: 4, iterations: 1e9 }), /iteratePopulation: iterations must be an integer in \[0, \d+\]/],
  ['iterations: -1', () => iteratePopulation(p, r, { K: 4, iterations: -1 }), /iteratePopulation: iterations must be an integer in \[0, 25000000\] \(the result keeps all T \+ 1 distributions: iterations × 2 atoms must stay <= 50000000\), got -1/],
  ['iterations: 1.5', () => iteratePopulation(p, r, { K: 4, iterations: 1.5 }), /iteratePopulation: iterations must be an integer in \[0, 25000000\] .*, got 1.5/],
  ['pData: missing with a finite ratio', () => iteratePopulation(p, r, { K: 4, iterations: 2, syntheticToRealRatio: 1 }), /iteratePopulation: pData is required/],
  ['K: 0 with 0 iterations', () => iteratePopulation(p, r, { K: 0, iterations: 0 }), /iteratePopulation: K must be/],
  ['r: NaN', () => iteratePopulation(p, [0, Number.NaN], { K: 4, iterations: 2 }), /iteratePopulation: r must be finite/],
  ["method: 'exact' (was reported as luceH)", () => iteratePopulation(p, r, { K: 4, iterations: 2, method: 'exact' as never }), /iteratePopulation: method must be/],
  ["operator: 'max' (was reported as curatedStep)", () => iteratePopulation(p, r, { K: 4, iterations: 2, operator: 'max' as never }), /iteratePopulation: operator must be/],
  ['iterations: 1e5 with K = 20000 (a 20000-term sum per step: ~2 min under the cell cap)', () => iteratePopulation(p, r, { K: 20000, iterations: 1e5 }), /iteratePopulation: iterations must be an integer in \[0, \d+\] \(a call may do 1e\+9 work units, about 10 s, and one step here costs about [^:]+: luce multinomial sum of 20000 terms, K=20000, 2 reward levels; for a longer trajectory, call again from the last distribution\), got 100000/],
  ['iterations: 1e7 with K = 1e6 (the quadrature every step: ~15 min under the cell cap)', () => iteratePopulation(p, r, { K: 1e6, iterations: 1e7 }), /iteratePopulation: iterations must be an integer in \[0, \d+\] \(a call may do 1e\+9 work units.*luce quadrature on \d+ points, K=1000000, 2 reward levels/],
  ['iterations: 2e7 with K = Infinity (~2 min of cheap steps under the cell cap)', () => iteratePopulation(p, r, { K: Infinity, iterations: 2e7 }), /iteratePopulation: iterations must be an integer in \[0, \d+\] \(a call may do 1e\+9 work units.*luce, K = Infinity/],
  ['iterations × 1000 atoms past the cell cap', () => { const n = 1000; return iteratePopulation(new Array<number>(n).fill(1 / n), Array.from({ length: n }, (_, i) => i / n), { K: 2, iterations: MAX_POPULATION_CELLS / n + 1 }); }, /iteratePopulation: iterations must be an integer in \[0, 50000\] \(the result keeps all T \+ 1 distributions: iterations × 1000 atoms must stay <= 50000000\)/],
]);
rows('topLevelLimit', [['r: NaN', () => topLevelLimit(p, [Number.NaN, 0]), /topLevelLimit: r must be finite/]]);
rows('infiniteKFixedPoint', [
  ['syntheticToRealRatio: Infinity', () => infiniteKFixedPoint(p, r, { syntheticToRealRatio: Infinity }), /infiniteKFixedPoint: syntheticToRealRatio must be finite/],
  ['options: unknown key', () => infiniteKFixedPoint(p, r, { syntheticToRealRatio: 1, K: 3 } as never), /infiniteKFixedPoint: options has an unknown key 'K'; known keys: syntheticToRealRatio, beta/],
  ['beta: -2', () => infiniteKFixedPoint(p, r, { syntheticToRealRatio: 1, beta: -2 }), /infiniteKFixedPoint: beta must be a finite number >= 0, got -2/],
]);
rows('klDivergence', [
  ['q: not a distribution', () => klDivergence(p, [2, -1]), /klDivergence: q must be non-negative/],
  ['p: NaN', () => klDivergence([Number.NaN, 1], p), /klDivergence: p must/],
  ['q: other length', () => klDivergence(p, [1]), /klDivergence: q must have length 2/],
]);
rows('entropy', [['p: sums to 0.4', () => entropy([0.2, 0.2]), /entropy: p must sum to 1/]]);
rows('expectation', [['f: NaN', () => expectation(p, [1, Number.NaN]), /expectation: f must be finite/]]);
rows('variance', [
  ['f: wrong length (was reported as expectation)', () => variance(p, [1]), /variance: f must have length 2/],
  ['p: null', () => variance(null as never, [1]), /variance: p must be an array of numbers, got null/],
]);

// --- curation operators ------------------------------------------------------------------------------------
rows('luceSelect', [
  ['K: 0', () => luceSelect([1, 2], 0, rng()), /luceSelect: K must be an integer >= 1, got 0/],
  ['scores: not whole groups', () => luceSelect([1, 2, 3], 2, rng()), /luceSelect: scores must hold whole groups of K=2 candidates, got length 3/],
  ['scores: NaN', () => luceSelect([1, Number.NaN], 2, rng()), /luceSelect: rewards must be finite, got NaN at candidate 1/],
  ['rng: {}', () => luceSelect([1, 2], 2, {} as never), /luceSelect: rng must be an Rng from createRng \(gpu-kernels\), got object/],
  ['rng: a seed number', () => luceSelect([1, 2], 2, 7 as never), /luceSelect: rng must be an Rng from createRng \(gpu-kernels\), got 7/],
  ["sampler: 'cdf'", () => luceSelect([1, 2], 2, rng(), 1, 'cdf' as never), /luceSelect: sampler must be 'gumbel' or 'inverse-cdf', got cdf/],
  ['beta: Infinity', () => luceSelect([1, 2], 2, rng(), Infinity), /luceSelect: beta must be a finite number >= 0, got Infinity/],
]);
add({ fn: 'luceSelect', bad: "K: 1e12 on an empty pool, 'inverse-cdf' (an 8 TB buffer)", call: () => luceSelect([], 1e12, rng(), 1, 'inverse-cdf'), accepts: 'an empty pool has no groups: nothing is drawn and nothing K-sized is allocated' });
rows('bestOfKSelect', [
  ["scores: '12'", () => bestOfKSelect('12' as never, 2), /bestOfKSelect: scores must be an array of numbers/],
  ['K: 1.5', () => bestOfKSelect([1, 2, 3], 1.5), /bestOfKSelect: K must be an integer >= 1, got 1.5/],
]);
rows('globalSoftmaxSelect', [
  ['m: past the pool size', () => globalSoftmaxSelect([1, 2], 3, rng()), /globalSoftmaxSelect: m must be <= the pool size 2, got 3/],
  ['m: -1', () => globalSoftmaxSelect([1, 2], -1, rng()), /globalSoftmaxSelect: m must be an integer >= 0, got -1/],
  ['rng: null', () => globalSoftmaxSelect([1, 2], 1, null as never), /globalSoftmaxSelect: rng must be an Rng from createRng \(gpu-kernels\), got null/],
]);
const scores4 = () => tf.tensor1d([1, 2, 3, 4]);
for (const [label, over, re] of [
  ['K: 3 (not whole groups)', { K: 3, seed: 0 }, /luceSelectTensor: scores must hold whole groups of K=3 candidates, got 4 values/],
  ['options: unknown key', { K: 2, seed: 0, kernel: 'gpu' }, /luceSelectTensor: options has an unknown key 'kernel'; known keys: K, beta, seed, stream/],
  ['stream: 0.5', { K: 2, seed: 0, stream: 0.5 }, /luceSelectTensor: stream must be an integer in \[0, 2\^32\), got 0.5/],
  ['stream: 2^32 (was reported as gumbelMaxSelect)', { K: 2, seed: 0, stream: 2 ** 32 }, /luceSelectTensor: stream must be an integer in \[0, 2\^32\), got 4294967296/],
  ["stream: 'a'", { K: 2, seed: 0, stream: 'a' }, /luceSelectTensor: stream must be an integer in \[0, 2\^32\), got 'a' \(a string\)/],
  ['beta: NaN', { K: 2, seed: 0, beta: Number.NaN }, /luceSelectTensor: beta must be a finite number >= 0, got NaN/],
  ...SEEDS.map(([l, seed]) => [`seed: ${l}`, { K: 2, seed }, /luceSelectTensor: seed must be a safe non-negative integer/] as const),
] as const) add({ fn: 'luceSelectTensor', bad: label, setup: scores4, call: (s) => luceSelectTensor(s, over as never), throws: re });
add({ fn: 'luceSelectTensor', bad: 'scores: NaN array', call: () => luceSelectTensor([1, Number.NaN], { K: 2, seed: 0 }), throws: /luceSelectTensor: scores must be finite, got NaN at index 1/ });
add({ fn: 'luceSelectTensor', bad: 'scores: int32 tensor', setup: () => tf.tensor1d([1, 2], 'int32'), call: (s) => luceSelectTensor(s, { K: 2, seed: 0 }), throws: /luceSelectTensor: scores must be a float32 tensor, got dtype int32/ });
add({ fn: 'luceSelectTensor', bad: 'scores: disposed tensor', setup: () => { const t = tf.tensor1d([1, 2]); t.dispose(); return t; }, call: (s) => luceSelectTensor(s, { K: 2, seed: 0 }), throws: /luceSelectTensor: scores is a disposed tensor/ });
add({ fn: 'luceSelectTensor', bad: 'scores: empty', call: () => luceSelectTensor([], { K: 2, seed: 0 }), throws: /luceSelectTensor: scores must hold at least one group of K=2 candidates, got 0 values/ });
add({ fn: 'luceSelectTensor', bad: 'scores: a NaN tensor', setup: () => tf.tensor1d([Number.NaN, 1]), call: (s) => luceSelectTensor(s, { K: 2, seed: 0 }), accepts: 'documented: device scores are not read back, so NaN scores pick an arbitrary (valid) index' });

// --- samples ---------------------------------------------------------------------------------------------------
rows('toSamples', [
  ['values: ragged rows', () => toSamples([[1, 2], [3]]), /toSamples: every row must have length 2 \(the first row's\), got length 1 at row 1/],
  ['values: a row that is a number', () => toSamples([[1, 2], 3 as never]), /toSamples: every row must have length 2/],
  ['values: NaN', () => toSamples([1, Number.NaN], 1), /toSamples: values must be finite, got NaN at index 1/],
  ['values: null (TypeError)', () => toSamples(null as never), /toSamples: values must be an array of numbers, got null/],
  ["values: 'abc'", () => toSamples('abc' as never), /toSamples: values must be an array of numbers, got string/],
  ['dim: 1.5', () => toSamples([1, 2, 3], 1.5), /toSamples: dim must be an integer >= 1, got 1.5/],
  ['dim: 2 with 3 values', () => toSamples([1, 2, 3], 2), /toSamples: values must have a length divisible by dim=2, got length 3/],
]);
rows('selectRows', [
  ['idx: out of range', () => selectRows(pts, [5]), /selectRows: idx must hold row indices in \[0, 2\], got 5 at position 0/],
  ['idx: 0.5', () => selectRows(pts, [0.5]), /selectRows: idx must hold row indices/],
  ['idx: 5 (a number: returned n = undefined)', () => selectRows(pts, 5 as never), /selectRows: idx must be an array of numbers, got 5/],
  ['s: null', () => selectRows(null as never, [0]), /selectRows: s must be Samples \{ n, dim, data: Float64Array \}/],
  ['s.data: shorter than n·dim', () => selectRows({ n: 3, dim: 2, data: new Float64Array(5) }, [0]), /selectRows: s.data must have length n·dim = 6, got 5/],
]);
rows('concatSamples', [
  ['parts: none', () => concatSamples(), /concatSamples: parts must hold at least one Samples, got none/],
  ['parts: other dims', () => concatSamples(pts, toSamples([1], 1)), /concatSamples: every part must have dim 2, got 1/],
  ['parts[1]: NaN data', () => concatSamples(pts, { n: 1, dim: 2, data: Float64Array.of(0, Number.NaN) }), /concatSamples: parts\[1\].data must be finite, got NaN at index 1/],
]);

// --- models ----------------------------------------------------------------------------------------------------
rows('categoricalModel', [
  ['probs: wrong length', () => categoricalModel({ numClasses: 3, probs: p }), /categoricalModel: probs must have length numClasses=3/],
  ['options: unknown key', () => categoricalModel({ numClasses: 3, seed: 1 } as never), /categoricalModel: options has an unknown key 'seed'; known keys: numClasses, probs/],
  ['numClasses: 1e10 (an 80 GB table)', () => categoricalModel({ numClasses: 1e10 }), /categoricalModel: numClasses must be an integer in \[1, 10000000\]/],
  ['numClasses: 0', () => categoricalModel({ numClasses: 0 }), /categoricalModel: numClasses must be an integer in \[1, 10000000\] \(one probability per class\), got 0/],
  ['sample n: 1e12 (RangeError from deep inside)', () => categoricalModel({ numClasses: 2 }).sample(1e12, rng()), /categoricalModel.sample: n must be an integer in \[0, 134217728\]/],
  ['sample rng: {} (TypeError mid-loop)', () => categoricalModel({ numClasses: 2 }).sample(2, {} as never), /categoricalModel.sample: rng must be an Rng from createRng/],
  ['fit: a class index out of range', () => categoricalModel({ numClasses: 2 }).fit(toSamples([0, 2], 1)), /categoricalModel.fit: samples must be class indices in \[0, 1\], got 2/],
]);
rows('gaussianModel', [
  ['covariance: NaN', () => gaussianModel({ dim: 1, covariance: [Number.NaN] }), /gaussianModel: covariance must be finite/],
  ['covariance: asymmetric', () => gaussianModel({ dim: 2, covariance: [1, 0.5, 0, 1] }), /gaussianModel: covariance must be symmetric/],
  ['covariance: negative diagonal', () => gaussianModel({ dim: 1, covariance: [-1] }), /gaussianModel: covariance must be positive semi-definite, got diagonal entry -1/],
  ['covariance: indefinite [[1, 2], [2, 1]] (sampled garbage)', () => gaussianModel({ dim: 2, covariance: [1, 2, 2, 1] }), /gaussianModel: covariance must be positive semi-definite, got a matrix with a negative eigenvalue/],
  ["covariance: 'ab'", () => gaussianModel({ dim: 1, covariance: 'a' as never }), /gaussianModel: covariance must be an array of numbers/],
  ['dim: 1e5 (a 1e10-entry covariance)', () => gaussianModel({ dim: 1e5 }), /gaussianModel: dim must be an integer in \[1, 1024\]/],
  ["variance: 'biased'", () => gaussianModel({ dim: 1, variance: 'biased' as never }), /gaussianModel: variance must be 'mle' or 'unbiased', got biased/],
  ['mean: wrong length', () => gaussianModel({ dim: 2, mean: [0] }), /gaussianModel: mean must have length dim=2, got 1/],
  ['sample rng: a seed number', () => gaussianModel({ dim: 1 }).sample(2, 3 as never), /gaussianModel.sample: rng must be an Rng from createRng \(gpu-kernels\), got 3/],
  ['sample n: 2^40', () => gaussianModel({ dim: 1 }).sample(2 ** 40, rng()), /gaussianModel.sample: n must be an integer in \[0, 134217728\]/],
  ['fit: unbiased with one sample', () => gaussianModel({ dim: 1, variance: 'unbiased' }).fit(toSamples([1], 1)), /gaussianModel.fit: the unbiased estimator needs n >= 2 samples, got n = 1/],
]);
add({ fn: 'gaussianModel', bad: 'covariance: singular PSD [[1, 1], [1, 1]]', call: () => gaussianModel({ dim: 2, covariance: [1, 1, 1, 1] }).sample(3, rng()), accepts: 'a collapsed (singular) covariance is PSD and samples on its line' });
for (const [l, seed] of SEEDS) add({ fn: 'gaussianMixtureModel', bad: `seed: ${l}`, call: () => gaussianMixtureModel({ dim: 2, components: 2, seed: seed as number }), throws: /gaussianMixtureModel: seed must be a safe non-negative integer/ });
rows('gaussianMixtureModel', [
  ['components: 0', () => gaussianMixtureModel({ dim: 2, components: 0, seed: 0 }), /gaussianMixtureModel: components must be an integer in \[1, 4194304\] \(components × dim² = components × 4 covariance entries must stay <= 2\^24\), got 0/],
  ['components: 1e9 (a 4e9-entry covariance array)', () => gaussianMixtureModel({ dim: 2, components: 1e9, seed: 0 }), /gaussianMixtureModel: components must be an integer in \[1, 4194304\]/],
  ['dim: 1e4', () => gaussianMixtureModel({ dim: 1e4, components: 1, seed: 0 }), /gaussianMixtureModel: dim must be an integer in \[1, 1024\]/],
  ['emIterations: 1e9 with tolerance 0 (a hang)', () => gaussianMixtureModel({ dim: 2, components: 1, seed: 0, emIterations: 1e9, tolerance: 0 }), /gaussianMixtureModel: emIterations must be an integer in \[1, 100000\]/],
  ['tolerance: -1', () => gaussianMixtureModel({ dim: 2, components: 1, seed: 0, tolerance: -1 }), /gaussianMixtureModel: tolerance must be a finite number >= 0, got -1/],
  ['fit: samples of another dim', () => gmm().fit(toSamples([1, 2], 1)), /gaussianMixtureModel.fit: samples must have dim 2/],
  ['sample n: -1', () => gmm().sample(-1, rng()), /gaussianMixtureModel.sample: n must be an integer in \[0, 67108864\] \(n × dim=2 values must stay <= 2\^27\), got -1/],
  ['sample rng: undefined', () => gmm().sample(2, undefined as never), /gaussianMixtureModel.sample: rng must be an Rng from createRng/],
  ['logProb: NaN points', () => gmm().logProb({ n: 1, dim: 2, data: Float64Array.of(Number.NaN, 0) }), /gaussianMixtureModel.logProb: x.data must be finite/],
]);
rows('flowMatchingModel', [
  ['seed: 1.5', () => flowMatchingModel({ seed: 1.5 }), /flowMatchingModel: seed must be a safe non-negative integer/],
  ['hidden: 0', () => flowMatchingModel({ seed: 0, hidden: 0 }), /flowMatchingModel: hidden must be an integer in \[1, 4096\] \(hidden × hidden weights per layer\), got 0/],
  ['hidden: 1e5 (out of memory after the first layers were made: leaked them)', () => flowMatchingModel({ seed: 0, hidden: 1e5 }), /flowMatchingModel: hidden must be an integer in \[1, 4096\]/],
  ['layers: 1e6', () => flowMatchingModel({ seed: 0, layers: 1e6 }), /flowMatchingModel: layers must be an integer in \[1, 64\]/],
  ['sampleSteps: 1e9 (a hang in sample)', () => flowMatchingModel({ seed: 0, sampleSteps: 1e9 }), /flowMatchingModel: sampleSteps must be an integer in \[1, 10000\]/],
  ['learningRate: 0', () => flowMatchingModel({ seed: 0, learningRate: 0 }), /flowMatchingModel: learningRate must be a finite number > 0, got 0/],
  ['options: unknown key', () => flowMatchingModel({ seed: 0, lr: 1 } as never), /flowMatchingModel: options has an unknown key 'lr'; known keys: dim, hidden, layers, /],
]);
add({
  fn: 'flowMatchingModel', bad: 'sample rng: {} and fit of the wrong dim, then dispose()', throws: /flowMatchingModel.sample: rng must be an Rng from createRng/,
  call: async () => {
    const m = flowMatchingModel({ seed: 0, hidden: 4, layers: 1, stepsPerFit: 2, batchSize: 4, sampleSteps: 2 });
    try {
      await m.fit(pts);
      await m.fit(toSamples([1, 2], 1)).then(() => { throw new Error('flowMatchingModel.fit: accepted dim 1'); }, (e: Error) => { if (!/flowMatchingModel.fit: samples must have dim 2/.test(e.message)) throw e; });
      return await m.sample(2, {} as never);
    } finally {
      m.dispose();
    }
  },
});
add({
  fn: 'flowMatchingModel', bad: 'fit, sample, dispose() (left 4 tensors behind)', accepts: 'dispose() frees every tensor the model made',
  call: async () => {
    const m = flowMatchingModel({ seed: 0, hidden: 8, layers: 1, stepsPerFit: 3, batchSize: 4, sampleSteps: 2 });
    await m.fit(pts);
    await m.sample(4, createRng(0));
    m.dispose();
  },
});

// --- metrics ---------------------------------------------------------------------------------------------------
rows('histogram', [
  ['binning.bins: NaN', () => histogram(pts, { kind: 'grid', lo: [0, 0], hi: [1, 1], bins: Number.NaN }), /histogram: binning.bins must be an integer in \[1, 3162\] \(bins\^dim cells must stay <= 1e7 at dim 2\), got NaN/],
  ['binning: lo >= hi', () => histogram(pts, { kind: 'grid', lo: [0, 1], hi: [1, 1], bins: 4 }), /histogram: binning needs finite lo\[k\] < hi\[k\] on every axis, got lo\[1\] = 1, hi\[1\] = 1/],
  ["binning.kind: 'hex'", () => histogram(pts, { kind: 'hex' } as never), /histogram: binning.kind must be 'categorical' or 'grid', got hex/],
  ['binning.bins: 1e7 in 2-D (1e14 cells)', () => histogram(pts, { kind: 'grid', lo: [0, 0], hi: [1, 1], bins: 1e7 }), /histogram: binning.bins must be an integer in \[1, 3162\]/],
  ['binning.numClasses: 1e9', () => histogram(toSamples([0], 1), { kind: 'categorical', numClasses: 1e9 }), /histogram: binning.numClasses must be an integer in \[1, 10000000\]/],
  ['pseudo: -1', () => histogram(pts, { kind: 'categorical', numClasses: 3 }, -1), /histogram: pseudo must be a finite number >= 0/],
  ['binning: null', () => histogram(pts, null as never), /histogram: binning must be a DensityBinning object, got null/],
]);
rows('gridBinningFor', [
  ['bins: 1e6', () => gridBinningFor(pts, 1e6), /gridBinningFor: bins must be an integer in \[1, 3162\]/],
  ['s: empty', () => gridBinningFor({ n: 0, dim: 2, data: new Float64Array(0) }, 4), /gridBinningFor: s must contain at least one point/],
]);
rows('checkBinning', [
  ['dim: NaN (skipped the bins cap)', () => checkBinning('checkBinning', { kind: 'grid', lo: [0], hi: [1], bins: 1e9 }, Number.NaN), /checkBinning: dim must be an integer >= 1, got NaN/],
  ['binning.lo: wrong length', () => checkBinning('checkBinning', { kind: 'grid', lo: [0], hi: [1, 1], bins: 4 }, 2), /checkBinning: binning.lo and binning.hi must be arrays of length dim=2, got 1 and 2/],
]);
const metricsInput = (): MetricsInput => ({
  iteration: 0, samples: pts, rewards: new Float64Array(3), beta: 1, binning: null, dataHistogram: null, initialHistogram: null,
  classes: null, numClasses: null, realData: null, projectionSeed: 1, curatedCount: 0, realCount: 0,
});
const cm = (over: Partial<Record<keyof MetricsInput, unknown>>) => () => computeIterationMetrics({ ...metricsInput(), ...over } as MetricsInput);
rows('computeIterationMetrics', [
  ['rewards: empty (NaN mean and quantiles)', cm({ rewards: new Float64Array(0) }), /computeIterationMetrics: m.rewards must have length 3 \(one reward per sample\), got length 0/],
  ['rewards: NaN', cm({ rewards: Float64Array.of(0, Number.NaN, 0) }), /computeIterationMetrics: m.rewards must be finite, got NaN at index 1/],
  ['rewards: a number[]', cm({ rewards: [0, 0, 0] }), /computeIterationMetrics: m.rewards must be a Float64Array/],
  ['samples: null', cm({ samples: null }), /computeIterationMetrics: m.samples must be Samples/],
  ['beta: NaN', cm({ beta: Number.NaN }), /computeIterationMetrics: beta must be a finite number >= 0, got NaN/],
  ['projectionSeed: 1.5', cm({ projectionSeed: 1.5 }), /computeIterationMetrics: m.projectionSeed must be a safe non-negative integer/],
  ['realData: other dim', cm({ realData: toSamples([1, 2], 1) }), /computeIterationMetrics: m.realData must have dim 2/],
  ['classes: without numClasses', cm({ classes: Int32Array.of(0, 1, 0) }), /computeIterationMetrics: m.numClasses must be an integer in \[1, 10000000\] \(one proportion per class\), got null/],
  ['classes: an index out of range', cm({ classes: Int32Array.of(0, 1, 5), numClasses: 2 }), /computeIterationMetrics: classify must return class indices in \[0, 1\], got 5/],
  ['dataHistogram: wrong length', cm({ binning: { kind: 'categorical', numClasses: 3 }, dataHistogram: Float64Array.of(0.5, 0.5) }), /computeIterationMetrics: m.dataHistogram must have length 3 \(one probability per bin\), got length 2/],
  ['dataHistogram: without binning', cm({ dataHistogram: Float64Array.of(1) }), /computeIterationMetrics: m.dataHistogram and m.initialHistogram need m.binning/],
  ['m: unknown key', cm({ seed: 1 } as never), /computeIterationMetrics: m has an unknown key 'seed'; known keys: iteration, samples, /],
  ['m.iteration: missing', () => { const m: Partial<MetricsInput> = metricsInput(); delete m.iteration; return computeIterationMetrics(m as MetricsInput); }, /computeIterationMetrics: m.iteration is required/],
]);

// --- distances -------------------------------------------------------------------------------------------------
rows('wasserstein1dPow', [
  ['a: NaN', () => wasserstein1dPow(Float64Array.of(Number.NaN), Float64Array.of(1)), /wasserstein1dPow: a must be finite/],
  ['p: 0.5', () => wasserstein1dPow(Float64Array.of(0), Float64Array.of(1), 0.5), /wasserstein1dPow: p must be a finite number >= 1, got 0.5/],
  ['a: a number[] [10, 9] (sorted as strings: wrong distance)', () => wasserstein1dPow([10, 9] as never, Float64Array.of(9, 10)), /wasserstein1dPow: a must be a Float64Array \(it is sorted in place\), got an array of length 2/],
  ['b: empty', () => wasserstein1dPow(Float64Array.of(1), new Float64Array(0)), /wasserstein1dPow: a and b must be non-empty/],
]);
rows('slicedWasserstein', [
  ['options.rng: {}', () => slicedWasserstein(pts, pts, {} as never), /slicedWasserstein: options.rng must be an Rng from createRng/],
  ['b: other dim', () => slicedWasserstein(pts, toSamples([1, 2], 1), { rng: rng() }), /slicedWasserstein: a and b must have the same dim, got 2 and 1/],
  ['projections: 1e9 (a hang)', () => slicedWasserstein(pts, pts, { rng: rng(), projections: 1e9 }), /slicedWasserstein: projections must be an integer in \[1, 100000\]/],
  ['projections: 0', () => slicedWasserstein(pts, pts, { rng: rng(), projections: 0 }), /slicedWasserstein: projections must be an integer in \[1, 100000\] \(Monte Carlo error ~ 1\/sqrt\(projections\)\), got 0/],
  ['p: Infinity', () => slicedWasserstein(pts, pts, { rng: rng(), p: Infinity }), /slicedWasserstein: p must be a finite number >= 1, got Infinity/],
  ['options: unknown key', () => slicedWasserstein(pts, pts, { rng: rng(), directions: 3 } as never), /slicedWasserstein: options has an unknown key 'directions'; known keys: projections, p, rng/],
]);
const sd = (a: unknown, b: unknown, o: unknown) => () => sinkhornDistance(a as Samples, b as Samples, o as never);
for (const [bad, call, re] of [
  ['options.iterations: 1e9 (leaked 5 tensors; reported as sinkhornIterations)', sd(pts, pts, { eps: 0.1, iterations: 1e9 }), /sinkhornDistance: iterations must be an integer in \[1, 10000000\]/],
  ['a.data: NaN (a NaN distance)', sd({ n: 1, dim: 2, data: Float64Array.of(Number.NaN, 0) }, pts, { eps: 0.1 }), /sinkhornDistance: a.data must be finite, got NaN at index 0/],
  ['a: null (TypeError)', sd(null, pts, { eps: 0.1 }), /sinkhornDistance: a must be Samples/],
  ['b.data: shorter than n·dim (tfjs error)', sd(pts, { n: 3, dim: 2, data: new Float64Array(4) }, { eps: 0.1 }), /sinkhornDistance: b.data must have length n·dim = 6, got 4/],
  ['options: unknown key', sd(pts, pts, { eps: 0.1, iters: 3 }), /sinkhornDistance: options has an unknown key 'iters'; known keys: eps, iterations/],
  ['options: undefined (TypeError)', sd(pts, pts, undefined), /sinkhornDistance: options must be an options object, got undefined/],
  ['eps: 0', sd(pts, pts, { eps: 0 }), /sinkhornDistance: eps must be a finite number > 0, got 0/],
  ['b: other dim', sd(pts, toSamples([1, 2], 1), { eps: 0.1 }), /sinkhornDistance: a and b must have the same dim, got 2 and 1/],
] as const) add({ fn: 'sinkhornDistance', bad, call, throws: re });

// --- the retraining loop ---------------------------------------------------------------------------------------
const base = (): RetrainOptions => ({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0 });
const rt = (over: Record<string, unknown>) => () => retrain({ ...base(), ...over } as RetrainOptions);
for (const [l, seed] of SEEDS) add({ fn: 'retrain', bad: `seed: ${l}`, call: rt({ seed }), throws: /retrain: seed must be a safe non-negative integer/ });
rows('retrain', [
  ['options: unknown key', rt({ gamma: 5 }), /retrain: options has an unknown key 'gamma'; known keys: model, realData, reward, K, /],
  ['K: 0', rt({ K: 0 }), /retrain: K must be an integer >= 1, got 0/],
  ['syntheticToRealRatio: NaN', rt({ syntheticToRealRatio: Number.NaN }), /retrain: syntheticToRealRatio must be a number in \[0, Infinity\]/],
  ['realData: other dim', rt({ realData: toSamples([1], 1) }), /retrain: realData must have dim 2/],
  ['binning.lo: wrong length', rt({ binning: { kind: 'grid', lo: [0], hi: [1], bins: 4 } }), /retrain: binning.lo and binning.hi must be arrays of length dim=2/],
  ['sinkhorn: unknown key', rt({ sinkhorn: { epsilon: 1 } }), /retrain: sinkhorn has an unknown key 'epsilon'; known keys: eps, points, iterations/],
  ['sinkhorn.iterations: 1e9 (reported mid-run as sinkhornIterations)', rt({ sinkhorn: { iterations: 1e9 } }), /retrain: sinkhorn.iterations must be an integer in \[1, 10000000\]/],
  ['reward: returns NaN', rt({ reward: (x: Samples) => new Float64Array(x.n).fill(Number.NaN) }), /retrain: reward returned NaN for point 0; rewards must be finite/],
  ['reward: returns the wrong length', rt({ reward: () => new Float64Array(1) }), /retrain: reward must return one value per point/],
  ['reward: not a function', rt({ reward: 3 }), /retrain: reward must be a function/],
  ['model: {}', rt({ model: {} }), /retrain: model must implement \{ fit\(samples\), sample\(n, rng\) \}/],
  ['model.dim: 1.5', rt({ model: { ...gmm(), dim: 1.5 }, realData: undefined, syntheticToRealRatio: Infinity, samplesPerIteration: 2 }), /retrain: model.dim must be an integer in \[1, 134217728\] \(values per sample\), got 1.5/],
  ['K: 1e9 (an out-of-memory pool inside model.sample)', rt({ K: 1e9, syntheticToRealRatio: Infinity, samplesPerIteration: 10 }), /retrain: samplesPerIteration × K = 10 × 1000000000 candidates of dim 2 must stay <= 67108864/],
  ['syntheticToRealRatio: 1e300 (a pool of 3e300)', rt({ syntheticToRealRatio: 1e300 }), /retrain: samplesPerIteration × K = 3e\+300 × 2 candidates/],
  ['evalSamples: 1e12', rt({ evalSamples: 1e12 }), /retrain: evalSamples must be an integer in \[1, 67108864\]/],
  ['numClasses: 1e12 (a 1e12-entry array)', rt({ numClasses: 1e12, classify: (x: Samples) => new Int32Array(x.n) }), /retrain: numClasses must be an integer in \[1, 10000000\]/],
  ['classify: returns a number[] (reported as computeIterationMetrics)', rt({ numClasses: 2, classify: (x: Samples) => new Array<number>(x.n).fill(0) }), /retrain: classify must return an Int32Array of \d+ class indices/],
  ['classify: returns class 7 of 2', rt({ numClasses: 2, classify: (x: Samples) => new Int32Array(x.n).fill(7) }), /retrain: classify must return class indices in \[0, 1\], got 7 at point 0/],
  ['classify without numClasses', rt({ classify: (x: Samples) => new Int32Array(x.n) }), /retrain: numClasses is required with classify/],
  ["curation: 'top'", rt({ curation: 'top' }), /retrain: curation must be 'luce', 'best-of-k', 'global' or 'none', got top/],
  ["selection: 'gpu'", rt({ selection: 'gpu' }), /retrain: selection must be 'typed-array' or 'tensor', got gpu/],
  ['signal: {}', rt({ signal: {} }), /retrain: signal must be an AbortSignal/],
  ['samplesPerIteration contradicts the ratio', rt({ samplesPerIteration: 5 }), /retrain: samplesPerIteration \(5\) contradicts syntheticToRealRatio=1 × 3 real points = 3/],
  ['realData: missing with a finite ratio', rt({ realData: undefined }), /retrain: realData is required when syntheticToRealRatio is finite/],
  ['model.sample: returns NaN points', rt({ model: { ...gmm(), sample: (n: number) => ({ n, dim: 2, data: new Float64Array(2 * n).fill(Number.NaN) }) } }), /retrain: model.sample\(...\).data must be finite/],
  ['an aborted signal', rt({ iterations: 1e9, signal: AbortSignal.abort() }), /retrain: aborted after 0 of 1000000000 iterations/],
]);
add({
  fn: 'retrain', bad: 'seed: 2^53 - 1 (seed + 7919 failed createRng mid-run)', accepts: 'the largest safe seed is a valid seed: its projection seed wraps below 2^53',
  call: () => retrain({ ...base(), seed: Number.MAX_SAFE_INTEGER }),
});
add({
  fn: 'retrain', bad: 'cancelled mid-run by an AbortSignal', throws: /retrain: aborted after 3 of 1000000 iterations/,
  call: async () => {
    const ctl = new AbortController();
    let seen = 0;
    const run = retrain({
      model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: Infinity, samplesPerIteration: 3, iterations: 1e6, seed: 0, evalSamples: 3,
      onIteration: (m) => {
        seen = m.iteration;
        if (m.iteration === 2) ctl.abort();
      },
      signal: ctl.signal,
    });
    await run.finally(() => { if (seen !== 2) throw new Error(`retrain: the last onIteration saw ${seen}, expected 2`); });
  },
});

export { cases };
