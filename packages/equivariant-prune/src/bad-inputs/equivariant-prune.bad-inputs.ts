/**
 * Bad-input table of equivariant-prune's exports (issue #16; run by equivariant-prune.bad-inputs.test.ts through the
 * harness in @lemma/gpu-kernels/testing, on cpu and wasm in a child process). One argument is made bad at a time;
 * each call must throw an error naming the function and the argument, or be a documented acceptance.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import type { BadInputCase } from '@lemma/gpu-kernels/testing';
import { estimateSupError, randomUnitVectors, telescopingBound } from '../approximation';
import {
  type EquivariantBasis,
  basisEquivarianceResidual,
  basisNorm,
  basisRank,
  includeIdentity,
  nullSpaceBasis,
  nullSpaceBasisOfActions,
  orbitBasis,
  permutationMatrix,
} from '../basis';
import { biasUnitCount, effectiveBiasCoeffs, invariantVectors, layerBiasVector, onesVector } from '../bias';
import { convFilters, deepSetsBasis, groupConvBasis, maron1to2Basis, maron2to1Basis, maron2to2Basis, mlpBasis, setReadoutBasis } from '../closed-forms';
import { buildRandomNetwork, hiddenCopiesFor, parameterReport, pruneToTarget, restrictSamples } from '../construction';
import { actOnBatch, equivarianceErrorF64, groupElementPairs } from '../equivariance';
import { layerForwardF64, networkForwardF64, networkVjpF64 } from '../forward-f64';
import { groupElements, imageGroup, permAction, symmetricGroup, trivialAction } from '../groups';
import { type EquivariantLayer, type EquivariantNetwork, checkLayer, checkNetwork, inputSize, layerDenseMatrix, maskedCoeffs, outputSize, randomLayer } from '../network';
import { matrixRank, nullSpace, rowEchelon } from '../nullspace';
import { applyPermutation, composePermutations, identityPermutation, invertPermutation, isPermutation } from '../permutation';
import { frobeniusNorm, operatorNorm, sparseFromDense, sparseIdentity, sparseToDense } from '../sparse';
import { bruteForceSubsetSum, solveSubsetSum, solveSubsetSumBatch } from '../subset-sum';
import { type ConvFilterSet, convBiasChannels, convKernelFromCoeffs, filterSetTensor, identityFilterSet, imageNetworkForwardTf, layerConvBias, layerConvKernel } from '../image-forward';
import { basisStackTensor, biasFromCoeffs, biasVectorsTensor, kBiasFromCoeffs, kLayerForwardFromCoeffs, layerForwardFromCoeffs, layerForwardTf, networkForwardTf } from '../tf-forward';

const cases: BadInputCase<never>[] = [];
const add = <A>(c: BadInputCase<A>) => cases.push(c as unknown as BadInputCase<never>);
const bad = <T>(v: unknown) => v as T;

/** The non-integer / out-of-range sizes every size argument is tried with (issue #16: NaN, 0, 1.5, 'abc'). */
const SIZES: [string, unknown][] = [['NaN', Number.NaN], ['0', 0], ['1.5', 1.5], ["'abc'", 'abc'], ['-1', -1], ['Infinity', Infinity]];
/** Seeds that used to alias another seed's stream or pass unchecked. */
const SEEDS: [string, unknown][] = [['1.5', 1.5], ['-1', -1], ['2^64', 2 ** 64], ['NaN', Number.NaN], ["'7'", '7']];

const ds3 = () => deepSetsBasis(3);
const layer21 = (): EquivariantLayer => randomLayer(deepSetsBasis(3), 2, 1, createRng(1));
const net2 = (): EquivariantNetwork => {
  const rng = createRng(2);
  return { layers: [randomLayer(deepSetsBasis(3), 1, 2, rng), randomLayer(deepSetsBasis(3), 2, 1, rng)] };
};
const s3 = () => symmetricGroup(3).set();

// --- permutation.ts ---------------------------------------------------------------------------------------------
for (const [label, n] of [...SIZES.filter(([l]) => l !== '0'), ['2^30', 2 ** 30]] as [string, unknown][]) {
  add({ fn: 'identityPermutation', bad: `n: ${label}`, call: () => identityPermutation(bad(n)), throws: /identityPermutation: n must be a non-negative integer/ });
}
add({ fn: 'identityPermutation', bad: 'n: 0', call: () => identityPermutation(0), accepts: 'the empty permutation of no indices' });
add({ fn: 'composePermutations', bad: 'a: [0, 0, 1] (not a bijection)', call: () => composePermutations(Int32Array.from([0, 0, 1]), identityPermutation(3)), throws: /composePermutations: a must be a permutation of 0..2/ });
add({ fn: 'composePermutations', bad: 'b: [0, 5, 1] (out of range)', call: () => composePermutations(identityPermutation(3), Int32Array.from([0, 5, 1])), throws: /composePermutations: b must be a permutation/ });
add({ fn: 'composePermutations', bad: 'b: other length', call: () => composePermutations(identityPermutation(3), identityPermutation(2)), throws: /composePermutations: a and b must have the same length/ });
add({ fn: 'composePermutations', bad: "a: 'abc'", call: () => composePermutations(bad('abc'), identityPermutation(3)), throws: /composePermutations: a must be a permutation \(an Int32Array of indices\), got 'abc'/ });
add({ fn: 'invertPermutation', bad: 'p: [1, 1] (issue #16: non-permutations were inverted)', call: () => invertPermutation(Int32Array.from([1, 1])), throws: /invertPermutation: p must be a permutation of 0..1/ });
add({ fn: 'invertPermutation', bad: 'p: [0, 1.5]', call: () => invertPermutation(bad([0, 1.5])), throws: /invertPermutation: p must be a permutation/ });
add({ fn: 'invertPermutation', bad: 'p: null', call: () => invertPermutation(bad(null)), throws: /invertPermutation: p must be a permutation .*got null/ });
add({ fn: 'isPermutation', bad: 'p: null', call: () => isPermutation(bad(null)), accepts: 'a predicate: false for anything that is not an array' });
add({ fn: 'isPermutation', bad: 'p: [0, NaN]', call: () => isPermutation([0, Number.NaN]), accepts: 'a predicate: false for a non-integer entry' });
add({ fn: 'applyPermutation', bad: 'p: [2, 2, 0]', call: () => applyPermutation(Int32Array.from([2, 2, 0]), new Float64Array(3)), throws: /applyPermutation: p must be a permutation/ });
for (const [label, copies] of SIZES.filter(([l]) => l !== '0')) {
  add({ fn: 'applyPermutation', bad: `copies: ${label}`, call: () => applyPermutation(identityPermutation(3), new Float64Array(3), bad(copies)), throws: /applyPermutation: copies must be a non-negative integer/ });
}
add({ fn: 'applyPermutation', bad: 'x: wrong length', call: () => applyPermutation(identityPermutation(3), new Float64Array(4)), throws: /applyPermutation: x must have length 3/ });
add({ fn: 'applyPermutation', bad: "x: 'abc'", call: () => applyPermutation(identityPermutation(3), bad('abc')), throws: /applyPermutation: x must be a Float64Array, got 'abc'/ });
add({ fn: 'applyPermutation', bad: 'x: [NaN, 1, 2]', call: () => applyPermutation(identityPermutation(3), Float64Array.from([Number.NaN, 1, 2])), accepts: 'values are moved, never computed on: a NaN lands where the permutation sends it' });

// --- groups.ts --------------------------------------------------------------------------------------------------
for (const [label, dim] of SIZES) {
  add({ fn: 'permAction', bad: `dim: ${label}`, call: () => permAction('a', 'g', bad(dim), []), throws: /permAction: dim must be a positive integer/ });
  add({ fn: 'trivialAction', bad: `dim: ${label}`, call: () => trivialAction(bad(dim)), throws: /trivialAction: dim must be a positive integer/ });
  add({ fn: 'symmetricGroup', bad: `n: ${label}`, call: () => symmetricGroup(bad(dim)), throws: /symmetricGroup: n must be a positive integer/ });
}
add({ fn: 'trivialAction', bad: 'dim: 1e9 (a 4 GB permutation)', call: () => trivialAction(1e9), throws: /trivialAction: dim must be a positive integer <= 16777216/ });
add({ fn: 'symmetricGroup', bad: 'n: 5000, pairs() (n² = 2.5e7 indices)', call: () => symmetricGroup(5000).pairs(), throws: /symmetricGroup: pairs\(\) needs n² <= 16777216/ });
add({ fn: 'permAction', bad: 'generators: [1, 1, 0]', call: () => permAction('a', 'g', 3, [Int32Array.from([1, 1, 0])]), throws: /permAction: generator 0 of a must be a permutation of length 3/ });
add({ fn: 'permAction', bad: 'generators: wrong length', call: () => permAction('a', 'g', 3, [identityPermutation(2)]), throws: /permAction: generator 0 of a must be a permutation of length 3, got length 2/ });
add({ fn: 'permAction', bad: "generators: 'abc'", call: () => permAction('a', 'g', 3, bad('abc')), throws: /permAction: generators must be an array of permutations/ });
add({ fn: 'permAction', bad: 'generators: [null]', call: () => permAction('a', 'g', 3, bad([null])), throws: /permAction: generators\[0\] must be a permutation of length 3, got null/ });
add({ fn: 'permAction', bad: 'name: 7', call: () => permAction(bad(7), 'g', 3, []), throws: /permAction: name must be a string, got 7/ });
add({ fn: 'permAction', bad: 'generators: [] (no generators)', call: () => permAction('a', 'g', 3, []), accepts: 'the trivial group given by no generators; groupElements returns the identity alone' });
add({ fn: 'groupElements', bad: 'action: null', call: () => groupElements(bad(null)), throws: /groupElements: action must be a PermAction/ });
add({ fn: 'groupElements', bad: 'action: a generator that is not a permutation', call: () => groupElements(bad({ name: 'a', group: 'g', dim: 2, generators: [[0, 0]] })), throws: /groupElements: action.generators\[0\] must be a permutation/ });
for (const [label, m] of [['NaN (never stopped: a hang on S_12)', Number.NaN], ['Infinity', Infinity], ['0', 0], ['1.5', 1.5], ['1e12', 1e12]] as [string, unknown][]) {
  add({ fn: 'groupElements', bad: `maxElements: ${label}`, call: () => groupElements(symmetricGroup(12).set(), bad(m)), throws: /groupElements: maxElements must be a positive integer <= 10000000/ });
}
add({ fn: 'groupElements', bad: 'S_12 with the default cap', call: () => groupElements(symmetricGroup(12).set(), 50), throws: /groupElements: S12 on sets has more than maxElements = 50 elements/ });
add({ fn: 'imageGroup', bad: "point: 'C3'", call: () => imageGroup(bad('C3'), 4), throws: /imageGroup: point must be one of trivial, C2, C4, D2, D4, got 'C3'/ });
add({ fn: 'imageGroup', bad: "point: 'toString' (an inherited key)", call: () => imageGroup(bad('toString'), 4), throws: /imageGroup: point must be one of/ });
for (const [label, size] of [...SIZES, ['1', 1], ['1e5 (1e10 pixels)', 1e5]] as [string, unknown][]) {
  add({ fn: 'imageGroup', bad: `size: ${label}`, call: () => imageGroup('C4', bad(size)), throws: /imageGroup: size must be an integer >= 2 and <= 1024/ });
}
add({ fn: 'imageGroup', bad: 'options: unknown key', call: () => imageGroup('C4', 4, bad({ translation: true })), throws: /imageGroup: options has an unknown key 'translation'/ });
add({ fn: 'imageGroup', bad: "options.translations: 'yes'", call: () => imageGroup('C4', 4, bad({ translations: 'yes' })), throws: /imageGroup: options.translations must be true or false, got 'yes'/ });

