/**
 * @packageDocumentation
 * Equivariant strong lottery tickets (Ferbach, Tsirigotis, Gidel, Bose, ICLR 2023, arXiv 2206.04270):
 * permutation groups, equivariant bases, coefficient-parameterised layers, the random overparametrized
 * construction and its pruning by exact subset sum.
 * Citations: only Thm 1 and Lemma 1 are numbered (via Natale et al. 2024); the paper body and any code were unavailable.
 */

// Groups acting by permutations.
export { type Permutation, MAX_ACTION_DIM, identityPermutation, composePermutations, invertPermutation, isPermutation, applyPermutation } from './permutation';
export {
  type PermAction,
  type SymmetricGroup,
  type PointGroupName,
  type ImageGroupOptions,
  type ImageGroup,
  MAX_GROUP_ELEMENTS,
  MAX_IMAGE_SIZE,
  permAction,
  groupElements,
  trivialAction,
  symmetricGroup,
  imageGroup,
} from './groups';

// Linear algebra.
export { type SparseMatrix, MAX_DENSE_ENTRIES, MAX_NORM_ITERATIONS, sparseFromDense, sparseToDense, sparseIdentity, operatorNorm, frobeniusNorm } from './sparse';
export { type Echelon, rowEchelon, matrixRank, nullSpace } from './nullspace';

// Equivariant bases.
export {
  type EquivariantBasis,
  type OrbitBasisOptions,
  type BasisNormResult,
  orbitBasis,
  permutationMatrix,
  nullSpaceBasis,
  nullSpaceBasisOfActions,
  includeIdentity,
  basisEquivarianceResidual,
  basisRank,
  basisNorm,
} from './basis';
export {
  type FieldType,
  type GroupConvBasisOptions,
  MAX_BASIS_N,
  mlpBasis,
  deepSetsBasis,
  setReadoutBasis,
  maron2to2Basis,
  maron1to2Basis,
  maron2to1Basis,
  groupConvBasis,
  convFilters,
} from './closed-forms';

// Layers and networks: data model, biases, float64 reference, equivariance check, tensor paths.
export {
  type EquivariantLayer,
  type LayerBias,
  type EquivariantNetwork,
  MAX_COPIES,
  MAX_COEFFS,
  checkLayer,
  checkNetwork,
  inputSize,
  outputSize,
  maskedCoeffs,
  randomLayer,
  layerDenseMatrix,
} from './network';
export { invariantVectors, onesVector, biasUnitCount, effectiveBiasCoeffs, layerBiasVector } from './bias';
export { layerForwardF64, networkForwardF64, networkVjpF64 } from './forward-f64';
export { actOnBatch, equivarianceErrorF64, groupElementPairs } from './equivariance';
export { basisStackTensor, layerForwardTf, biasVectorsTensor, biasFromCoeffs, layerForwardFromCoeffs, networkForwardTf, kLayerForwardFromCoeffs, kBiasFromCoeffs } from './tf-forward';
export {
  type ConvFilterSet,
  type ImageForwardOptions,
  filterSetTensor,
  convKernelFromCoeffs,
  layerConvKernel,
  convBiasChannels,
  layerConvBias,
  imageNetworkForwardTf,
  identityFilterSet,
} from './image-forward';

// Subset sum, the construction and its pruning, error measurement.
export { type SubsetSumSolution, type SubsetSumBatch, MAX_SUBSET_SUM_SAMPLES, solveSubsetSum, solveSubsetSumBatch, bruteForceSubsetSum } from './subset-sum';
export {
  type HiddenCopiesRule,
  type RandomNetworkOptions,
  type RandomNetwork,
  type LayerPruneReport,
  type PrunedNetwork,
  type PruneOptions,
  type ParameterReport,
  hiddenCopiesFor,
  buildRandomNetwork,
  restrictSamples,
  pruneToTarget,
  parameterReport,
} from './construction';
export { type SupErrorEstimate, type SupErrorOptions, randomUnitVectors, estimateSupError, telescopingBound } from './approximation';
