/**
 * @packageDocumentation
 * Optimal-transport neuron matching and linear mode connectivity (Ferbach et al., "Proving Linear Mode Connectivity
 * of Neural Networks via Optimal Transport", AISTATS 2024): exact assignment and Sinkhorn solvers, permutation specs,
 * weight/activation matching, interpolation, REPAIR and loss barriers for tfjs-layers models.
 */
export { linearSumAssignment } from './assignment';
export type { AssignmentOptions, AssignmentResult, CostMatrix, CostRows } from './assignment';
export { wassersteinExact, groundCost } from './wasserstein';
export type { PointCloud, WassersteinOptions, WassersteinResult } from './wasserstein';
export { sinkhorn, sinkhornDivergence, squaredDistances } from './sinkhorn';
export type { SinkhornInit, SinkhornResult, SinkhornDivergenceOptions, SinkhornDivergenceResult } from './sinkhorn';
export { sinkhornF64 } from './sinkhorn-f64';
export type { SinkhornF64Init, SinkhornF64Result } from './sinkhorn-f64';
export type { SinkhornOptions, SinkhornStats, SinkhornCheck } from './sinkhorn-schedule';
export { sinkhornPointClouds, sinkhornDivergencePointClouds } from './sinkhorn-point-clouds';
export type { SinkhornPointCloudOptions, SinkhornPointCloudStats, SinkhornPointCloudResult, SinkhornDivergencePointCloudResult } from './sinkhorn-point-clouds';
export { getParams, setParams, cloneModel, interpolate, interpolateParams, paramKeys } from './params';
export type { Param, Params } from './params';
export { sequentialPermutationSpec, permToAxes } from './permutation-spec';
export type { ParamAxes, PermutationSpec } from './permutation-spec';
export { applyPermutation, permuteParams, randomPermutations, identityPermutations, invertPermutation, gatherAxis } from './permute';
export type { Permutations } from './permute';
export { weightMatching, layerwiseOTAlignment, matchingObjective } from './weight-matching';
export type { WeightMatchingOptions, WeightMatchingResult, LayerwiseOTOptions, LayerwiseOTResult, InputMoment } from './weight-matching';
export { activationMatching, layerInputMoments } from './activations';
export type { ActivationMatchingOptions } from './activations';
export { repair, repairParams } from './repair';
export { lossBarrier, evaluate } from './barrier';
export type { BarrierOptions, BarrierResult, LabelledData } from './barrier';
export { approximateDimension, weightSupportDimension, layerDimensions } from './dimension';
