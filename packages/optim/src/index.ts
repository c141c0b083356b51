/**
 * @packageDocumentation
 * ADANA, DANA and their baselines (AdamW, AdEMAMix, SGD-momentum, Muon) as TensorFlow.js optimizers with
 * log-time schedules. Papers: arXiv 2602.05298 (ADANA), 2505.16098 (DANA), 2409.03137 (AdEMAMix).
 * Step convention: t is 1-based everywhere (PyTorch).
 */
export {
  logTimeCoefficient,
  logTimeBeta,
  dampingFactor,
  logTimeWeightDecay,
  danaDelta,
  warmupCosine,
  constantSchedule,
  linearDecay,
  ademamixAlpha,
  halfLife,
  betaFromHalfLife,
  ademamixBeta3,
  logTimeEmaWeights,
} from './schedules';
export type { Schedule, LogTimeWeightDecayOptions, WarmupCosineOptions, LinearDecayOptions } from './schedules';
export type { ScheduleSpec } from './schedule-spec';
export { resolveSchedule } from './schedule-spec';
export type { CommonOptions, ParamGroup, NonFinitePolicy } from './config';
export { clipPerModel } from './per-model-clip';
export { FusedOptimizer, slotKey } from './fused-optimizer';
export type { StepContext } from './fused-optimizer';
export type { FusedRule, RuleScalars } from './rules';
export { adanaRule, danaStarRule, danaRule, adamwRule, ademamixRule, sgdMomentumRule, NO_CLIP } from './rules';
export { Adana, DanaMK4, DanaStar, DanaStarMK4, adana, danaMK4, danaStar, danaStarMK4 } from './adana';
export type { AdanaOptions } from './adana';
export { Dana, dana, danaGamma3, danaHyperparameters } from './dana';
export type { DanaOptions, DanaProblem, DanaHyperparameters } from './dana';
export { AdamW, adamw } from './adamw';
export type { AdamWOptions } from './adamw';
export { AdEMAMix, ademamix } from './ademamix';
export type { AdEMAMixOptions } from './ademamix';
export { SgdMomentum, sgdMomentum } from './sgd-momentum';
export type { SgdMomentumOptions } from './sgd-momentum';
export { Muon, muon, newtonSchulz } from './muon';
export type { MuonOptions } from './muon';
// The float64 reference rules as one namespace (its members: reference.ts's exports, pinned by index.test.ts).
import * as reference from './reference';
export { reference };
