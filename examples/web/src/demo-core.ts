/**
 * The browser demo's computations, free of the DOM so that Node runs the same code with the same seed (the page's
 * test compares the two): two point clouds and their entropic OT plan, and ADANA vs AdamW on a power-law
 * regression problem.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { sinkhorn, squaredDistances } from '@lemma/ot-matching';
import { adamw, adana } from '@lemma/optim';

/** A point in the plane. */
export type Point = [number, number];

/** A ring (source) and two Gaussian blobs (target), `n` points each, from one seed. */
export function makeClouds(seed: number, n: number): { x: Point[]; y: Point[] } {
  const rng = createRng(seed);
  const x: Point[] = [];
  const y: Point[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    x.push([Math.cos(a) + 0.05 * rng.normal(), Math.sin(a) + 0.05 * rng.normal()]);
    const c = i % 2 === 0 ? 2 : 3;
    y.push([c + 0.25 * rng.normal(), 0.4 * rng.normal()]);
  }
  return { x, y };
}

/** What the OT panel shows. */
export interface OtSolution {
  /** n x m plan, row-major. */
  plan: Float32Array;
  n: number;
  m: number;
  transportCost: number;
  iterations: number;
  marginalError: number;
  converged: boolean;
}

/** Entropic OT between uniform weights on `x` and `y` with squared-distance cost (ot-matching's `sinkhorn`). */
export async function solveOt(x: Point[], y: Point[], eps: number): Promise<OtSolution> {
  const X = tf.tensor2d(x);
  const Y = tf.tensor2d(y);
  const C = squaredDistances(X, Y);
  try {
    const r = await sinkhorn(new Array(x.length).fill(1 / x.length), new Array(y.length).fill(1 / y.length), C, eps, { maxIterations: 2000, threshold: 1e-5, warn: false }); // the page shows converged itself
    const plan = (await r.plan!.data()) as Float32Array;
    tf.dispose([r.f, r.g, r.plan!]);
    return { plan, n: x.length, m: y.length, transportCost: r.transportCost, iterations: r.iterations, marginalError: r.marginalError, converged: r.converged };
  } finally {
    tf.dispose([X, Y, C]);
  }
}

/** The regression problem: x ~ N(0, diag(j^-2α)), y = <x, w*> + 0.05·noise with w*_j = j^-β·(random sign); risk = Σ λ_j (w_j - w*_j)². */
const D = 64;
const ALPHA = 1;
const BETA = 0.6;

/** Population risk every `every` steps of ADANA and AdamW from w = 0, fresh batches of 32 from `seed`. */
export async function trainCurves(seed: number, steps: number, every = 10): Promise<{ step: number[]; adamw: number[]; adana: number[] }> {
  const lambda = Float32Array.from({ length: D }, (_, j) => (j + 1) ** (-2 * ALPHA));
  const signs = createRng(seed + 1000);
  const wStar = Float32Array.from({ length: D }, (_, j) => (signs.uniform() < 0.5 ? -1 : 1) * (j + 1) ** -BETA);
  const run = async (make: () => tf.Optimizer): Promise<{ step: number[]; risk: number[] }> => {
    const rng = createRng(seed); // the same batches for both optimizers
    const w = tf.variable(tf.zeros([D, 1]), true, 'w');
    const opt = make();
    const out = { step: [] as number[], risk: [] as number[] };
    const L = tf.tensor2d(lambda, [D, 1]);
    const Ws = tf.tensor2d(wStar, [D, 1]);
    const sqrtL = Float32Array.from(lambda, Math.sqrt);
    try {
      for (let t = 1; t <= steps; t++) {
        const xb = new Float32Array(32 * D);
        for (let i = 0; i < 32; i++) for (let j = 0; j < D; j++) xb[i * D + j] = sqrtL[j]! * rng.normal();
        const xt = tf.tensor2d(xb, [32, D]);
        const noise = tf.tensor2d(Float32Array.from({ length: 32 }, () => 0.05 * rng.normal()), [32, 1]);
        const yt = tf.add(tf.matMul(xt, Ws), noise);
        noise.dispose();
        opt.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(xt, w), yt))) as tf.Scalar);
        tf.dispose([xt, yt]);
        if (t % every === 0 || t === steps) {
          const r = tf.tidy(() => tf.sum(tf.mul(L, tf.square(tf.sub(w, Ws)))));
          out.step.push(t);
          out.risk.push((await r.data())[0]!);
          r.dispose();
        }
      }
      return out;
    } finally {
      tf.dispose([w, L, Ws]);
      opt.dispose();
    }
  };
  const schedule = { kind: 'warmupCosine' as const, totalSteps: steps };
  const a = await run(() => adamw({ learningRate: 0.05, schedule }));
  const b = await run(() => adana({ learningRate: 0.05, totalSteps: steps, schedule }));
  return { step: a.step, adamw: a.risk, adana: b.risk };
}

/** The numbers the page prints and its test compares with Node. */
export interface DemoNumbers {
  backend: string;
  otTransportCost: number;
  otIterations: number;
  otConverged: boolean;
  adamwFinalRisk: number;
  adanaFinalRisk: number;
}

/** The page's default scene for a seed: 48 + 48 points at ε = 0.05 and 300 training steps. */
export async function demoNumbers(seed: number, steps = 300): Promise<DemoNumbers> {
  const { x, y } = makeClouds(seed, 48);
  const ot = await solveOt(x, y, 0.05);
  const curves = await trainCurves(seed, steps);
  return {
    backend: tf.getBackend(),
    otTransportCost: ot.transportCost,
    otIterations: ot.iterations,
    otConverged: ot.converged,
    adamwFinalRisk: curves.adamw[curves.adamw.length - 1]!,
    adanaFinalRisk: curves.adana[curves.adana.length - 1]!,
  };
}
