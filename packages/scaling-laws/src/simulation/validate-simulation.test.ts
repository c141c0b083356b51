import { describe, expect, it } from 'vitest';
import type { SimulationOptions, SpectralInputs } from '../types';
import { sgdSchedule } from '../theory/schedule';
import { validateSimulation } from './validate-simulation';

/** A 10-mode spectrum: lambda_k = 1/(k+1), rho_k = 1. */
const inputs: SpectralInputs = { lambda: Float64Array.from({ length: 10 }, (_, k) => 1 / (k + 1)), rho0: new Float64Array(10).fill(1), pInf: 0.01 };
const opts: SimulationOptions = { hparams: sgdSchedule(0.1), seeds: 2, seed: 3, steps: [0, 5, 20] };

describe('validateSimulation', () => {
  it('returns the batch size, 1 by default', () => {
    expect(validateSimulation('f', inputs, opts)).toBe(1);
    expect(validateSimulation('f', inputs, { ...opts, batch: 7 })).toBe(7);
    expect(validateSimulation('f', { ...inputs, pInf: 0 }, opts)).toBe(1);
  });

  it('caps the last step at maxWork / (seeds * batch * d), the Monte Carlo cost', () => {
    // 1e4 / (2 seeds * 5 batch * 10 modes) = 100 steps.
    const o = { ...opts, batch: 5, steps: [0, 100] };
    expect(validateSimulation('f', inputs, o, 1e4)).toBe(5);
    expect(() => validateSimulation('f', inputs, { ...o, steps: [0, 101] }, 1e4)).toThrow(/^f: steps\[1\] must be an integer in \[steps\[0\] = 0, 100\]/);
    // Twice the seeds halve the horizon.
    expect(() => validateSimulation('f', inputs, { ...o, seeds: 4, steps: [51] }, 1e4)).toThrow(/f: steps\[0\] must be an integer in \[0, 50\]/);
  });

  it('rejects bad options by message, naming the caller', () => {
    expect(() => validateSimulation('f', inputs, null as unknown as SimulationOptions)).toThrow(/^f: opts must be a SimulationOptions object, got null$/);
    expect(() => validateSimulation('f', inputs, { ...opts, batch: 0 })).toThrow(/f: batch must be a positive integer, got 0/);
    expect(() => validateSimulation('f', inputs, { ...opts, seeds: 1.5 })).toThrow(/f: seeds must be a positive integer, got 1.5/);
    expect(() => validateSimulation('f', inputs, { ...opts, seed: -1 })).toThrow(/f: seed must be a safe non-negative integer/);
    expect(() => validateSimulation('f', inputs, { ...opts, hparams: { ...opts.hparams, g2: { scale: Number.NaN, power: 0 } } })).toThrow(/f: hparams.g2 must be \{scale, power, timeScale\?>0\}/);
    expect(() => validateSimulation('f', inputs, { ...opts, steps: [5, 3] })).toThrow(/f: steps\[1\] must be an integer in \[steps\[0\] = 5,/);
  });

  it('rejects bad spectral inputs by message, a negative P_inf included', () => {
    expect(() => validateSimulation('f', { ...inputs, pInf: -0.5 }, opts)).toThrow(/^f: inputs.pInf must be a finite number >= 0, got -0.5$/);
    expect(() => validateSimulation('f', { ...inputs, rho0: new Float64Array(9) }, opts)).toThrow(/f: inputs.rho0 must be an array of length 10/);
    expect(() => validateSimulation('f', { ...inputs, lambda: Float64Array.of(1, Number.NaN) }, opts)).toThrow(/f: inputs.lambda\[1\] must be a finite number, got NaN/);
  });
});
