/**
 * kernels-sinkhorn-demo, the science: log-domain Sinkhorn (@lemma/ot-matching's solver on the fused kernels of
 * @lemma/gpu-kernels) between a noisy ring and two noisy blobs in 2-D, against the same solver in float64.
 * Plan → data; the verdict, metrics and figures live beside it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, pairwiseSqDist } from '@lemma/gpu-kernels';
import { sinkhorn, sinkhornF64 } from '@lemma/ot-matching';
import type { ReproContext } from '../../types';

export interface SinkhornPlan {
  /** Points per cloud. */
  n: number;
  /** Entropic regularisation ε. */
  eps: number;
  /** Sinkhorn iterations at one ε from zero potentials. */
  iterations: number;
  /** Also run the float64 reference (the same iterations) and compare the duals. */
  float64Reference: boolean;
}

export const QUICK_PLAN: SinkhornPlan = { n: 256, eps: 0.05, iterations: 200, float64Reference: true };
export const FULL_PLAN: SinkhornPlan = { n: 2048, eps: 0.05, iterations: 500, float64Reference: false };

/** Two 2-D clouds: a noisy ring (source) and two noisy blobs (target), seeded. */
export function clouds(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rng.uniform();
    x[2 * i] = Math.cos(t) + 0.05 * rng.normal();
    x[2 * i + 1] = Math.sin(t) + 0.05 * rng.normal();
    const side = i % 2 === 0 ? -1 : 1;
    y[2 * i] = 0.5 * side + 0.2 * rng.normal() + 2.5;
    y[2 * i + 1] = 0.3 * rng.normal();
  }
  return { x, y };
}

/** One point of a cloud and one link of the plan (a source point to its heaviest target). */
export interface CloudPoint {
  x: number;
  y: number;
  cloud: string;
}
export interface PlanLink {
  x: number;
  y: number;
  x2: number;
  y2: number;
  /** The link's share of the source point's mass (P_ij · n). */
  mass: number;
}

/** Everything the verdict, metrics and figures need. */
export interface SinkhornData {
  plan: SinkhornPlan;
  /** Iterations the solver ran. */
  iterations: number;
  /** Wall time of the solve (the column-marginal reads included, the final reads not). */
  seconds: number;
  /** The column-marginal L1 error every ten iterations (floored at 1e-12 for the log axis). */
  errCurve: { iteration: number; marginalError: number }[];
  /** <P, C> (the solver's float64 sum). */
  transportCost: number;
  /** Max |dual − float64 dual| over both potentials, or null without the reference. */
  dualDiff: number | null;
  /** Up to 400 points of each cloud, and each of the first 400 source points' heaviest link. */
  points: CloudPoint[];
  links: PlanLink[];
  seed: number;
}

export async function runSinkhorn(ctx: ReproContext, plan: SinkhornPlan): Promise<SinkhornData> {
  const { n, eps, iterations: iters } = plan;
  const { x, y } = clouds(n, ctx.seed);
  const X = tf.tensor2d(x, [n, 2]);
  const Y = tf.tensor2d(y, [n, 2]);
  const C = pairwiseSqDist(X, Y) as tf.Tensor2D;
  const w = new Float32Array(n).fill(1 / n);
  const errCurve: { iteration: number; marginalError: number }[] = [];
  const bar = ctx.progress('sinkhorn', iters);
  const t0 = performance.now();
  // ot-matching's solver at one ε from zero potentials, `iters` iterations (no threshold is met before: 1e-300),
  // its column-marginal error read every ten iterations (in float64, stepMarginalErrorF64).
  const r = await sinkhorn(w, w, C, eps, {
    epsilonScaling: false,
    maxIterations: iters,
    checkEvery: 10,
    threshold: 1e-300,
    warn: false, // a fixed iteration count on purpose: it never converges to 1e-300
    onCheck: (c) => {
      errCurve.push({ iteration: c.iteration, marginalError: Math.max(c.marginalError, 1e-12) });
      bar.tick(c.iteration - (errCurve.length > 1 ? errCurve[errCurve.length - 2]!.iteration : 0));
    },
  });
  bar.done();
  const seconds = (performance.now() - t0) / 1000;
  const [Cv, fv, gv, Pv] = await Promise.all([C.data(), r.f.data(), r.g.data(), r.plan!.data()]);
  const C64 = Float64Array.from(Cv);
  const refIters = r.iterations;
  // The float64 reference: the same solver in float64 (ot-matching's sinkhornF64), same iterations, same convention.
  const ref = plan.float64Reference ? sinkhornF64(w, w, C64, eps, { epsilonScaling: false, maxIterations: refIters, checkEvery: refIters, threshold: 1e-300, returnPlan: false, warn: false }) : null;
  let dualDiff = 0;
  if (ref) for (let i = 0; i < n; i++) dualDiff = Math.max(dualDiff, Math.abs(fv[i]! - ref.f[i]!), Math.abs(gv[i]! - ref.g[i]!));
  // The plan's strongest link per source point for the drawing.
  const links: PlanLink[] = [];
  for (let i = 0; i < Math.min(n, 400); i++) {
    let best = 0;
    let bestP = -1;
    for (let j = 0; j < n; j++) {
      const p = Pv[i * n + j]!;
      if (p > bestP) {
        bestP = p;
        best = j;
      }
    }
    links.push({ x: x[2 * i]!, y: x[2 * i + 1]!, x2: y[2 * best]!, y2: y[2 * best + 1]!, mass: bestP * n });
  }
  tf.dispose([X, Y, C, r.f, r.g, r.plan!]);
  const points: CloudPoint[] = [
    ...Array.from({ length: Math.min(n, 400) }, (_, i) => ({ x: x[2 * i]!, y: x[2 * i + 1]!, cloud: 'source (ring)' })),
    ...Array.from({ length: Math.min(n, 400) }, (_, i) => ({ x: y[2 * i]!, y: y[2 * i + 1]!, cloud: 'target (blobs)' })),
  ];
  return { plan, iterations: r.iterations, seconds, errCurve, transportCost: r.transportCost, dualDiff: ref ? dualDiff : null, points, links, seed: ctx.seed };
}
