import { expectInteger, expectNumber, expectSeed, invalidArgument } from '@lemma/gpu-kernels/validate';
import type { SimulationOptions, SpectralInputs } from '../types';
import { validateHparams } from '../theory/schedule';
import { checkRecursion, MAX_RECURSION_WORK } from '../theory/sgd-recursion';

/** Validates simulator options; returns the batch size. */
export function validateSimulation(fn: string, inputs: SpectralInputs, opts: SimulationOptions, maxWork = MAX_RECURSION_WORK): number {
  if (opts === null || typeof opts !== 'object') throw invalidArgument(fn, 'opts', 'a SimulationOptions object', opts, 'type');
  const batch = opts.batch ?? 1;
  expectInteger(fn, 'batch', batch, { min: 1 });
  expectInteger(fn, 'seeds', opts.seeds, { min: 1 });
  expectSeed(fn, 'seed', opts.seed);
  validateHparams(fn, opts.hparams);
  // Same checks as the exact recursions, with the Monte Carlo's cost seeds · batch · d per step.
  checkRecursion(fn, inputs, opts.steps, maxWork / (opts.seeds * batch));
  expectNumber(fn, 'inputs.pInf', inputs.pInf, { min: 0 });
  return batch;
}
