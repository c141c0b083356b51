/**
 * Test helpers (not a test file): an optimizer run over seeded gradients on one fresh variable, and the per-coordinate
 * float64 reference run it is compared with. Shared by the per-optimizer and the cross-optimizer tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import type { FusedOptimizer } from './fused-optimizer';

/** Steps of every trajectory. */
export const STEPS = 6;

/**
 * 6 steps of ~15 float32 operations on O(1) weights from float32-rounded inputs: 2e-5 relative + 2e-6 absolute (each
 * op adds ≤ 2^-24 relative; the ADANA family's division by √v + ε amplifies it by at most ~10 early on).
 */
export const TRAJECTORY_TOL = { rtol: 2e-5, atol: 2e-6 };

let serial = 0;
/** A variable name no other test uses (tfjs variable names are process-global). */
export const uniqueName = (prefix: string): string => `${prefix}_${serial++}`;

/** A seeded sequence of STEPS gradients of 16 entries (a [4, 4] variable). */
export function gradSequence(seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: STEPS }, () => Float64Array.from(rng.normalArray(16)));
}

/** Runs `opt` over `grads` on a fresh variable of `shape` starting at `init`; returns its final values. Disposes `opt`. */
export async function runSteps(opt: FusedOptimizer, init: Float64Array, grads: Float64Array[], shape: number[], name = uniqueName('traj')): Promise<Float32Array> {
  const v = tf.variable(tf.tensor(Float32Array.from(init), shape), true, name);
  for (const g of grads) {
    const gt = tf.tensor(Float32Array.from(g), shape);
    opt.applyGradients({ [v.name]: gt });
    gt.dispose();
  }
  const out = (await v.data()) as Float32Array;
  v.dispose();
  opt.dispose();
  return out;
}

/** Runs `opt` on one variable of `shape` over a seeded, float32-rounded start and STEPS gradients; returns all three. */
export async function runSeeded(opt: FusedOptimizer, shape: number[], seed: number): Promise<{ got: Float32Array; init: Float64Array; grads: Float64Array[] }> {
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed);
  const init = Float64Array.from(rng.normalArray(n), Math.fround);
  const grads = Array.from({ length: STEPS }, () => Float64Array.from(rng.normalArray(n), Math.fround));
  return { got: await runSteps(opt, init, grads, shape), init, grads };
}

/** A per-coordinate float64 reference run over the same gradients (steps counted from 1). */
export function perCoordinate<S extends { theta: number }>(init: Float64Array, grads: Float64Array[], start: (x: number) => S, step: (s: S, g: number, t: number) => S): Float64Array {
  return init.map((x, j) => grads.reduce((s, g, i) => step(s, g[j]!, i + 1), start(x)).theta);
}