// --- sparse.ts --------------------------------------------------------------------------------------------------
add({ fn: 'sparseFromDense', bad: 'dense: NaN entry (issue #16: was dropped)', call: () => sparseFromDense([1, Number.NaN, 0, 2], 2, 2), throws: /sparseFromDense: dense must be finite numbers, got NaN at index 1/ });
add({ fn: 'sparseFromDense', bad: 'dense: -Infinity entry', call: () => sparseFromDense([1, 0, -Infinity, 2], 2, 2), throws: /sparseFromDense: dense must be finite numbers, got -Infinity at index 2/ });
add({ fn: 'sparseFromDense', bad: "dense: '12'", call: () => sparseFromDense(bad('12'), 1, 2), throws: /sparseFromDense: dense must be an array of finite numbers, got '12'/ });
add({ fn: 'sparseFromDense', bad: 'dense: wrong length', call: () => sparseFromDense([1, 2, 3], 2, 2), throws: /sparseFromDense: dense must have length rows\*cols = 4, got 3/ });
for (const [label, v] of [...SIZES.filter(([l]) => l !== '0'), ['0.5', 0.5]] as [string, unknown][]) {
  add({ fn: 'sparseFromDense', bad: `rows: ${label}`, call: () => sparseFromDense([1, 2], bad(v), 2), throws: /sparseFromDense: rows must be a non-negative integer/ });
  add({ fn: 'sparseFromDense', bad: `cols: ${label}`, call: () => sparseFromDense([1, 2], 1, bad(v)), throws: /sparseFromDense: cols must be a non-negative integer/ });
}
for (const [label, v] of [['NaN', Number.NaN], ['-1', -1], ['Infinity', Infinity], ["'0'", '0']] as [string, unknown][]) {
  add({ fn: 'sparseFromDense', bad: `dropTol: ${label}`, call: () => sparseFromDense([1, 2], 1, 2, bad(v)), throws: /sparseFromDense: dropTol must be a finite number >= 0/ });
}
add({ fn: 'sparseFromDense', bad: 'rows: 0, cols: 0', call: () => sparseFromDense([], 0, 0), accepts: 'the empty matrix' });
const sp = () => ({ rows: 2, cols: 2, rowIdx: Int32Array.from([0, 1]), colIdx: Int32Array.from([0, 1]), values: Float64Array.from([1, 1]) });
add({ fn: 'sparseToDense', bad: 'm.rowIdx: index 2 in a 2-row matrix (was dropped silently)', call: () => sparseToDense({ ...sp(), rowIdx: Int32Array.from([0, 2]) }), throws: /sparseToDense: m.rowIdx\[1\] must be an integer in \[0, 2\), got 2/ });
add({ fn: 'sparseToDense', bad: 'm.colIdx: -1', call: () => sparseToDense({ ...sp(), colIdx: Int32Array.from([-1, 1]) }), throws: /sparseToDense: m.colIdx\[0\] must be an integer in \[0, 2\), got -1/ });
add({ fn: 'sparseToDense', bad: 'm.values: NaN', call: () => sparseToDense({ ...sp(), values: Float64Array.from([1, Number.NaN]) }), throws: /sparseToDense: m.values\[1\] must be a finite number, got NaN/ });
add({ fn: 'sparseToDense', bad: 'm.colIdx: shorter than values', call: () => sparseToDense({ ...sp(), colIdx: Int32Array.from([0]) }), throws: /sparseToDense: m.colIdx must be an index array of length values.length = 2/ });
add({ fn: 'sparseToDense', bad: 'm.rows: 1.5', call: () => sparseToDense({ ...sp(), rows: 1.5 }), throws: /sparseToDense: m.rows must be a non-negative integer, got 1.5/ });
add({ fn: 'sparseToDense', bad: 'm: null', call: () => sparseToDense(bad(null)), throws: /sparseToDense: m must be a SparseMatrix/ });
add({ fn: 'sparseToDense', bad: 'm: 1e5 x 1e5', call: () => sparseToDense({ rows: 1e5, cols: 1e5, rowIdx: new Int32Array(0), colIdx: new Int32Array(0), values: new Float64Array(0) }), throws: /sparseToDense: m must have rows·cols <= 134217728/ });
for (const [label, n] of SIZES.filter(([l]) => l !== '0')) {
  add({ fn: 'sparseIdentity', bad: `n: ${label}`, call: () => sparseIdentity(bad(n)), throws: /sparseIdentity: n must be a non-negative integer/ });
}
const eye2 = () => Float64Array.from([1, 0, 0, 1]);
add({ fn: 'operatorNorm', bad: 'a: NaN entry', call: () => operatorNorm(Float64Array.from([1, Number.NaN, 0, 1]), 2, 2), throws: /operatorNorm: a\[1\] must be a finite number, got NaN/ });
add({ fn: 'operatorNorm', bad: 'a: wrong length', call: () => operatorNorm(new Float64Array(3), 2, 2), throws: /operatorNorm: a must be an array of length rows·cols = 4/ });
add({ fn: 'operatorNorm', bad: 'rows: NaN', call: () => operatorNorm(eye2(), Number.NaN, 2), throws: /operatorNorm: rows must be a non-negative integer, got NaN/ });
for (const [label, it] of [['0 (reported 0)', 0], ['NaN (reported 0)', Number.NaN], ['1.5', 1.5], ['1e12 (a hang)', 1e12]] as [string, unknown][]) {
  add({ fn: 'operatorNorm', bad: `iterations: ${label}`, call: () => operatorNorm(eye2(), 2, 2, bad(it)), throws: /operatorNorm: iterations must be a positive integer <= 100000/ });
}
for (const [label, seed] of SEEDS) add({ fn: 'operatorNorm', bad: `seed: ${label}`, call: () => operatorNorm(eye2(), 2, 2, 10, bad(seed)), throws: /operatorNorm: seed must be a safe non-negative integer/ });
add({ fn: 'frobeniusNorm', bad: 'a: NaN entry', call: () => frobeniusNorm([1, Number.NaN]), throws: /frobeniusNorm: a\[1\] must be a finite number, got NaN/ });
add({ fn: 'frobeniusNorm', bad: "a: 'abc'", call: () => frobeniusNorm(bad('abc')), throws: /frobeniusNorm: a must be an array of finite numbers, got 'abc'/ });

