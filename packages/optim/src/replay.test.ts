import * as tf from '@tensorflow/tfjs-core';
import { captureStepGraph, createRng } from '@lemma/gpu-kernels';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { adana } from './adana';
import { adamw } from './adamw';
import type { FusedOptimizer } from './fused-optimizer';

const STEPS = 7;
const SHAPES = [[3, 4], [3]] as const;

/**
 * Trains two variables for STEPS steps on fixed gradients, eagerly or with step 0 eager, steps 1-2 captured
 * into a step graph and steps 3.. replayed (`late`: the second variable starts at step 1, steps 0-1 are eager,
 * 2-3 captured, 4.. replayed); returns the final parameters and the optimizer's step counter.
 */
async function train(make: () => FusedOptimizer, replay: boolean, late = false): Promise<{ p: number[][]; iterations: number; stats?: number }> {
  const rng = createRng(5);
  const tag = `replay_${Math.random().toString(36).slice(2)}`;
  const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(Float32Array.from(rng.normalArray(s.reduce((a, b) => a * b, 1))), [...s]), true, `${tag}_${i}`));
  const batches = Array.from({ length: STEPS }, () => SHAPES.map((s) => tf.tensor(Float32Array.from(rng.normalArray(s.reduce((a, b) => a * b, 1))), [...s])));
  const opt = make();
  const step = (b: tf.Tensor[]): void => opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, b[i]!])));
  // `late`: the second variable misses step 0, so its own t trails the optimizer's (and the first variable's) by one.
  const first = (b: tf.Tensor[]): void => (late ? opt.applyGradients({ [vars[0]!.name]: b[0]! }) : step(b));
  let stats: number | undefined;
  if (!replay) {
    first(batches[0]!);
    for (const b of batches.slice(1)) step(b);
  } else {
    first(batches[0]!);
    // A capture needs every variable's state to exist: with `late`, one more eager step creates the second's.
    const e = late ? 2 : 1;
    if (late) step(batches[1]!);
    const { graph, outputs } = captureStepGraph(step, [batches[e]!, batches[e + 1]!]);
    stats = graph.stats.dispatches;
    tf.dispose(outputs.flat());
    for (const b of batches.slice(e + 2)) tf.dispose(graph.replay(b));
    graph.dispose();
  }
  const p = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
  const iterations = opt.iterations;
  tf.dispose([...vars, ...batches.flat()]);
  opt.dispose();
  return { p, iterations, stats };
}

describeEachBackend(
  'the webgpu optimizer step is replay-safe (step graph: per-step scalars recomputed before each replay)',
  () => {
    for (const [label, make] of [
      ['AdamW, clipNorm, warmup-cosine schedule (t, lr, bias corrections, decay change every step)', () => adamw({ learningRate: 0.05, clipNorm: 0.5, schedule: { kind: 'warmupCosine', totalSteps: STEPS, warmupSteps: 2 } })],
      ['Adana, log-time decay (a, damp, decay change every step)', () => adana({ learningRate: 0.02, totalSteps: 100 })],
      ['AdamW with learningRateScale (per-model scalars)', () => adamw({ learningRate: 0.05, learningRateScale: [0.5, 1, 2], noDecay: [] })],
      ['AdamW with learningRateScale and clipNorm (per-model clip, tfjs ops in the graph)', () => adamw({ learningRate: 0.05, learningRateScale: [0.5, 1, 2], clipNorm: 0.5 })],
    ] as [string, () => FusedOptimizer][]) {
      it(`${label}, a variable first seen at step 2 (per-variable t): replayed steps equal eager steps`, async () => {
        tf.env().set('WEBGPU_CPU_FORWARD', false);
        try {
          const eager = await train(make, false, true);
          const graph = await train(make, true, true);
          expect(graph.iterations).toBe(STEPS);
          graph.p.forEach((p, i) => expect(p).toEqual(eager.p[i]));
        } finally {
          tf.env().set('WEBGPU_CPU_FORWARD', true);
        }
      });
      it(`${label}: replayed steps equal eager steps, float32-exact; the counter advances per replay`, async () => {
        tf.env().set('WEBGPU_CPU_FORWARD', false);
        try {
          const eager = await train(make, false);
          const graph = await train(make, true);
          expect(graph.stats).toBeGreaterThan(0);
          expect(graph.iterations).toBe(STEPS);
          expect(eager.iterations).toBe(STEPS);
          graph.p.forEach((p, i) => expect(p).toEqual(eager.p[i]));
        } finally {
          tf.env().set('WEBGPU_CPU_FORWARD', true);
        }
      });
    }
  },
  ['webgpu'],
);
