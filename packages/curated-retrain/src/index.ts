/**
 * @packageDocumentation
 * Self-consuming generative models with curated data (Ferbach, Bertrand, Bose, Gidel; arXiv 2407.09499):
 * exact Luce/H_K population updates, the Monte Carlo retraining loop with per-group Gumbel-max curation,
 * pluggable models (categorical, Gaussian, Gaussian mixture, flow-matching MLP) and per-iteration metrics.
 * Citations: Algorithm 1 [P], Eq. 6/8, Lemmas 2.1/2.2, Thm 2.1 [S]; Theorems 2.2–2.4's text is unreachable (notes §2).
 */
export { luceH, luceHLimit, luceHBradleyTerry, multinomialTermCount } from './luce';
export type { LuceOptions, LuceMethod } from './luce';
export { curatedStep, mixedStep, bestOfKStep, iteratePopulation, topLevelLimit, infiniteKFixedPoint, MAX_POPULATION_CELLS, MAX_POPULATION_WORK } from './population';
export type { ExactStepOptions, MixedStepOptions, IteratePopulationOptions, ExactOperator } from './population';
export { klDivergence, entropy, expectation, variance } from './discrete';
export { luceSelect, bestOfKSelect, globalSoftmaxSelect } from './curation';
export type { LuceSampler } from './curation';
export { luceSelectTensor } from './curation-tensor';
export type { LuceSelectTensorOptions } from './curation-tensor';
export { retrain } from './retrain';
export type { RetrainOptions, RetrainResult, CurationMode } from './retrain';
export type { GenerativeModel, RewardFn } from './model';
export { toSamples, selectRows, concatSamples } from './samples';
export type { Samples } from './samples';
export { categoricalModel } from './models/categorical';
export type { CategoricalModel, CategoricalModelOptions } from './models/categorical';
export { gaussianModel } from './models/gaussian';
export type { GaussianModel, GaussianModelOptions, VarianceEstimator } from './models/gaussian';
export { gaussianMixtureModel } from './models/gmm';
export type { GaussianMixtureModel, GaussianMixtureOptions } from './models/gmm';
export { flowMatchingModel } from './models/flow-matching';
export type { FlowMatchingModel, FlowMatchingOptions } from './models/flow-matching';
export { computeIterationMetrics, checkBinning, histogram, gridBinningFor, RewardQuantileLevels, HISTOGRAM_PSEUDO_COUNT } from './metrics';
export type { IterationMetrics, DensityBinning, MetricsInput } from './metrics';
export { slicedWasserstein, wasserstein1dPow } from './wasserstein';
export type { SlicedWassersteinOptions } from './wasserstein';
export { sinkhornDistance } from './sinkhorn-distance';
export type { SinkhornDistanceOptions } from './sinkhorn-distance';