// --- nullspace.ts -----------------------------------------------------------------------------------------------
add({ fn: 'matrixRank', bad: 'a: all NaN (issue #16: rank 0)', call: () => matrixRank(new Float64Array(4).fill(Number.NaN), 2, 2), throws: /matrixRank: a must be finite, got NaN at index 0/ });
add({ fn: 'matrixRank', bad: 'rows: NaN', call: () => matrixRank(eye2(), Number.NaN, 2), throws: /matrixRank: rows must be a non-negative integer, got NaN/ });
add({ fn: 'matrixRank', bad: 'a: wrong length', call: () => matrixRank(new Float64Array(3), 2, 2), throws: /matrixRank: a must have length 4, got 3/ });
add({ fn: 'rowEchelon', bad: 'a: Infinity entry', call: () => rowEchelon(Float64Array.from([1, 0, 0, Infinity]), 2, 2), throws: /rowEchelon: a must be finite, got Infinity at index 3/ });
for (const [label, tol] of [['NaN (rank 0)', Number.NaN], ['-1', -1], ['Infinity', Infinity]] as [string, unknown][]) {
  add({ fn: 'rowEchelon', bad: `tol: ${label}`, call: () => rowEchelon(eye2(), 2, 2, bad(tol)), throws: /rowEchelon: tol must be a finite number >= 0/ });
}
add({ fn: 'rowEchelon', bad: 'cols: 1.5', call: () => rowEchelon(eye2(), 2, bad(1.5)), throws: /rowEchelon: cols must be a non-negative integer, got 1.5/ });
add({ fn: 'rowEchelon', bad: 'rows·cols: 2^28', call: () => rowEchelon(new Float64Array(0), 2 ** 14, 2 ** 14), throws: /rowEchelon: rows·cols must be <= 134217728/ });
add({ fn: 'rowEchelon', bad: '8192x8192 (under the entry cap, 2^39 multiply-adds)', call: () => rowEchelon(new Float64Array(0), 2 ** 13, 2 ** 13), throws: /rowEchelon: rows·cols·min\(rows, cols\) \(the elimination's work\) must be <= 17179869184, got 549755813888 for 8192x8192/ });
add({ fn: 'nullSpace', bad: 'a: NaN entry', call: () => nullSpace(Float64Array.from([Number.NaN, 0]), 1, 2), throws: /nullSpace: a must be finite, got NaN at index 0/ });
add({ fn: 'nullSpace', bad: "a: 'ab'", call: () => nullSpace(bad('ab'), 1, 2), throws: /nullSpace: a must be a Float64Array of length rows·cols = 2, got 'ab'/ });

// --- basis.ts ---------------------------------------------------------------------------------------------------
add({ fn: 'orbitBasis', bad: 'actionOut: another group', call: () => orbitBasis(symmetricGroup(3).set(), symmetricGroup(4).set()), throws: /orbitBasis: input and output actions must be of the same group/ });
add({ fn: 'orbitBasis', bad: 'actionIn: null', call: () => orbitBasis(bad(null), s3()), throws: /orbitBasis: actionIn must be a PermAction/ });
add({ fn: 'orbitBasis', bad: 'options.support: not G-invariant', setup: s3, call: (a: ReturnType<typeof s3>) => orbitBasis(a, a, { support: (i, j) => i === 0 && j === 0 }), throws: /orbitBasis: options.support must be G-invariant/ });
add({ fn: 'orbitBasis', bad: "options.support: 'local'", setup: s3, call: (a: ReturnType<typeof s3>) => orbitBasis(a, a, bad({ support: 'local' })), throws: /orbitBasis: options.support must be a function, got 'local'/ });
add({ fn: 'orbitBasis', bad: 'options: unknown key', setup: s3, call: (a: ReturnType<typeof s3>) => orbitBasis(a, a, bad({ supprt: () => true })), throws: /orbitBasis: options has an unknown key 'supprt'/ });
add({ fn: 'orbitBasis', bad: 'actions of dim 2^14 (2^28 pairs)', setup: () => trivialAction(2 ** 14), call: (a: ReturnType<typeof s3>) => orbitBasis(a, a), throws: /orbitBasis: actionIn.dim·actionOut.dim must be <= 134217728/ });
add({ fn: 'permutationMatrix', bad: 'p: [0, 0]', call: () => permutationMatrix([0, 0]), throws: /permutationMatrix: p must be a permutation of 0..1/ });
add({ fn: 'permutationMatrix', bad: 'p: length 2^14 (2^28 entries)', call: () => permutationMatrix(identityPermutation(2 ** 14)), throws: /permutationMatrix: p.length² must be <= 134217728/ });
const rot = () => Float64Array.from([0, -1, 1, 0]);
add({ fn: 'nullSpaceBasis', bad: 'rhoOut: [] (generator count)', call: () => nullSpaceBasis([rot()], [], 2, 2), throws: /nullSpaceBasis: rhoIn and rhoOut must list the same positive number of generators/ });
add({ fn: 'nullSpaceBasis', bad: 'rhoIn[0]: NaN entry', call: () => nullSpaceBasis([Float64Array.from([0, Number.NaN, 1, 0])], [rot()], 2, 2), throws: /nullSpaceBasis: rhoIn\[0\]\[1\] must be a finite number, got NaN/ });
add({ fn: 'nullSpaceBasis', bad: 'rhoOut[0]: wrong length', call: () => nullSpaceBasis([rot()], [new Float64Array(3)], 2, 2), throws: /nullSpaceBasis: rhoOut\[0\] must have length 4, got 3/ });
for (const [label, d] of SIZES) add({ fn: 'nullSpaceBasis', bad: `dIn: ${label}`, call: () => nullSpaceBasis([rot()], [rot()], bad(d), 2), throws: /nullSpaceBasis: dIn must be a positive integer/ });
add({ fn: 'nullSpaceBasis', bad: 'dIn·dOut: 4097', call: () => nullSpaceBasis([new Float64Array(4097 ** 2)], [new Float64Array(1)], 4097, 1), throws: /nullSpaceBasis: dOut·dIn must be <= 4096/ });
add({ fn: 'nullSpaceBasis', bad: 'name: 3', call: () => nullSpaceBasis([rot()], [rot()], 2, 2, bad(3)), throws: /nullSpaceBasis: name must be a string, got 3/ });
add({ fn: 'nullSpaceBasisOfActions', bad: 'actionOut: another group', call: () => nullSpaceBasisOfActions(symmetricGroup(3).set(), symmetricGroup(2).set()), throws: /nullSpaceBasisOfActions: input and output actions must be of the same group/ });
add({ fn: 'nullSpaceBasisOfActions', bad: 'S_65 on pairs (dim² too large)', setup: () => symmetricGroup(65).set(), call: (a: ReturnType<typeof s3>) => nullSpaceBasisOfActions(a, a), throws: /nullSpaceBasisOfActions: actionOut.dim·actionIn.dim must be <= 4096/ });
const idSp = (n: number) => sparseIdentity(n);
add({ fn: 'includeIdentity', bad: 'elements: 3 x 3 for n = 2', call: () => includeIdentity([idSp(3)], 2), throws: /includeIdentity: elements\[0\].rows must be 2, got 3/ });
for (const [label, n] of SIZES) add({ fn: 'includeIdentity', bad: `n: ${label}`, call: () => includeIdentity([idSp(2)], bad(n)), throws: /includeIdentity: n must be a positive integer/ });
add({ fn: 'includeIdentity', bad: "elements: 'I'", call: () => includeIdentity(bad('I'), 2), throws: /includeIdentity: elements must be an array of n x n sparse matrices/ });
const badBasis = (): EquivariantBasis => ({ ...deepSetsBasis(3), elements: [{ ...sparseIdentity(3), colIdx: Int32Array.from([0, 1, 3]) }] });
add({ fn: 'basisRank', bad: 'basis: element index out of range', setup: badBasis, call: (b: EquivariantBasis) => basisRank(b), throws: /basisRank: basis.elements\[0\].colIdx\[2\] must be an integer in \[0, 3\), got 3/ });
add({ fn: 'basisRank', bad: 'basis: undefined', call: () => basisRank(bad(undefined)), throws: /basisRank: basis must be an EquivariantBasis, got undefined/ });
add({ fn: 'basisRank', bad: 'basis.identityIndex: 5 of 2', call: () => basisRank({ ...deepSetsBasis(3), identityIndex: 5 }), throws: /basisRank: basis.identityIndex must be an integer >= -1 and <= 1, got 5/ });
add({ fn: 'basisEquivarianceResidual', bad: 'actionIn: other dim', call: () => basisEquivarianceResidual(ds3(), symmetricGroup(4).set(), symmetricGroup(4).set()), throws: /basisEquivarianceResidual: actions have dims 4 -> 4, basis is 3 -> 3/ });
add({ fn: 'basisEquivarianceResidual', bad: 'basis: element with NaN', call: () => basisEquivarianceResidual({ ...ds3(), elements: [{ ...sparseIdentity(3), values: Float64Array.from([1, Number.NaN, 1]) }] }, s3(), s3()), throws: /basisEquivarianceResidual: basis.elements\[0\].values\[1\] must be a finite number, got NaN/ });
for (const [label, m] of [['NaN', Number.NaN], ['-1', -1], ['1.5', 1.5], ['17', 17]] as [string, unknown][]) {
  add({ fn: 'basisNorm', bad: `maxExact: ${label}`, call: () => basisNorm(ds3(), bad(m)), throws: /basisNorm: maxExact must be a non-negative integer <= 16/ });
}
add({ fn: 'basisNorm', bad: 'maxExact: 16 on Maron 2->2 n=14 (2^14 sign patterns of a 196 x 196 basis: a hang)', setup: () => maron2to2Basis(14), call: (b: EquivariantBasis) => basisNorm(b, 16), throws: /basisNorm: maxExact = 16 would enumerate 2\^14 sign patterns/ });

// --- closed-forms.ts --------------------------------------------------------------------------------------------
add({ fn: 'maron2to2Basis', bad: 'n: 1e4 (issue #16: a hang, 1e16 entries)', call: () => maron2to2Basis(1e4), throws: /maron2to2Basis: n must be an integer in \[1, 32\].*got 10000/ });
for (const [fn, build, cap] of [
  ['deepSetsBasis', deepSetsBasis, 1024],
  ['setReadoutBasis', setReadoutBasis, 1 << 20],
  ['maron1to2Basis', maron1to2Basis, 128],
  ['maron2to1Basis', maron2to1Basis, 128],
  ['maron2to2Basis', maron2to2Basis, 32],
] as const) {
  for (const [label, n] of [...SIZES, ['cap + 1', cap + 1]] as [string, unknown][]) {
    add({ fn, bad: `n: ${label}`, call: () => build(bad(n)), throws: new RegExp(`${fn}: n must be an integer in \\[1, ${cap}\\]`) });
  }
}
add({ fn: 'maron1to2Basis', bad: 'n: 1e4', call: () => maron1to2Basis(1e4), throws: /maron1to2Basis: n must be an integer in \[1, 128\]/ });
add({ fn: 'maron2to1Basis', bad: 'n: 1e4', call: () => maron2to1Basis(1e4), throws: /maron2to1Basis: n must be an integer in \[1, 128\]/ });
add({ fn: 'deepSetsBasis', bad: 'n: 1e5', call: () => deepSetsBasis(1e5), throws: /deepSetsBasis: n must be an integer in \[1, 1024\]/ });
add({ fn: 'setReadoutBasis', bad: 'n: 2.5', call: () => setReadoutBasis(2.5), throws: /setReadoutBasis: n must be an integer/ });
add({ fn: 'maron2to2Basis', bad: "n: '4'", call: () => maron2to2Basis(bad('4')), throws: /maron2to2Basis: n must be an integer.*got 4/ });
add({ fn: 'mlpBasis', bad: 'no arguments to get wrong', call: () => mlpBasis(), accepts: 'mlpBasis takes no input' });
const c4t = () => imageGroup('C4', 5, { translations: true });
type G = ReturnType<typeof c4t>;
add({ fn: 'groupConvBasis', bad: 'group: without translations', call: () => groupConvBasis(imageGroup('C4', 5), { from: 'scalar', to: 'regular', kernel: 3 }), throws: /groupConvBasis: group must include circular translations/ });
add({ fn: 'groupConvBasis', bad: 'group: null', call: () => groupConvBasis(bad(null), { from: 'scalar', to: 'regular', kernel: 3 }), throws: /groupConvBasis: group must be an ImageGroup/ });
for (const [label, k] of [['2 (even)', 2], ['0', 0], ['1.5', 1.5], ['NaN', Number.NaN], ["'3'", '3']] as [string, unknown][]) {
  add({ fn: 'groupConvBasis', bad: `options.kernel: ${label}`, setup: c4t, call: (g: G) => groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: bad(k) }), throws: /groupConvBasis: options.kernel must be an odd positive integer/ });
}
add({ fn: 'groupConvBasis', bad: 'options.kernel: 7 > size 5', setup: c4t, call: (g: G) => groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: 7 }), throws: /groupConvBasis: image size 5 must be >= kernel 7/ });
add({ fn: 'groupConvBasis', bad: "options.from: 'vector' (was read as regular)", setup: c4t, call: (g: G) => groupConvBasis(g, { from: bad('vector'), to: 'regular', kernel: 3 }), throws: /groupConvBasis: options.from must be 'scalar' or 'regular', got 'vector'/ });
add({ fn: 'groupConvBasis', bad: 'options: unknown key', setup: c4t, call: (g: G) => groupConvBasis(g, bad({ from: 'scalar', to: 'regular', kernel: 3, padding: 1 })), throws: /groupConvBasis: options has an unknown key 'padding'/ });
add({ fn: 'groupConvBasis', bad: 'options: undefined', setup: c4t, call: (g: G) => groupConvBasis(g, bad(undefined)), throws: /groupConvBasis: options must be an options object/ });
const lift = () => {
  const g = c4t();
  return { g, b: groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: 3 }) };
};
type Lift = ReturnType<typeof lift>;
for (const [label, k] of [['2 (even)', 2], ['NaN', Number.NaN], ['7 (> size)', 7]] as [string, unknown][]) {
  add({ fn: 'convFilters', bad: `kernel: ${label}`, setup: lift, call: ({ g, b }: Lift) => convFilters(b, g, bad(k)), throws: /convFilters: kernel must be an odd positive integer <= the image size 5/ });
}
add({ fn: 'convFilters', bad: 'kernel: 1, smaller than the 3x3 basis support (weights fell outside the filter)', setup: lift, call: ({ g, b }: Lift) => convFilters(b, g, 1), throws: /convFilters: kernel = 1 is smaller than the basis support/ });
add({ fn: 'convFilters', bad: 'basis: DeepSets (dims not pixel multiples)', setup: lift, call: ({ g }: Lift) => convFilters(ds3(), g, 3), throws: /convFilters: basis dims 3 -> 3 are not multiples of 25 pixels/ });
add({ fn: 'convFilters', bad: 'group: {}', setup: lift, call: ({ b }: Lift) => convFilters(b, bad({}), 3), throws: /convFilters: group must be an ImageGroup/ });

