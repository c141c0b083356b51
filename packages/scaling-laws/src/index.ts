/**
 * @packageDocumentation
 * Power-law random features (PLRF): exact SGD / SGD-M / DANA loss dynamics, eigenbasis Monte Carlo on
 * CPU and GPU, the 4+3 phase diagram with compute-optimal exponents, and scaling-law fitting
 * (power laws, Chinchilla Approach 3). Papers: arXiv 2505.16098 (DANA) and 2405.15074 (4+3 phases).
 */
export { symmetricEigen } from './theory/eigen';
export type { SymmetricEigen } from './theory/eigen';
export { buildPlrfMatrices, plrfSpectrum, plrfInstance, samplePlrfW, plrfDenseRisk, plrfReducedRisk, traceD } from './theory/plrf';
export type { PlrfOptions, PlrfMatrices, PlrfSpectrum } from './theory/plrf';
export type { SpectralInputs } from './types';
export { theoryInputs, theoryLimitRisk, theoryKappa, theoryTau } from './theory/theory-inputs';
export type { TheoryInputOptions } from './theory/theory-inputs';
export { constant, evalPowerLaw, evalHparams, sgdSchedule } from './theory/schedule';
export type { PowerLaw, GenMomHparams, GenMomValues } from './theory/schedule';
export { plrfHparams, plrfBaseLearningRate, PLRF_ALGORITHMS } from './theory/algorithms';
export type { PlrfAlgorithm, PlrfHparamOptions } from './theory/algorithms';
export { geometricStepGrid } from './step-grid';
export { sgdExpectedRisk, sgdKernelNorm, sgdRiskFloor, UnstableLearningRateError } from './theory/sgd-recursion';
export type { RiskCurve } from './types';
export type { SgdRecursionOptions } from './theory/sgd-recursion';
export { genMomExpectedRisk, genMomRiskODE } from './theory/momentum-dynamics';
export type { MomentumTheoryOptions, MomentumOdeOptions } from './theory/momentum-dynamics';
export { simulateEigenbasisCPU } from './simulation/simulate-cpu';
export { summariseRuns } from './simulation/summarise-runs';
export type { SimulationOptions, SimulationResult } from './types';
export { simulateEigenbasisGPU } from './simulation/simulate-gpu';
export type { GpuSimulationOptions } from './simulation/simulate-gpu';
export { simulateDense } from './simulation/simulate-dense';
// The simulators' random stream, defined in gpu-kernels (one implementation for every package).
export { NormalStream } from '@lemma/gpu-kernels';
export { classifyPhase, predictExponents, PHASE_IV_SPLIT_ALPHA } from './theory/phases';
export type { SgdPhase, PhasePrediction, Provenance, PhaseIvSplit, ClassifyOptions, PredictOptions, ComputeOptimalPrediction } from './theory/phases';
export { measureComputeOptimalExponents } from './fitting/measure-exponents';
export type { MeasureExponentOptions, MeasuredExponents, SpectrumSource } from './fitting/measure-exponents';
export { parseSpectraFile, spectralInputsFromFile } from './fitting/spectra-file';
export type { SpectraFileIndex, SpectraFileEntry } from './fitting/spectra-file';
export { computeOptimalFrontier, fitComputeOptimalExponents } from './fitting/compute-optimal';
export type { SizedCurve, ComputeOptimalFrontier, FrontierOptions, ComputeOptimalExponents } from './fitting/compute-optimal';
export { fitPowerLaw, localLogSlope, interpLogLog, studentT975 } from './fitting/powerlaw-fit';
export type { PowerLawFit, PowerLawFitOptions } from './fitting/powerlaw-fit';
export { minimizeLbfgs } from './fitting/lbfgs';
export type { Objective, LbfgsOptions, LbfgsResult } from './fitting/lbfgs';
export { fitChinchilla, bootstrapChinchilla, chinchillaLoss, chinchillaOptimalAllocation, projectLinear, EPOCH_CHINCHILLA } from './fitting/chinchilla';
export type { ScalingObservations, ChinchillaParams, ChinchillaFitOptions, ChinchillaFit, BootstrapOptions, ChinchillaBootstrap } from './fitting/chinchilla';
