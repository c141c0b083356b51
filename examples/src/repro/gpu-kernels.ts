import * as tf from '@tensorflow/tfjs-core';
import { createRng, pairwiseSqDist } from '@lemma/gpu-kernels';
import { sinkhorn, sinkhornF64 } from '@lemma/ot-matching';
import type { Figure, Reproduction } from '../types';
import { VEGA_LITE } from '../lib/figures';

/** Two 2-D clouds: a noisy ring (source) and two noisy blobs (target), seeded. */
function clouds(n: number, seed: number): { x: Float32Array; y: Float32Array } {
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

const sinkhornDemo: Reproduction = {
  id: 'kernels-sinkhorn-demo',
  title: 'Backend report and entropic OT between two 2-D point clouds',
  paper: 'Cuturi, "Sinkhorn Distances" (NeurIPS 2013), log-domain form: @lemma/ot-matching\'s solver on the fused kernels of @lemma/gpu-kernels',
  package: '@lemma/gpu-kernels',
  async run(ctx) {
    const n = ctx.quick ? 256 : 2048;
    const eps = 0.05;
    const iters = ctx.quick ? 200 : 500;
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
      onCheck: (c) => {
        errCurve.push({ iteration: c.iteration, marginalError: Math.max(c.marginalError, 1e-12) });
        bar.tick(c.iteration - (errCurve.length > 1 ? errCurve[errCurve.length - 2]!.iteration : 0));
      },
    });
    bar.done();
    const seconds = (performance.now() - t0) / 1000;
    const [Cv, fv, gv, Pv] = await Promise.all([C.data(), r.f.data(), r.g.data(), r.plan!.data()]);
    const C64 = Float64Array.from(Cv);
    const refIters = ctx.quick ? r.iterations : 100;
    // The float64 reference: the same solver in float64 (ot-matching's sinkhornF64), same iterations, same convention.
    const ref = ctx.quick ? sinkhornF64(w, w, C64, eps, { epsilonScaling: false, maxIterations: refIters, checkEvery: refIters, threshold: 1e-300, returnPlan: false }) : null;
    let dualDiff = 0;
    if (ref) for (let i = 0; i < n; i++) dualDiff = Math.max(dualDiff, Math.abs(fv[i]! - ref.f[i]!), Math.abs(gv[i]! - ref.g[i]!));
    // Transport cost <P, C> (the solver's float64 sum) and the plan's strongest link per source point for the drawing.
    const cost = r.transportCost;
    const links: { x: number; y: number; x2: number; y2: number; mass: number }[] = [];
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
    const finalErr = errCurve[errCurve.length - 1]!.marginalError;
    const threshold = 1e-3; // the verdict's bound on the final marginal error
    const pts = [
      ...Array.from({ length: Math.min(n, 400) }, (_, i) => ({ x: x[2 * i], y: x[2 * i + 1], cloud: 'source (ring)' })),
      ...Array.from({ length: Math.min(n, 400) }, (_, i) => ({ x: y[2 * i], y: y[2 * i + 1], cloud: 'target (blobs)' })),
    ];
    const figures: Figure[] = [
      {
        id: 'plan',
        title: 'Entropic transport plan',
        caption: `each source point linked to its heaviest target (opacity = mass share), eps = ${eps}`,
        spec: {
          $schema: VEGA_LITE,
          // Equal aspect: one unit is as long on x as on y, so the ring is drawn round.
          ...equalAspect(pts.map((p) => p.x!), pts.map((p) => p.y!), 420),
          layer: [
            {
              data: { values: links },
              mark: { type: 'rule', strokeWidth: 0.6 },
              encoding: {
                x: { field: 'x', type: 'quantitative', title: 'x', scale: { zero: false, nice: false, domain: extent(pts.map((p) => p.x!)) } },
                y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false, nice: false, domain: extent(pts.map((p) => p.y!)) } },
                x2: { field: 'x2' },
                y2: { field: 'y2' },
                opacity: { field: 'mass', type: 'quantitative', scale: { domain: [0, 1] }, legend: null },
                color: { value: '#888' },
              },
            },
            {
              data: { values: pts },
              mark: { type: 'circle', size: 12 },
              encoding: {
                x: { field: 'x', type: 'quantitative' },
                y: { field: 'y', type: 'quantitative' },
                color: { field: 'cloud', type: 'nominal' },
              },
            },
          ],
        },
      },
      {
        id: 'convergence',
        title: 'Sinkhorn convergence',
        caption: `L1 error of the column marginal of the iterate (ot-matching's stepMarginalError) every ten iterations; dashed: the verdict's bound ${threshold}`,
        spec: {
          $schema: VEGA_LITE,
          width: 320,
          height: 240,
          layer: [
            {
              data: { values: errCurve },
              mark: { type: 'line', point: true },
              encoding: {
                x: { field: 'iteration', type: 'quantitative' },
                y: { field: 'marginalError', type: 'quantitative', scale: { type: 'log' }, title: 'marginal L1 error' },
              },
            },
            {
              data: { values: [{ threshold }] },
              mark: { type: 'rule', strokeDash: [4, 4], color: '#c33' },
              encoding: { y: { field: 'threshold', type: 'quantitative' } },
            },
          ],
        },
      },
    ];
    return {
      summary: `${ctx.backend}: ${r.iterations} log-domain Sinkhorn iterations on ${n}x${n} in ${seconds.toFixed(2)} s, marginal error ${finalErr.toExponential(2)}, <P,C> = ${cost.toFixed(4)}${ref ? `, max |dual - float64| ${dualDiff.toExponential(2)}` : ''}`,
      reproduced: finalErr < threshold && (!ref || dualDiff < 1e-3),
      metrics: {
        n,
        eps,
        iterations: r.iterations,
        seconds,
        msPerIteration: (1000 * seconds) / r.iterations,
        finalMarginalError: finalErr,
        transportCost: cost,
        maxDualDiffVsFloat64: ref ? dualDiff : null,
      },
      figures,
      seeds: { clouds: ctx.seed },
    };
  },
};

/** Backend report and entropic OT between two 2-D point clouds (the foundation demo). */
export const reproductions: Reproduction[] = [sinkhornDemo];

function extent(v: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const pad = 0.03 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** Width and height in pixels for which one data unit has the same length on both axes. */
function equalAspect(xs: number[], ys: number[], width: number): { width: number; height: number } {
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  return { width, height: Math.round((width * (y1 - y0)) / (x1 - x0)) };
}