// --- network.ts -------------------------------------------------------------------------------------------------
for (const [label, v] of [...SIZES, ['1e9', 1e9]] as [string, unknown][]) {
  add({ fn: 'randomLayer', bad: `cIn: ${label}`, call: () => randomLayer(ds3(), bad(v), 1, createRng(1)), throws: /randomLayer: cIn must be an integer in \[1, 65536\], got/ });
  add({ fn: 'randomLayer', bad: `cOut: ${label}`, call: () => randomLayer(ds3(), 1, bad(v), createRng(1)), throws: /randomLayer: cOut must be an integer in \[1, 65536\], got/ });
}
add({ fn: 'randomLayer', bad: 'cOut·cIn·|B| > MAX_COEFFS', call: () => randomLayer(ds3(), 65536, 65536, createRng(1)), throws: /randomLayer: cOut·cIn·\|B\| must be <= 67108864/ });
for (const [label, v] of [['NaN', Number.NaN], ['Infinity', Infinity], ["'1'", '1']] as [string, unknown][]) {
  add({ fn: 'randomLayer', bad: `scale: ${label}`, call: () => randomLayer(ds3(), 1, 1, createRng(1), bad(v)), throws: /randomLayer: scale must be a finite number/ });
}
add({ fn: 'randomLayer', bad: 'rng: Math', call: () => randomLayer(ds3(), 1, 1, bad(Math)), throws: /randomLayer: rng must be an Rng/ });
add({ fn: 'randomLayer', bad: 'basis: no elements', call: () => randomLayer({ ...ds3(), elements: [] }, 1, 1, createRng(1)), throws: /randomLayer: basis must be an EquivariantBasis with at least one element/ });
add({ fn: 'randomLayer', bad: 'basis: element of the wrong shape', call: () => randomLayer({ ...ds3(), elements: [sparseIdentity(4)] }, 1, 1, createRng(1)), throws: /randomLayer: basis.elements\[0\].rows must be 3, got 4/ });
add({ fn: 'randomLayer', bad: 'biasVectors[0]: wrong length', call: () => randomLayer(ds3(), 1, 1, createRng(1), 1, [new Float64Array(2)]), throws: /randomLayer: biasVectors\[0\] must have length dOut = 3, got 2/ });
add({ fn: 'randomLayer', bad: 'biasVectors[0]: NaN', call: () => randomLayer(ds3(), 1, 1, createRng(1), 1, [Float64Array.from([1, Number.NaN, 1])]), throws: /randomLayer: biasVectors\[0\]\[1\] must be a finite number, got NaN/ });
add({ fn: 'randomLayer', bad: 'biasVectors: []', call: () => randomLayer(ds3(), 1, 1, createRng(1), 1, []), throws: /randomLayer: biasVectors must hold at least one G-fixed vector/ });
add({ fn: 'checkLayer', bad: 'layer.coeffs: wrong length', setup: layer21, call: (l: EquivariantLayer) => checkLayer('checkLayer', { ...l, coeffs: new Float64Array(3) }), throws: /checkLayer: coeffs must have length cOut·cIn·\|B\| = 1·2·2 = 4, got 3/ });
add({ fn: 'checkLayer', bad: 'layer.mask: wrong length', setup: layer21, call: (l: EquivariantLayer) => checkLayer('checkLayer', { ...l, mask: new Uint8Array(3) }), throws: /checkLayer: mask must have length 4, got 3/ });
add({ fn: 'checkLayer', bad: 'layer: null', call: () => checkLayer('checkLayer', bad(null)), throws: /checkLayer: layer must be an EquivariantLayer/ });
add({ fn: 'checkLayer', bad: 'layer.bias.vectors: NaN', setup: layer21, call: (l: EquivariantLayer) => checkLayer('checkLayer', { ...l, bias: { vectors: [Float64Array.from([Number.NaN, 1, 1])], coeffs: new Float64Array(1) } }), throws: /checkLayer: bias.vectors\[0\]\[0\] must be a finite number, got NaN/ });
add({ fn: 'checkLayer', bad: 'layer.bias.units: NaN', setup: layer21, call: (l: EquivariantLayer) => checkLayer('checkLayer', { ...l, bias: { vectors: [onesVector(3)], coeffs: new Float64Array(2), units: Float64Array.from([1, Number.NaN]) } }), throws: /checkLayer: bias values must be finite, got NaN at index 1/ });
add({ fn: 'checkNetwork', bad: 'net: { layers: [] }', call: () => checkNetwork('checkNetwork', { layers: [] }), throws: /checkNetwork: network must have at least one layer/ });
add({ fn: 'checkNetwork', bad: 'net: undefined', call: () => checkNetwork('checkNetwork', bad(undefined)), throws: /checkNetwork: net must be an EquivariantNetwork/ });
add({ fn: 'checkNetwork', bad: 'net: mismatched copies between layers', call: () => checkNetwork('checkNetwork', { layers: [layer21(), layer21()] }), throws: /checkNetwork: layer 1 expects 2 copies of dim 3, layer 0 gives 1 copies of dim 3/ });
add({ fn: 'inputSize', bad: 'net: { layers: [] } (read layers[0] of nothing)', call: () => inputSize({ layers: [] }), throws: /inputSize: network must have at least one layer/ });
add({ fn: 'outputSize', bad: 'net: null', call: () => outputSize(bad(null)), throws: /outputSize: net must be an EquivariantNetwork/ });
add({ fn: 'maskedCoeffs', bad: 'layer.mask: shorter (missing entries read as pruned)', setup: layer21, call: (l: EquivariantLayer) => maskedCoeffs({ ...l, mask: new Uint8Array(2) }), throws: /maskedCoeffs: mask must have length 4, got 2/ });
add({ fn: 'layerDenseMatrix', bad: 'layer.coeffs: NaN', setup: layer21, call: (l: EquivariantLayer) => layerDenseMatrix({ ...l, coeffs: Float64Array.from([Number.NaN, 0, 0, 0]) }), throws: /layerDenseMatrix: coeffs must be finite, got NaN at index 0/ });
add({ fn: 'layerDenseMatrix', bad: 'layer: 2^28 dense entries', setup: () => randomLayer(deepSetsBasis(1024), 256, 1, createRng(1)), call: (l: EquivariantLayer) => layerDenseMatrix(l), throws: /layerDenseMatrix: \(cOut·dOut\)·\(cIn·dIn\) must be <= 134217728/ });

// --- bias.ts ----------------------------------------------------------------------------------------------------
add({ fn: 'invariantVectors', bad: 'action: {}', call: () => invariantVectors(bad({})), throws: /invariantVectors: action.name and action.group must be strings/ });
add({ fn: 'invariantVectors', bad: 'action.generators[0]: out of range', call: () => invariantVectors(bad({ name: 'a', group: 'g', dim: 2, generators: [Int32Array.from([0, 2])] })), throws: /invariantVectors: action.generators\[0\] must be a permutation/ });
for (const [label, d] of SIZES) add({ fn: 'onesVector', bad: `d: ${label}`, call: () => onesVector(bad(d)), throws: /onesVector: d must be a positive integer/ });
add({ fn: 'biasUnitCount', bad: 'bias: null', call: () => biasUnitCount(bad(null)), throws: /biasUnitCount: bias must be a LayerBias/ });
add({ fn: 'biasUnitCount', bad: 'bias.units: 3', call: () => biasUnitCount(bad({ vectors: [], coeffs: new Float64Array(0), units: 3 })), throws: /biasUnitCount: bias.units must be a Float64Array or undefined, got 3/ });
const biased = (): EquivariantLayer => randomLayer(ds3(), 1, 2, createRng(1), 1, [onesVector(3)]);
add({ fn: 'effectiveBiasCoeffs', bad: 'layer.bias.coeffs: wrong length (read undefined: NaN)', setup: biased, call: (l: EquivariantLayer) => effectiveBiasCoeffs({ ...l, bias: { ...l.bias!, coeffs: new Float64Array(1) } }), throws: /effectiveBiasCoeffs: bias.coeffs must have length cOut·units·\|vectors\| = 2·1·1 = 2, got 1/ });
add({ fn: 'effectiveBiasCoeffs', bad: 'layer.bias.unitsMask without units', setup: biased, call: (l: EquivariantLayer) => effectiveBiasCoeffs({ ...l, bias: { ...l.bias!, unitsMask: new Uint8Array(1) } }), throws: /effectiveBiasCoeffs: bias.unitsMask needs bias.units/ });
add({ fn: 'layerBiasVector', bad: 'layer.bias.vectors[0]: wrong length', setup: biased, call: (l: EquivariantLayer) => layerBiasVector({ ...l, bias: { ...l.bias!, vectors: [onesVector(4)] } }), throws: /layerBiasVector: bias.vectors\[0\] must have length dOut = 3, got 4/ });
add({ fn: 'layerBiasVector', bad: "layer.bias.vectors: 'ones'", setup: biased, call: (l: EquivariantLayer) => layerBiasVector({ ...l, bias: { ...l.bias!, vectors: bad('ones') } }), throws: /layerBiasVector: bias.vectors must be an array of G-fixed vectors/ });

