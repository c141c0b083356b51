/**
 * Hostile inputs (issue #16): every public entry, one argument made bad at a time. Each case must throw an error
 * whose message names the function and the argument; tensor-touching entries must leave tf.memory() unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { activateBackend } from '@lemma/gpu-kernels/testing';
import {
  bestOfKSelect, categoricalModel, concatSamples, curatedStep, entropy, expectation, flowMatchingModel, gaussianMixtureModel,
  gaussianModel, globalSoftmaxSelect, gridBinningFor, histogram, infiniteKFixedPoint, iteratePopulation, klDivergence,
  luceH, luceHBradleyTerry, luceHLimit, luceSelect, luceSelectTensor, mixedStep, multinomialTermCount, retrain, selectRows,
  slicedWasserstein, toSamples, topLevelLimit, variance, wasserstein1dPow, MAX_POPULATION_CELLS,
} from './index';

const p = [0.5, 0.5];
const r = [0, 1];
const rng = () => createRng(1);
const pts = toSamples([[0, 0], [1, 1], [2, 0]]);
const reward = (x: { n: number }) => new Float64Array(x.n);
const gmm = () => gaussianMixtureModel({ dim: 2, components: 1, seed: 0 });
type Bad = [name: string, call: () => unknown, pattern: RegExp];

const cases: Bad[] = [
  ['luceH K 0', () => luceH(p, r, { K: 0 }), /luceH: K must be/],
  ['luceH K 1.5', () => luceH(p, r, { K: 1.5 }), /luceH: K must be/],
  ['luceH p NaN', () => luceH([NaN, 1], r, { K: 2 }), /luceH: p must/],
  ['luceH p string', () => luceH('ab' as unknown as number[], r, { K: 2 }), /luceH: p must be an array/],
  ['luceH r length', () => luceH(p, [1], { K: 2 }), /luceH: r must have length 2/],
  ['luceH r Infinity', () => luceH(p, [0, Infinity], { K: 2 }), /luceH: r must be finite/],
  ['luceH beta -1', () => luceH(p, r, { K: 2, beta: -1 }), /luceH: beta must be >= 0/],
  ['luceH unknown key', () => luceH(p, r, { K: 2, gamma: 5 } as never), /luceH: unknown option 'gamma'/],
  ['luceH method', () => luceH(p, r, { K: 2, method: 'exact' as never }), /luceH: method must be/],
  ['luceH maxMultinomialTerms', () => luceH(p, r, { K: 2, maxMultinomialTerms: 0 }), /luceH: maxMultinomialTerms/],
  ['luceH quadratureStep', () => luceH(p, r, { K: 2, quadratureStep: NaN }), /luceH: quadratureStep/],
  ['luceHLimit beta NaN', () => luceHLimit(p, r, NaN), /luceHLimit: beta/],
  ['luceHBradleyTerry p sum', () => luceHBradleyTerry([0.5, 0.6], r), /luceHBradleyTerry: p must sum to 1/],
  ['multinomialTermCount levels', () => multinomialTermCount(0, 3), /multinomialTermCount: levels/],
  ['multinomialTermCount K', () => multinomialTermCount(3, -1), /multinomialTermCount: K/],
  ['curatedStep operator', () => curatedStep(p, r, { K: 2, operator: 'max' as never }), /curatedStep: operator/],
  ['curatedStep unknown key', () => curatedStep(p, r, { K: 2, iterations: 3 } as never), /curatedStep: unknown option 'iterations'/],
  ['curatedStep options null', () => curatedStep(p, r, null as never), /curatedStep: options must be an options object/],
  ['mixedStep ratio -1', () => mixedStep(p, p, r, { K: 2, syntheticToRealRatio: -1 }), /mixedStep: syntheticToRealRatio/],
  ['mixedStep pData length', () => mixedStep(p, [1], r, { K: 2, syntheticToRealRatio: 1 }), /mixedStep: p must have length 1/],
  ['iteratePopulation 1e9', () => iteratePopulation(p, r, { K: 4, iterations: 1e9 }), /iteratePopulation: iterations must be an integer in \[0, \d+\]/],
  ['iteratePopulation -1', () => iteratePopulation(p, r, { K: 4, iterations: -1 }), /iteratePopulation: iterations/],
  ['iteratePopulation missing pData', () => iteratePopulation(p, r, { K: 4, iterations: 2, syntheticToRealRatio: 1 }), /iteratePopulation: pData is required/],
  ['iteratePopulation K 0 with 0 iterations', () => iteratePopulation(p, r, { K: 0, iterations: 0 }), /iteratePopulation: K must be/],
  ['iteratePopulation r NaN', () => iteratePopulation(p, [0, NaN], { K: 4, iterations: 2 }), /iteratePopulation: r must be finite/],
  ['topLevelLimit r NaN', () => topLevelLimit(p, [NaN, 0]), /topLevelLimit: r must be finite/],
  ['infiniteKFixedPoint ratio Infinity', () => infiniteKFixedPoint(p, r, { syntheticToRealRatio: Infinity }), /infiniteKFixedPoint: syntheticToRealRatio must be finite/],
  ['infiniteKFixedPoint unknown key', () => infiniteKFixedPoint(p, r, { syntheticToRealRatio: 1, K: 3 } as never), /infiniteKFixedPoint: unknown option 'K'/],
  ['klDivergence q not a distribution', () => klDivergence(p, [2, -1]), /klDivergence: q must be non-negative/],
  ['klDivergence p NaN', () => klDivergence([NaN, 1], p), /klDivergence: p must/],
  ['entropy p sum', () => entropy([0.2, 0.2]), /entropy: p must sum to 1/],
  ['expectation f NaN', () => expectation(p, [1, NaN]), /expectation: f must be finite/],
  ['variance f length', () => variance(p, [1]), /expectation: f must have length 2/],
  ['luceSelect K 0', () => luceSelect([1, 2], 0, rng()), /luceSelect: K must be/],
  ['luceSelect groups', () => luceSelect([1, 2, 3], 2, rng()), /luceSelect: scores must hold whole groups/],
  ['luceSelect NaN score', () => luceSelect([1, NaN], 2, rng()), /luceSelect: rewards must be finite/],
  ['luceSelect rng', () => luceSelect([1, 2], 2, {} as never), /luceSelect: rng must be an Rng/],
  ['luceSelect sampler', () => luceSelect([1, 2], 2, rng(), 1, 'cdf' as never), /luceSelect: sampler/],
  ['bestOfKSelect scores string', () => bestOfKSelect('12' as never, 2), /bestOfKSelect: scores must be an array/],
  ['globalSoftmaxSelect m too big', () => globalSoftmaxSelect([1, 2], 3, rng()), /globalSoftmaxSelect: m must be <= the pool size/],
  ['toSamples ragged', () => toSamples([[1, 2], [3]]), /toSamples: every row must have length 2/],
  ['toSamples NaN', () => toSamples([1, NaN], 1), /toSamples: values must be finite/],
  ['selectRows index', () => selectRows(pts, [5]), /selectRows: idx must hold row indices in \[0, 2\]/],
  ['selectRows fractional', () => selectRows(pts, [0.5]), /selectRows: idx/],
  ['concatSamples none', () => concatSamples(), /concatSamples: parts must hold at least one/],
  ['concatSamples dims', () => concatSamples(pts, toSamples([1], 1)), /concatSamples: every part must have dim 2/],
  ['categoricalModel probs length', () => categoricalModel({ numClasses: 3, probs: p }), /categoricalModel: probs must have length numClasses=3/],
  ['categoricalModel unknown key', () => categoricalModel({ numClasses: 3, seed: 1 } as never), /categoricalModel: unknown option 'seed'/],
  ['gaussianModel covariance NaN', () => gaussianModel({ dim: 1, covariance: [NaN] }), /gaussianModel: covariance must be finite/],
  ['gaussianModel covariance asymmetric', () => gaussianModel({ dim: 2, covariance: [1, 0.5, 0, 1] }), /gaussianModel: covariance must be symmetric/],
  ['gaussianModel covariance negative', () => gaussianModel({ dim: 1, covariance: [-1] }), /gaussianModel: covariance must be positive semi-definite/],
  ['gaussianMixtureModel seed 1.5', () => gaussianMixtureModel({ dim: 2, components: 2, seed: 1.5 }), /gaussianMixtureModel: seed must be a safe non-negative integer/],
  ['gaussianMixtureModel seed 2^64', () => gaussianMixtureModel({ dim: 2, components: 2, seed: 2 ** 64 }), /gaussianMixtureModel: seed must be a safe/],
  ['gaussianMixtureModel components 0', () => gaussianMixtureModel({ dim: 2, components: 0, seed: 0 }), /gaussianMixtureModel: components/],
  ['gaussianMixtureModel fit dim', () => gmm().fit(toSamples([1, 2], 1)), /gaussianMixtureModel.fit: samples must have dim 2/],
  ['gaussianMixtureModel sample n', () => gmm().sample(-1, rng()), /gaussianMixtureModel.sample: n must be/],
  ['histogram bins NaN', () => histogram(pts, { kind: 'grid', lo: [0, 0], hi: [1, 1], bins: NaN }), /histogram: binning.bins/],
  ['histogram lo >= hi', () => histogram(pts, { kind: 'grid', lo: [0, 1], hi: [1, 1], bins: 4 }), /histogram: binning needs finite lo\[k\] < hi\[k\]/],
  ['histogram kind', () => histogram(pts, { kind: 'hex' } as never), /histogram: binning.kind/],
  ['gridBinningFor bins huge', () => gridBinningFor(pts, 1e6), /gridBinningFor: bins must be an integer in/],
  ['wasserstein1dPow NaN', () => wasserstein1dPow(Float64Array.of(NaN), Float64Array.of(1)), /wasserstein1dPow: a must be finite/],
  ['wasserstein1dPow p', () => wasserstein1dPow(Float64Array.of(0), Float64Array.of(1), 0.5), /wasserstein1dPow: p must be >= 1/],
  ['slicedWasserstein rng', () => slicedWasserstein(pts, pts, {} as never), /slicedWasserstein: options.rng/],
  ['slicedWasserstein dims', () => slicedWasserstein(pts, toSamples([1, 2], 1), { rng: rng() }), /slicedWasserstein: a and b must have the same dim/],
];

const asyncCases: Bad[] = [
  ['retrain seed 1.5', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 1.5 }), /retrain: seed must be a safe non-negative integer/],
  ['retrain seed string', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: '1' as never }), /retrain: seed must be/],
  ['retrain unknown key', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0, gamma: 5 } as never), /retrain: unknown option 'gamma'/],
  ['retrain K 0', () => retrain({ model: gmm(), realData: pts, reward, K: 0, syntheticToRealRatio: 1, iterations: 1, seed: 0 }), /retrain: K must be/],
  ['retrain ratio NaN', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: NaN, iterations: 1, seed: 0 }), /retrain: syntheticToRealRatio/],
  ['retrain realData dim', () => retrain({ model: gmm(), realData: toSamples([1], 1), reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0 }), /retrain: realData must have dim 2/],
  ['retrain bad binning', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0, binning: { kind: 'grid', lo: [0], hi: [1], bins: 4 } }), /retrain: binning.lo and binning.hi must be arrays of length dim=2/],
  ['retrain sinkhorn unknown key', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0, sinkhorn: { epsilon: 1 } as never }), /retrain: unknown option 'epsilon' in sinkhorn/],
  ['retrain reward NaN', () => retrain({ model: gmm(), realData: pts, reward: (x) => new Float64Array(x.n).fill(NaN), K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0 }), /retrain: reward returned NaN/],
  ['retrain aborted', () => retrain({ model: gmm(), realData: pts, reward, K: 2, syntheticToRealRatio: 1, iterations: 1e9, seed: 0, signal: AbortSignal.abort() }), /retrain: aborted after 0 of 1000000000 iterations/],
];

describe('bad inputs get a clear error naming the argument', () => {
  it.each(cases)('%s', (_, call, pattern) => {
    expect(call).toThrow(pattern);
  });
  it.each(asyncCases)('%s', async (_, call, pattern) => {
    await expect(call()).rejects.toThrow(pattern);
  });

  it('caps iteratePopulation by iterations × atoms (a clear error, not a hang)', () => {
    const n = 1000;
    const q = new Array(n).fill(1 / n);
    const rr = Array.from({ length: n }, (_, i) => i / n);
    expect(() => iteratePopulation(q, rr, { K: 2, iterations: MAX_POPULATION_CELLS / n + 1 })).toThrow(/iterations × 1000 atoms must stay <= 50000000/);
  });

  it('retrain can be cancelled mid-run by an AbortSignal', async () => {
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
    await expect(run).rejects.toThrow(/retrain: aborted after 3 of 1000000 iterations/);
    expect(seen).toBe(2);
  });
});

describe('tensor entries leave tf.memory() unchanged [cpu]', () => {
  beforeAll(async () => {
    const reason = await activateBackend('cpu');
    if (reason) throw new Error(reason);
  });

  it('luceSelectTensor rejects bad options and scores without leaking', async () => {
    const s = tf.tensor1d([1, 2, 3, 4]);
    const ints = tf.tensor1d([1, 2], 'int32');
    const before = tf.memory().numTensors;
    const bad: [() => Promise<unknown>, RegExp][] = [
      [() => luceSelectTensor(s, { K: 3, seed: 0 }), /luceSelectTensor: scores must hold whole groups/],
      [() => luceSelectTensor(s, { K: 2, seed: -1 }), /luceSelectTensor: seed must be a safe non-negative integer/],
      [() => luceSelectTensor(s, { K: 2, seed: 0, stream: 0.5 }), /luceSelectTensor: stream must be/],
      [() => luceSelectTensor(s, { K: 2, seed: 0, kernel: 'gpu' } as never), /luceSelectTensor: unknown option 'kernel'/],
      [() => luceSelectTensor([1, NaN], { K: 2, seed: 0 }), /luceSelectTensor: scores must be finite/],
      [() => luceSelectTensor(ints, { K: 2, seed: 0 }), /luceSelectTensor: scores must be a float32 tensor/],
    ];
    for (const [call, pattern] of bad) await expect(call()).rejects.toThrow(pattern);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([s, ints]);
  });

  it('flowMatchingModel: bad options allocate nothing; dispose() frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    expect(() => flowMatchingModel({ seed: 1.5 })).toThrow(/flowMatchingModel: seed must be a safe non-negative integer/);
    expect(() => flowMatchingModel({ seed: 0, hidden: 0 })).toThrow(/flowMatchingModel: hidden/);
    expect(() => flowMatchingModel({ seed: 0, lr: 1 } as never)).toThrow(/flowMatchingModel: unknown option 'lr'/);
    expect(tf.memory().numTensors).toBe(before);
    const m = flowMatchingModel({ seed: 0, hidden: 8, layers: 1, stepsPerFit: 3, batchSize: 4, sampleSteps: 2 });
    await m.fit(pts);
    await m.sample(4, createRng(0));
    await expect(m.fit(toSamples([1, 2], 1))).rejects.toThrow(/flowMatchingModel.fit: samples must have dim 2/);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
