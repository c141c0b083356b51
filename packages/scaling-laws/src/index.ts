/**
 * @packageDocumentation
 * Power-law random features (PLRF): exact SGD / SGD-M / DANA loss dynamics, eigenbasis Monte Carlo on
 * CPU and GPU, the 4+3 phase diagram with compute-optimal exponents, and scaling-law fitting
 * (power laws, Chinchilla Approach 3). Papers: arXiv 2505.16098 (DANA) and 2405.15074 (4+3 phases).
 */
export { symmetricEigen } from './eigen';
export type { SymmetricEigen } from './eigen';
export { buildPlrfMatrices, plrfSpectrum, plrfInstance, samplePlrfW, plrfDenseRisk, plrfReducedRisk, traceD } from './plrf';
export type { PlrfOptions, PlrfMatrices, PlrfSpectrum, SpectralInputs } from './plrf';
export { theoryInputs, theoryLimitRisk, theoryKappa, theoryTau } from './theory-inputs';
export type { TheoryInputOptions } from './theory-inputs';
export { constant, evalPowerLaw, evalHparams, sgdSchedule } from './schedule';
export type { PowerLaw, GenMomHparams, GenMomValues } from './schedule';
export { plrfHparams, plrfBaseLearningRate, PLRF_ALGORITHMS } from './algorithms';
export type { PlrfAlgorithm, PlrfHparamOptions } from './algorithms';
export { geometricStepGrid } from './step-grid';
export { sgdExpectedRisk, sgdKernelNorm, sgdRiskFloor, UnstableLearningRateError } from './sgd-recursion';
export type { RiskCurve, SgdRecursionOptions } from './sgd-recursion';
export { genMomExpectedRisk, genMomRiskODE } from './momentum-dynamics';
export type { MomentumTheoryOptions, MomentumOdeOptions } from './momentum-dynamics';
export { simulateEigenbasisCPU, summariseRuns } from './simulate-cpu';
export type { SimulationOptions, SimulationResult } from './simulate-cpu';
export { simulateEigenbasisGPU } from './simulate-gpu';
export type { GpuSimulationOptions } from './simulate-gpu';
export { simulateDense } from './simulate-dense';
export { NormalStream } from './normal-stream';
export { classifyPhase, predictExponents, PHASE_IV_SPLIT_ALPHA } from './phases';
export type { SgdPhase, PhasePrediction, Provenance, PhaseIvSplit, ClassifyOptions, PredictOptions, ComputeOptimalPrediction } from './phases';
export { measureComputeOptimalExponents } from './measure-exponents';
export type { MeasureExponentOptions, MeasuredExponents, SpectrumSource } from './measure-exponents';
export { parseSpectraFile, spectralInputsFromFile } from './spectra-file';
export type { SpectraFileIndex, SpectraFileEntry } from './spectra-file';
export { computeOptimalFrontier, fitComputeOptimalExponents } from './compute-optimal';
export type { SizedCurve, ComputeOptimalFrontier, FrontierOptions, ComputeOptimalExponents } from './compute-optimal';
export { fitPowerLaw, localLogSlope, interpLogLog, studentT975 } from './powerlaw-fit';
export type { PowerLawFit, PowerLawFitOptions } from './powerlaw-fit';
export { minimizeLbfgs } from './lbfgs';
export type { Objective, LbfgsOptions, LbfgsResult } from './lbfgs';
export {
  fitChinchilla,
  bootstrapChinchilla,
  chinchillaLoss,
  chinchillaOptimalAllocation,
  projectLinear,
  EPOCH_CHINCHILLA,
} from './chinchilla';
export type { ScalingObservations, ChinchillaParams, ChinchillaFitOptions, ChinchillaFit, BootstrapOptions, ChinchillaBootstrap } from './chinchilla';