// --- forward-f64.ts ---------------------------------------------------------------------------------------------
const x2 = () => new Float64Array(2 * 2 * 3).fill(0.5);
for (const len of [0, 3, 5]) {
  add({ fn: 'networkForwardF64', bad: `coeffs of length ${len} (issue #16: NaN output)`, setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [{ ...l, coeffs: new Float64Array(len) }] }, x2(), 2), throws: /networkForwardF64: net layer 0: coeffs must have length .* = 4, got/ });
  add({ fn: 'layerForwardF64', bad: `coeffs of length ${len}`, setup: layer21, call: (l: EquivariantLayer) => layerForwardF64({ ...l, coeffs: new Float64Array(len) }, x2(), 2), throws: /layerForwardF64: layer: coeffs must have length/ });
}
add({ fn: 'networkForwardF64', bad: 'coeffs: NaN', setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [{ ...l, coeffs: Float64Array.from([1, Number.NaN, 0, 0]) }] }, x2(), 2), throws: /coeffs must be finite, got NaN at index 1/ });
add({ fn: 'networkForwardF64', bad: 'x: wrong length', setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [l] }, x2().subarray(1), 2), throws: /networkForwardF64: x must have length/ });
add({ fn: 'networkForwardF64', bad: 'x: NaN entry', setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [l] }, x2().fill(Number.NaN, 3, 4), 2), throws: /networkForwardF64: x must be finite, got NaN at index 3/ });
add({ fn: 'networkForwardF64', bad: "x: 'abc'", setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [l] }, bad('abc'), 2), throws: /networkForwardF64: x must be a Float64Array of length batch·cIn·dIn = 12, got 'abc'/ });
for (const [label, b] of SIZES.filter(([l]) => l !== '0')) {
  add({ fn: 'networkForwardF64', bad: `batch: ${label}`, setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [l] }, x2(), bad(b)), throws: /networkForwardF64: batch must be a non-negative integer/ });
}
add({ fn: 'networkForwardF64', bad: 'net: no layers', call: () => networkForwardF64({ layers: [] }, x2(), 2), throws: /networkForwardF64: net: network must have at least one layer/ });
add({ fn: 'networkForwardF64', bad: 'batch: 0 with empty x', setup: layer21, call: (l: EquivariantLayer) => networkForwardF64({ layers: [l] }, new Float64Array(0), 0), accepts: 'an empty batch gives an empty output' });
add({ fn: 'layerForwardF64', bad: 'x: Infinity', setup: layer21, call: (l: EquivariantLayer) => layerForwardF64(l, x2().fill(Infinity, 0, 1), 2), throws: /layerForwardF64: x must be finite, got Infinity at index 0/ });
add({ fn: 'networkVjpF64', bad: 'v: wrong length', setup: net2, call: (n: EquivariantNetwork) => networkVjpF64(n, new Float64Array(3), 1, new Float64Array(2)), throws: /networkVjpF64: v must have length batch·output width = 3, got 2/ });
add({ fn: 'networkVjpF64', bad: 'v: NaN', setup: net2, call: (n: EquivariantNetwork) => networkVjpF64(n, new Float64Array(3), 1, Float64Array.from([0, Number.NaN, 0])), throws: /networkVjpF64: v must be finite, got NaN at index 1/ });
add({ fn: 'networkVjpF64', bad: 'x: wrong length', setup: net2, call: (n: EquivariantNetwork) => networkVjpF64(n, new Float64Array(4), 1, new Float64Array(3)), throws: /networkVjpF64: x must have length batch·cIn·dIn = 3, got 4/ });

// --- equivariance.ts --------------------------------------------------------------------------------------------
add({ fn: 'actOnBatch', bad: 'g: [0, 0, 1]', call: () => actOnBatch(Int32Array.from([0, 0, 1]), new Float64Array(3), 1, 1), throws: /actOnBatch: g must be a permutation/ });
add({ fn: 'actOnBatch', bad: 'batch: NaN (message named x before)', call: () => actOnBatch(identityPermutation(3), new Float64Array(3), Number.NaN, 1), throws: /actOnBatch: batch must be a non-negative integer, got NaN/ });
add({ fn: 'actOnBatch', bad: 'copies: 1.5', call: () => actOnBatch(identityPermutation(3), new Float64Array(3), 1, 1.5), throws: /actOnBatch: copies must be a non-negative integer/ });
add({ fn: 'actOnBatch', bad: 'x: wrong length', call: () => actOnBatch(identityPermutation(3), new Float64Array(4), 1, 1), throws: /actOnBatch: x must have length batch·copies·dim = 3, got 4/ });
add({ fn: 'groupElementPairs', bad: 'actionOut: another group', call: () => groupElementPairs(s3(), symmetricGroup(4).set()), throws: /groupElementPairs: input and output actions must be of the same group/ });
for (const [label, m] of [['NaN (never stopped)', Number.NaN], ['0', 0], ['1.5', 1.5], ['Infinity', Infinity]] as [string, unknown][]) {
  add({ fn: 'groupElementPairs', bad: `maxElements: ${label}`, setup: s3, call: (a: ReturnType<typeof s3>) => groupElementPairs(a, a, bad(m)), throws: /groupElementPairs: maxElements must be a positive integer <= 1000000/ });
  add({ fn: 'equivarianceErrorF64', bad: `maxElements: ${label}`, setup: net2, call: (n: EquivariantNetwork) => equivarianceErrorF64(n, s3(), s3(), new Float64Array(3), 1, bad(m)), throws: /equivarianceErrorF64: maxElements must be a positive integer <= 1000000/ });
}
add({ fn: 'groupElementPairs', bad: 'S_5 with maxElements 10', setup: () => symmetricGroup(5).set(), call: (a: ReturnType<typeof s3>) => groupElementPairs(a, a, 10), throws: /groupElementPairs: more than maxElements = 10 elements/ });
add({ fn: 'equivarianceErrorF64', bad: 'actionIn: S_4 for a net on R^3 (error named actOnBatch before)', setup: net2, call: (n: EquivariantNetwork) => equivarianceErrorF64(n, symmetricGroup(4).set(), symmetricGroup(4).set(), new Float64Array(3), 1), throws: /equivarianceErrorF64: actionIn and actionOut must act on the network's copy spaces \(dims 3 -> 3\), got dims 4 -> 4/ });
add({ fn: 'equivarianceErrorF64', bad: 'x: NaN', setup: net2, call: (n: EquivariantNetwork) => equivarianceErrorF64(n, s3(), s3(), Float64Array.from([0, Number.NaN, 0]), 1), throws: /equivarianceErrorF64: x must be finite, got NaN at index 1/ });
add({ fn: 'equivarianceErrorF64', bad: 'batch: 1.5', setup: net2, call: (n: EquivariantNetwork) => equivarianceErrorF64(n, s3(), s3(), new Float64Array(3), 1.5), throws: /equivarianceErrorF64: batch must be a non-negative integer, got 1.5/ });
add({ fn: 'equivarianceErrorF64', bad: 'net: null', call: () => equivarianceErrorF64(bad(null), s3(), s3(), new Float64Array(3), 1), throws: /equivarianceErrorF64: net: net must be an EquivariantNetwork/ });
add({ fn: 'equivarianceErrorF64', bad: 'S_8 past maxElements 64', setup: () => ({ layers: [randomLayer(deepSetsBasis(8), 1, 1, createRng(3))] }), call: (n: EquivariantNetwork) => equivarianceErrorF64(n, symmetricGroup(8).set(), symmetricGroup(8).set(), new Float64Array(8).fill(0.1), 1), accepts: 'past maxElements the check falls back on the generators (documented)' });

// --- tf-forward.ts and image-forward.ts ----------------------------------------------------------------------------------------------
const tfIn = () => ({ l: layer21(), x: tf.zeros([2, 6]) as tf.Tensor2D });
type TfIn = ReturnType<typeof tfIn>;
add({ fn: 'layerForwardTf', bad: 'x: wrong width', setup: () => ({ l: layer21(), x: tf.zeros([2, 5]) as tf.Tensor2D }), call: ({ l, x }: TfIn) => layerForwardTf(l, x), throws: /layerForwardTf: x must be a tensor of shape \[batch, 6\] \(cIn·dIn\), got shape \[2, 5\]/ });
add({ fn: 'layerForwardTf', bad: 'x: int32', setup: () => ({ l: layer21(), x: tf.zeros([2, 6], 'int32') as tf.Tensor2D }), call: ({ l, x }: TfIn) => layerForwardTf(l, x), throws: /layerForwardTf: x must be a float32 tensor, got an int32 tensor/ });
add({ fn: 'layerForwardTf', bad: 'x: nested array, not a tensor', setup: layer21, call: (l: EquivariantLayer) => layerForwardTf(l, bad([[0, 0, 0, 0, 0, 0]])), throws: /layerForwardTf: x must be a float32 tensor, got an array of length 1/ });
add({ fn: 'layerForwardTf', bad: 'x: disposed', setup: () => { const t = tfIn(); t.x.dispose(); return t; }, call: ({ l, x }: TfIn) => layerForwardTf(l, x), throws: /layerForwardTf: x must be a float32 tensor, got a disposed tensor/ });
add({ fn: 'layerForwardTf', bad: 'layer.coeffs: NaN (NaN output before)', setup: tfIn, call: ({ l, x }: TfIn) => layerForwardTf({ ...l, coeffs: Float64Array.from([Number.NaN, 0, 0, 0]) }, x), throws: /layerForwardTf: layer: coeffs must be finite, got NaN at index 0/ });
add({ fn: 'layerForwardTf', bad: 'x: rank 3', setup: () => ({ l: layer21(), x: tf.zeros([1, 2, 6]) as unknown as tf.Tensor2D }), call: ({ l, x }: TfIn) => layerForwardTf(l, x), throws: /layerForwardTf: x must be a tensor of shape \[batch, 6\]/ });
add({ fn: 'networkForwardTf', bad: 'x: wrong width', setup: () => ({ n: net2(), x: tf.zeros([2, 4]) as tf.Tensor2D }), call: ({ n, x }: { n: EquivariantNetwork; x: tf.Tensor2D }) => networkForwardTf(n, x), throws: /networkForwardTf: x must be a tensor of shape \[batch, 3\] \(cIn·dIn\), got shape \[2, 4\]/ });
add({ fn: 'networkForwardTf', bad: 'net: no layers', setup: () => tf.zeros([2, 3]) as tf.Tensor2D, call: (x: tf.Tensor2D) => networkForwardTf({ layers: [] }, x), throws: /networkForwardTf: network must have at least one layer/ });
add({ fn: 'networkForwardTf', bad: 'x: [0, 3] (empty batch)', setup: () => ({ n: net2(), x: tf.zeros([0, 3]) as tf.Tensor2D }), call: ({ n, x }: { n: EquivariantNetwork; x: tf.Tensor2D }) => networkForwardTf(n, x), accepts: 'an empty batch gives a [0, 3] output' });
add({ fn: 'basisStackTensor', bad: 'basis: index out of range (dropped by the Float32Array)', setup: badBasis, call: (b: EquivariantBasis) => basisStackTensor(b), throws: /basisStackTensor: basis.elements\[0\].colIdx\[2\] must be an integer in \[0, 3\)/ });
add({ fn: 'basisStackTensor', bad: 'basis: 3', call: () => basisStackTensor(bad(3)), throws: /basisStackTensor: basis must be an EquivariantBasis, got 3/ });
const fc = () => ({ c: tf.zeros([1, 4]), x: tf.zeros([2, 6]) as tf.Tensor2D });
type Fc = ReturnType<typeof fc>;
add({ fn: 'layerForwardFromCoeffs', bad: 'x: wrong width (the message named layerForwardTf)', setup: () => ({ c: tf.zeros([1, 4]), x: tf.zeros([2, 5]) as tf.Tensor2D }), call: ({ c, x }: Fc) => layerForwardFromCoeffs(ds3(), 2, 1, c, x), throws: /layerForwardFromCoeffs: x must be a tensor of shape \[batch, 6\]/ });
add({ fn: 'layerForwardFromCoeffs', bad: 'coeffs: 3 entries', setup: () => ({ c: tf.zeros([3]), x: tf.zeros([2, 6]) as tf.Tensor2D }), call: ({ c, x }: Fc) => layerForwardFromCoeffs(ds3(), 2, 1, c, x), throws: /layerForwardFromCoeffs: coeffs must have 4 entries \(cOut·cIn·K\), got 3/ });
add({ fn: 'layerForwardFromCoeffs', bad: 'coeffs: int32', setup: () => ({ c: tf.zeros([1, 4], 'int32'), x: tf.zeros([2, 6]) as tf.Tensor2D }), call: ({ c, x }: Fc) => layerForwardFromCoeffs(ds3(), 2, 1, c, x), throws: /layerForwardFromCoeffs: coeffs must be a float32 tensor, got an int32 tensor/ });
for (const [label, v] of SIZES) add({ fn: 'layerForwardFromCoeffs', bad: `cIn: ${label}`, setup: fc, call: ({ c, x }: Fc) => layerForwardFromCoeffs(ds3(), bad(v), 1, c, x), throws: /layerForwardFromCoeffs: cIn must be a positive integer/ });
add({ fn: 'layerForwardFromCoeffs', bad: 'stack: wrong shape', setup: () => ({ ...fc(), s: tf.zeros([3, 5]) as tf.Tensor2D }), call: ({ c, x, s }: Fc & { s: tf.Tensor2D }) => layerForwardFromCoeffs(ds3(), 2, 1, c, x, s), throws: /layerForwardFromCoeffs: stack must be a tensor of shape \[3, 6\]/ });
add({ fn: 'layerForwardFromCoeffs', bad: 'coeffs: NaN entries (a tensor)', setup: () => ({ c: tf.fill([1, 4], Number.NaN), x: tf.zeros([2, 6]) as tf.Tensor2D }), call: ({ c, x }: Fc) => layerForwardFromCoeffs(ds3(), 2, 1, c, x), accepts: 'coefficients inside a tensor are not read back (that would sync a GPU tensor): NaN propagates, as in tfjs ops' });
add({ fn: 'biasVectorsTensor', bad: 'vectors: []', call: () => biasVectorsTensor([]), throws: /biasVectorsTensor: vectors must hold at least one vector/ });
add({ fn: 'biasVectorsTensor', bad: 'vectors: different lengths (overflowed the buffer)', call: () => biasVectorsTensor([onesVector(3), onesVector(4)]), throws: /biasVectorsTensor: vectors\[1\] must be an array of length 3/ });
add({ fn: 'biasVectorsTensor', bad: 'vectors[0]: NaN', call: () => biasVectorsTensor([Float64Array.from([Number.NaN])]), throws: /biasVectorsTensor: vectors\[0\]\[0\] must be a finite number, got NaN/ });
const bfc = () => ({ c: tf.zeros([2, 1]), v: tf.ones([1, 3]) as tf.Tensor2D });
type Bfc = ReturnType<typeof bfc>;
for (const [label, v] of SIZES) add({ fn: 'biasFromCoeffs', bad: `cOut: ${label}`, setup: bfc, call: ({ c, v: vs }: Bfc) => biasFromCoeffs(bad(v), c, vs), throws: /biasFromCoeffs: cOut must be a positive integer/ });
add({ fn: 'biasFromCoeffs', bad: 'coeffs: 3 entries for cOut 2', setup: () => ({ c: tf.zeros([3]), v: tf.ones([1, 3]) as tf.Tensor2D }), call: ({ c, v }: Bfc) => biasFromCoeffs(2, c, v), throws: /biasFromCoeffs: coeffs must have 2 entries \(cOut·Kb\), got 3/ });
add({ fn: 'biasFromCoeffs', bad: 'vectors: rank 1', setup: () => ({ c: tf.zeros([2, 1]), v: tf.ones([3]) as unknown as tf.Tensor2D }), call: ({ c, v }: Bfc) => biasFromCoeffs(2, c, v), throws: /biasFromCoeffs: vectors must be a 2-D tensor, got shape \[3\]/ });
add({ fn: 'biasFromCoeffs', bad: 'coeffs: a number array', setup: () => tf.ones([1, 3]) as tf.Tensor2D, call: (v: tf.Tensor2D) => biasFromCoeffs(2, bad([0, 0]), v), throws: /biasFromCoeffs: coeffs must be a float32 tensor, got an array of length 2/ });
type Kfc = { c: tf.Tensor; x: tf.Tensor3D };
add({ fn: 'kLayerForwardFromCoeffs', bad: 'x: rank 2', setup: () => ({ c: tf.zeros([1, 4]), x: tf.zeros([2, 6]) as unknown as tf.Tensor3D }), call: ({ c, x }: Kfc) => kLayerForwardFromCoeffs(ds3(), 2, 1, c, x), throws: /kLayerForwardFromCoeffs: x must be a 3-D tensor/ });
add({ fn: 'kLayerForwardFromCoeffs', bad: 'x: wrong width', setup: () => ({ c: tf.zeros([2, 4]), x: tf.zeros([2, 3, 5]) as tf.Tensor3D }), call: ({ c, x }: Kfc) => kLayerForwardFromCoeffs(ds3(), 2, 1, c, x), throws: /kLayerForwardFromCoeffs: x must be a tensor of shape \[M, batch, 6\]/ });
add({ fn: 'kLayerForwardFromCoeffs', bad: 'coeffs: one model for two', setup: () => ({ c: tf.zeros([1, 4]), x: tf.zeros([2, 3, 6]) as tf.Tensor3D }), call: ({ c, x }: Kfc) => kLayerForwardFromCoeffs(ds3(), 2, 1, c, x), throws: /kLayerForwardFromCoeffs: coeffs must have 8 entries/ });
add({ fn: 'kBiasFromCoeffs', bad: 'coeffs: 3 entries per model for cOut 2', setup: () => ({ c: tf.zeros([2, 3]), v: tf.ones([1, 3]) as tf.Tensor2D }), call: ({ c, v }: Bfc) => kBiasFromCoeffs(2, c, v), throws: /kBiasFromCoeffs: coeffs must be \[M, 2\]/ });
add({ fn: 'kBiasFromCoeffs', bad: 'vectors: rank 1', setup: () => ({ c: tf.zeros([2, 2]), v: tf.ones([3]) as unknown as tf.Tensor2D }), call: ({ c, v }: Bfc) => kBiasFromCoeffs(2, c, v), throws: /kBiasFromCoeffs: vectors must be a 2-D tensor, got shape \[3\]/ });
const idSet = (): ConvFilterSet => identityFilterSet(2);
for (const [label, ch] of [...SIZES, ['1e6', 1e6]] as [string, unknown][]) add({ fn: 'identityFilterSet', bad: `channels: ${label}`, call: () => identityFilterSet(bad(ch)), throws: /identityFilterSet: channels must be a positive integer/ });
add({ fn: 'filterSetTensor', bad: 'set.filters[0]: wrong length (overflowed the buffer)', setup: idSet, call: (s: ConvFilterSet) => filterSetTensor({ ...s, filters: [new Float64Array(5)] }), throws: /filterSetTensor: set.filters\[0\] must be an array of length 4/ });
add({ fn: 'filterSetTensor', bad: 'set.kernel: 2', setup: idSet, call: (s: ConvFilterSet) => filterSetTensor({ ...s, kernel: 2 }), throws: /filterSetTensor: set.kernel must be an odd integer in \[1, 1023\], got 2/ });
add({ fn: 'filterSetTensor', bad: 'set.inChannels: 0', setup: idSet, call: (s: ConvFilterSet) => filterSetTensor({ ...s, inChannels: 0 }), throws: /filterSetTensor: set.inChannels must be a positive integer, got 0/ });
add({ fn: 'filterSetTensor', bad: 'set.filters[0]: NaN', setup: idSet, call: (s: ConvFilterSet) => filterSetTensor({ ...s, filters: [Float64Array.from([Number.NaN, 0, 0, 1])] }), throws: /filterSetTensor: set.filters\[0\]\[0\] must be a finite number, got NaN/ });
add({ fn: 'filterSetTensor', bad: 'set: null', call: () => filterSetTensor(bad(null)), throws: /filterSetTensor: set must be a ConvFilterSet/ });
const ck = () => ({ s: idSet(), c: tf.zeros([1, 1]), f: tf.zeros([1, 4]) as tf.Tensor2D });
type Ck = ReturnType<typeof ck>;
add({ fn: 'convKernelFromCoeffs', bad: 'coeffs: 2 entries for 1', setup: () => ({ ...ck(), c: tf.zeros([2]) }), call: ({ s, c, f }: Ck) => convKernelFromCoeffs(s, 1, 1, c, f), throws: /convKernelFromCoeffs: coeffs must be a tensor of cOut·cIn·K = 1 entries, got shape \[2\]/ });
add({ fn: 'convKernelFromCoeffs', bad: 'filters: wrong shape', setup: () => ({ ...ck(), f: tf.zeros([1, 5]) as tf.Tensor2D }), call: ({ s, c, f }: Ck) => convKernelFromCoeffs(s, 1, 1, c, f), throws: /convKernelFromCoeffs: filters must be a tensor of shape \[1, 4\] \(see filterSetTensor\), got shape \[1, 5\]/ });
add({ fn: 'convKernelFromCoeffs', bad: 'cIn: 1.5', setup: ck, call: ({ s, c, f }: Ck) => convKernelFromCoeffs(s, 1.5, 1, c, f), throws: /convKernelFromCoeffs: cIn must be a positive integer, got 1.5/ });
const img = () => {
  const g = c4t();
  const b = groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: 3 });
  const f = convFilters(b, g, 3);
  const set: ConvFilterSet = { filters: f.filters, kernel: 3, inChannels: f.inChannels, outChannels: f.outChannels };
  const l = randomLayer(b, 1, 1, createRng(4), 1, invariantVectors(g.regularField()));
  return { l, set, x: tf.zeros([1, 5, 5, 1]) as tf.Tensor4D };
};
type Img = ReturnType<typeof img>;
add({ fn: 'layerConvKernel', bad: 'set: filters of another basis', setup: img, call: ({ l }: Img) => layerConvKernel(l, identityFilterSet(4)), throws: /layerConvKernel: filter set has 1 filters, basis has 9 elements/ });
add({ fn: 'layerConvKernel', bad: 'layer.coeffs: NaN', setup: img, call: ({ l, set }: Img) => layerConvKernel({ ...l, coeffs: l.coeffs.map((v, i) => (i === 0 ? Number.NaN : v)) }, set), throws: /layerConvKernel: layer: coeffs must be finite, got NaN at index 0/ });
add({ fn: 'convBiasChannels', bad: 'vectors[0]: not constant over pixels', setup: img, call: ({ set }: Img) => convBiasChannels([Float64Array.from({ length: 100 }, (_, i) => i)], set), throws: /convBiasChannels: bias vector 0 is not constant over pixels in channel 0/ });
add({ fn: 'convBiasChannels', bad: 'vectors[0]: NaN', setup: img, call: ({ set }: Img) => convBiasChannels([new Float64Array(100).fill(Number.NaN)], set), throws: /convBiasChannels: vectors\[0\]\[0\] must be a finite number, got NaN/ });
add({ fn: 'convBiasChannels', bad: 'set.outChannels: 1.5', setup: img, call: ({ set }: Img) => convBiasChannels([onesVector(100)], { ...set, outChannels: 1.5 }), throws: /convBiasChannels: set.outChannels must be a positive integer, got 1.5/ });
add({ fn: 'layerConvBias', bad: 'set.outChannels: 3 (100 not a multiple)', setup: img, call: ({ l, set }: Img) => layerConvBias(l, { ...set, outChannels: 3, filters: set.filters.map(() => new Float64Array(27)) }), throws: /layerConvBias: layer.basis.dOut = 100 must be a multiple of set.outChannels = 3/ });
add({ fn: 'imageNetworkForwardTf', bad: "options.padding: 'reflect' (ran as circular)", setup: img, call: ({ l, set, x }: Img) => imageNetworkForwardTf({ layers: [l] }, [set], x, bad({ padding: 'reflect' })), throws: /imageNetworkForwardTf: options.padding must be 'zeros' or 'circular', got 'reflect'/ });
add({ fn: 'imageNetworkForwardTf', bad: 'options: unknown key', setup: img, call: ({ l, set, x }: Img) => imageNetworkForwardTf({ layers: [l] }, [set], x, bad({ pad: 'zeros' })), throws: /imageNetworkForwardTf: options has an unknown key 'pad'/ });
add({ fn: 'imageNetworkForwardTf', bad: 'filterSets: one too many', setup: img, call: ({ l, set, x }: Img) => imageNetworkForwardTf({ layers: [l] }, [set, set], x), throws: /imageNetworkForwardTf: filterSets must have one entry per layer \(1\), got 2/ });
add({ fn: 'imageNetworkForwardTf', bad: 'x: NCHW [1, 1, 5, 5]', setup: () => ({ ...img(), x: tf.zeros([1, 1, 5, 5]) as tf.Tensor4D }), call: ({ l, set, x }: Img) => imageNetworkForwardTf({ layers: [l] }, [set], x), throws: /imageNetworkForwardTf: x must have shape \[batch, H, W, 1\], got \[1, 1, 5, 5\]/ });
add({ fn: 'imageNetworkForwardTf', bad: 'x: int32', setup: () => ({ ...img(), x: tf.zeros([1, 5, 5, 1], 'int32') as tf.Tensor4D }), call: ({ l, set, x }: Img) => imageNetworkForwardTf({ layers: [l] }, [set], x), throws: /imageNetworkForwardTf: x must be a float32 tensor, got an int32 tensor/ });
add({ fn: 'imageNetworkForwardTf', bad: 'filterSets[0]: filters of another basis', setup: img, call: ({ l, x }: Img) => imageNetworkForwardTf({ layers: [l] }, [identityFilterSet(1)], x), throws: /imageNetworkForwardTf: filterSets\[0\] has 1 filters, layer 0's basis has 9 elements/ });

// --- subset-sum.ts ----------------------------------------------------------------------------------------------
add({ fn: 'solveSubsetSum', bad: 'samples: NaN', call: () => solveSubsetSum([0.1, Number.NaN], 0), throws: /solveSubsetSum: samples must be finite, got NaN at index 1/ });
add({ fn: 'solveSubsetSum', bad: 'samples: 41 entries', call: () => solveSubsetSum(new Array(41).fill(0.1), 0), throws: /solveSubsetSum: samples must have at most 40 entries, got 41/ });
add({ fn: 'solveSubsetSum', bad: 'samples: 5 (not an array: garbage before)', call: () => solveSubsetSum(bad(5), 0), throws: /solveSubsetSum: samples must be an array of finite numbers, got 5/ });
for (const [label, t] of [['NaN', Number.NaN], ['Infinity', Infinity], ["'1'", '1']] as [string, unknown][]) {
  add({ fn: 'solveSubsetSum', bad: `target: ${label}`, call: () => solveSubsetSum([0.1, 0.2], bad(t)), throws: /solveSubsetSum: target must be a finite number/ });
}
add({ fn: 'solveSubsetSum', bad: 'samples: []', call: () => solveSubsetSum([], 0.3), accepts: 'no samples: the empty subset, error |target|' });
for (const [label, n] of [['NaN', Number.NaN], ['-1', -1], ['1.5', 1.5], ['41', 41], ["'2'", '2']] as [string, unknown][]) {
  add({ fn: 'solveSubsetSumBatch', bad: `n: ${label}`, call: () => solveSubsetSumBatch(new Float64Array(2), new Float64Array(1), bad(n)), throws: /solveSubsetSumBatch: n must be an integer in \[0, 40\]/ });
}
add({ fn: 'solveSubsetSumBatch', bad: 'samples: wrong length', call: () => solveSubsetSumBatch(new Float64Array(5), new Float64Array(2), 3), throws: /solveSubsetSumBatch: samples must have length targets.length·n = 6, got 5/ });
add({ fn: 'solveSubsetSumBatch', bad: 'targets: NaN', call: () => solveSubsetSumBatch(new Float64Array(2), Float64Array.from([Number.NaN]), 2), throws: /solveSubsetSumBatch: targets must be finite, got NaN at index 0/ });
add({ fn: 'solveSubsetSumBatch', bad: 'targets: undefined', call: () => solveSubsetSumBatch(new Float64Array(2), bad(undefined), 2), throws: /solveSubsetSumBatch: targets must be a Float64Array of finite numbers, got undefined/ });
add({ fn: 'bruteForceSubsetSum', bad: 'samples: NaN (returned the empty set as optimal)', call: () => bruteForceSubsetSum([Number.NaN, 0.2], 0.2), throws: /bruteForceSubsetSum: samples must be finite, got NaN at index 0/ });
add({ fn: 'bruteForceSubsetSum', bad: 'target: NaN', call: () => bruteForceSubsetSum([0.1, 0.2], Number.NaN), throws: /bruteForceSubsetSum: target must be a finite number, got NaN/ });
add({ fn: 'bruteForceSubsetSum', bad: 'samples: 25 entries', call: () => bruteForceSubsetSum(new Array(25).fill(0.1), 0), throws: /bruteForceSubsetSum: samples must have at most 24 entries, got 25/ });

// --- construction.ts --------------------------------------------------------------------------------------------
const rule = { nIn: 1, nOut: 1, basisSize: 2, basisNorm: 2, depth: 1, eps: 0.01 };
for (const [label, eps] of [['0', 0], ['1', 1], ['NaN', Number.NaN], ['-0.1', -0.1]] as [string, unknown][]) {
  add({ fn: 'hiddenCopiesFor', bad: `eps: ${label}`, call: () => hiddenCopiesFor({ ...rule, eps: bad(eps) }), throws: /hiddenCopiesFor: eps must be in \(0, 1\)/ });
}
for (const [label, c] of [['Infinity (m = Infinity)', Infinity], ['0', 0], ['NaN', Number.NaN]] as [string, unknown][]) {
  add({ fn: 'hiddenCopiesFor', bad: `c: ${label}`, call: () => hiddenCopiesFor({ ...rule, c: bad(c) }), throws: /hiddenCopiesFor: rule.c must be a finite number > 0/ });
}
add({ fn: 'hiddenCopiesFor', bad: 'basisNorm: Infinity (m = Infinity)', call: () => hiddenCopiesFor({ ...rule, basisNorm: Infinity }), throws: /hiddenCopiesFor: rule.basisNorm must be a finite number > 0, got Infinity/ });
for (const [label, v] of SIZES) add({ fn: 'hiddenCopiesFor', bad: `nIn: ${label}`, call: () => hiddenCopiesFor({ ...rule, nIn: bad(v) }), throws: /hiddenCopiesFor: nIn must be a positive integer/ });
add({ fn: 'hiddenCopiesFor', bad: 'rule: unknown key', call: () => hiddenCopiesFor(bad({ ...rule, epsilon: 0.1 })), throws: /hiddenCopiesFor: rule has an unknown key 'epsilon'/ });
add({ fn: 'hiddenCopiesFor', bad: 'rule: undefined', call: () => hiddenCopiesFor(bad(undefined)), throws: /hiddenCopiesFor: rule must be a HiddenCopiesRule/ });
const tgt = (): EquivariantNetwork => ({ layers: [randomLayer(ds3(), 1, 1, createRng(5), 0.3)] });
for (const [label, seed] of SEEDS) {
  add({ fn: 'buildRandomNetwork', bad: `options.seed: ${label}`, setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork(t, { samples: 4, seed: bad(seed) }), throws: /buildRandomNetwork: options.seed must be a safe non-negative integer/ });
}
for (const [label, m] of [['0', 0], ['41', 41], ['1.5', 1.5], ['NaN', Number.NaN], ['[4, 4] for 1 layer', [4, 4]]] as [string, unknown][]) {
  add({ fn: 'buildRandomNetwork', bad: `options.samples: ${label}`, setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork(t, { samples: bad(m), seed: 1 }), throws: /buildRandomNetwork: options.samples must be an integer in \[1, 40\] or 1 of them/ });
}
add({ fn: 'buildRandomNetwork', bad: 'options: unknown key', setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork(t, bad({ samples: 4, seed: 1, sample: 3 })), throws: /buildRandomNetwork: options has an unknown key 'sample'/ });
add({ fn: 'buildRandomNetwork', bad: 'options: undefined', setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork(t, bad(undefined)), throws: /buildRandomNetwork: options must be an options object/ });
add({ fn: 'buildRandomNetwork', bad: 'options.selfBases: without the identity', setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork(t, { samples: 4, seed: 1, selfBases: [{ ...ds3(), identityIndex: -1 }] }), throws: /buildRandomNetwork: selfBases\[0\] must map R\^3 to itself and contain the identity/ });
add({ fn: 'buildRandomNetwork', bad: 'options.selfBases: 2 for 1 layer', setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork(t, { samples: 4, seed: 1, selfBases: [ds3(), ds3()] }), throws: /buildRandomNetwork: options.selfBases must have 1 entries/ });
add({ fn: 'buildRandomNetwork', bad: 'target: 4096 copies x 40 samples (> MAX_COEFFS)', setup: () => ({ layers: [randomLayer(mlpBasis(), 4096, 1, createRng(5))] }), call: (t: EquivariantNetwork) => buildRandomNetwork(t, { samples: 40, seed: 1 }), throws: /buildRandomNetwork: options.samples = 40 makes layer 0 of the random network hold \d+ coefficients, more than MAX_COEFFS/ });
add({ fn: 'buildRandomNetwork', bad: 'target: coeffs NaN', setup: tgt, call: (t: EquivariantNetwork) => buildRandomNetwork({ layers: [{ ...t.layers[0]!, coeffs: Float64Array.from([Number.NaN, 0]) }] }, { samples: 4, seed: 1 }), throws: /buildRandomNetwork: target layer 0: coeffs must be finite, got NaN/ });
const drawn = () => {
  const t = tgt();
  return { t, r: buildRandomNetwork(t, { samples: 6, seed: 1 }) };
};
type Drawn = ReturnType<typeof drawn>;
for (const [label, m] of [['7 (> drawn 6)', 7], ['0', 0], ['NaN', Number.NaN], ['[3, 3] for 1 layer', [3, 3]]] as [string, unknown][]) {
  add({ fn: 'restrictSamples', bad: `samples: ${label}`, setup: drawn, call: ({ r }: Drawn) => restrictSamples(r, bad(m)), throws: /restrictSamples: samples must be an integer in \[1, samples drawn\] or 1 of them \(drawn: 6\)/ });
}
add({ fn: 'restrictSamples', bad: 'random: {}', call: () => restrictSamples(bad({}), 3), throws: /restrictSamples: random must be a RandomNetwork/ });
add({ fn: 'restrictSamples', bad: 'random.samples: [6, 6] for 2 layers', setup: drawn, call: ({ r }: Drawn) => restrictSamples({ ...r, samples: [6, 6] }, 3), throws: /restrictSamples: random must have 2 layers per entry of random.samples \(2\), got 2 layers/ });
add({ fn: 'pruneToTarget', bad: 'options.basisNorms: [NaN] (NaN error bound)', setup: drawn, call: ({ t, r }: Drawn) => pruneToTarget(t, r, { basisNorms: [Number.NaN] }), throws: /pruneToTarget: options.basisNorms\[0\] must be a finite number, got NaN/ });
add({ fn: 'pruneToTarget', bad: 'options.basisNorms: wrong length', setup: drawn, call: ({ t, r }: Drawn) => pruneToTarget(t, r, { basisNorms: [2, 2] }), throws: /pruneToTarget: options.basisNorms must be an array of length 1/ });
add({ fn: 'pruneToTarget', bad: 'options.basisNorms: [-1]', setup: drawn, call: ({ t, r }: Drawn) => pruneToTarget(t, r, { basisNorms: [-1] }), throws: /pruneToTarget: options.basisNorms\[0\] must be a finite number > 0, got -1/ });
add({ fn: 'pruneToTarget', bad: 'options: unknown key', setup: drawn, call: ({ t, r }: Drawn) => pruneToTarget(t, r, bad({ basisNorm: [2] })), throws: /pruneToTarget: options has an unknown key 'basisNorm'/ });
add({ fn: 'pruneToTarget', bad: 'random: drawn for another target', setup: drawn, call: ({ r }: Drawn) => pruneToTarget({ layers: [randomLayer(ds3(), 1, 2, createRng(6))] }, r), throws: /pruneToTarget: random layers 0, 1 do not match target layer 0/ });
add({ fn: 'pruneToTarget', bad: 'random: null', setup: tgt, call: (t: EquivariantNetwork) => pruneToTarget(t, bad(null)), throws: /pruneToTarget: random must be a RandomNetwork/ });
for (const [label, eps] of [['NaN (NaN lower bound)', Number.NaN], ['0', 0], ['-1', -1], ['Infinity', Infinity]] as [string, unknown][]) {
  add({ fn: 'parameterReport', bad: `eps: ${label}`, setup: drawn, call: ({ t, r }: Drawn) => parameterReport(t, r.network, bad(eps)), throws: /parameterReport: eps must be a finite number > 0/ });
}
add({ fn: 'parameterReport', bad: 'pruned: null', setup: tgt, call: (t: EquivariantNetwork) => parameterReport(t, bad(null), 0.1), throws: /parameterReport: pruned: net must be an EquivariantNetwork/ });

// --- approximation.ts -------------------------------------------------------------------------------------------
for (const [label, seed] of SEEDS) {
  add({ fn: 'randomUnitVectors', bad: `seed: ${label}`, call: () => randomUnitVectors(2, 3, bad(seed)), throws: /randomUnitVectors: seed must be a safe non-negative integer/ });
  add({ fn: 'estimateSupError', bad: `seed: ${label}`, setup: net2, call: (n: EquivariantNetwork) => estimateSupError(n, n, 4, bad(seed)), throws: /estimateSupError: seed must be a safe non-negative integer/ });
}
for (const [label, v] of SIZES.filter(([l]) => l !== '0')) add({ fn: 'randomUnitVectors', bad: `count: ${label}`, call: () => randomUnitVectors(bad(v), 3, 0), throws: /randomUnitVectors: count must be a non-negative integer/ });
add({ fn: 'randomUnitVectors', bad: 'dim: 0 (0/0 = NaN)', call: () => randomUnitVectors(2, 0, 0), throws: /randomUnitVectors: dim must be a positive integer, got 0/ });
add({ fn: 'randomUnitVectors', bad: 'count·dim: 2^40', call: () => randomUnitVectors(2 ** 20, 2 ** 20, 0), throws: /randomUnitVectors: count·dim must be <= 134217728/ });
for (const [label, v] of [['0', 0], ['1.5', 1.5], ['NaN', Number.NaN], ['1e9', 1e9]] as [string, unknown][]) {
  add({ fn: 'estimateSupError', bad: `samples: ${label}`, setup: net2, call: (n: EquivariantNetwork) => estimateSupError(n, n, bad(v)), throws: /estimateSupError: samples must be a positive integer <= 1048576/ });
}
add({ fn: 'estimateSupError', bad: "options: unknown key 'steps'", setup: net2, call: (n: EquivariantNetwork) => estimateSupError(n, n, 8, 1, bad({ steps: 3 })), throws: /estimateSupError: unknown option 'steps'/ });
add({ fn: 'estimateSupError', bad: 'options.ascentSteps: 1e9', setup: net2, call: (n: EquivariantNetwork) => estimateSupError(n, n, 8, 1, { ascentSteps: 1e9 }), throws: /estimateSupError: options.ascentSteps must be an integer in \[0, 10000\]/ });
add({ fn: 'estimateSupError', bad: 'options.ascentStarts: 0', setup: net2, call: (n: EquivariantNetwork) => estimateSupError(n, n, 8, 1, { ascentStarts: 0 }), throws: /estimateSupError: options.ascentStarts must be a positive integer/ });
add({ fn: 'estimateSupError', bad: 'g: other widths', setup: net2, call: (n: EquivariantNetwork) => estimateSupError(n, { layers: [randomLayer(deepSetsBasis(4), 1, 1, createRng(1))] }), throws: /estimateSupError: f and g must have the same widths, got 3 -> 3 and 4 -> 4/ });
add({ fn: 'estimateSupError', bad: 'f: null', setup: net2, call: (n: EquivariantNetwork) => estimateSupError(bad(null), n), throws: /estimateSupError: f: net must be an EquivariantNetwork/ });
add({ fn: 'telescopingBound', bad: 'deltas: [NaN]', call: () => telescopingBound([Number.NaN]), throws: /telescopingBound: deltas\[0\] must be a finite number, got NaN/ });
add({ fn: 'telescopingBound', bad: 'deltas: [-0.5] (a negative error)', call: () => telescopingBound([0.1, -0.5]), throws: /telescopingBound: deltas\[1\] must be a finite number >= 0, got -0.5/ });
add({ fn: 'telescopingBound', bad: "deltas: '0.1'", call: () => telescopingBound(bad('0.1')), throws: /telescopingBound: deltas must be an array of finite numbers/ });
add({ fn: 'telescopingBound', bad: 'deltas: []', call: () => telescopingBound([]), accepts: 'no layers: the empty product minus 1 is 0' });

export { cases };
