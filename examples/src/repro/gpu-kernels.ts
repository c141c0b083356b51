import * as tf from '@tensorflow/tfjs-core';
import { createRng, pairwiseSqDist, sinkhornIterations } from '@lemma/gpu-kernels';
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

/** Float64 log-domain Sinkhorn on the same data: the reference the kernel's duals are compared with. */
function sinkhorn64(C: Float64Array, n: number, eps: number, iters: number): { f: Float64Array; g: Float64Array } {
  const f = new Float64Array(n);
  const g = new Float64Array(n);
  const logw = Math.log(1 / n);
  const half = (out: Float64Array, other: Float64Array, rowMajor: boolean) => {
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, (other[j]! - C[rowMajor ? i * n + j : j * n + i]!) / eps);
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp((other[j]! - C[rowMajor ? i * n + j : j * n + i]!) / eps - m);
      out[i] = eps * logw - eps * (m + Math.log(s));
    }
  };
  for (let k = 0; k < iters; k++) {
    half(f, g, true);
    half(g, f, false);
  }
  return { f, g };
}

const sinkhornDemo: Reproduction = {
  id: 'kernels-sinkhorn-demo',
  title: 'Backend report and entropic OT between two 2-D point clouds',
  paper: 'Cuturi, "Sinkhorn Distances" (NeurIPS 2013), log-domain form; the kernel behind @lemma/ot-matching',
  package: '@lemma/gpu-kernels',
  async run(ctx) {
    const n = ctx.quick ? 256 : 2048;
    const eps = 0.05;
    const iters = ctx.quick ? 200 : 500;
    const { x, y } = clouds(n, ctx.seed);
    const X = tf.tensor2d(x, [n, 2]);
    const Y = tf.tensor2d(y, [n, 2]);
    const C = pairwiseSqDist(X, Y) as tf.Tensor2D;
    const logw = tf.fill([n], Math.log(1 / n)) as tf.Tensor1D;
    let f = tf.zeros([n]) as tf.Tensor1D;
    let g = tf.zeros([n]) as tf.Tensor1D;
    const errCurve: { iteration: number; marginalError: number }[] = [];
    const bar = ctx.progress('sinkhorn', iters);
    const t0 = performance.now();
    // Ten iterations a chunk (one after the first), warm-started, with the marginal error read between chunks.
    for (let k = 0; k < iters; ) {
      const chunk = k === 0 ? 1 : Math.min(10, iters - k);
      const next = sinkhornIterations({ C, logA: logw, logB: logw, eps, iterations: chunk, f, g });
      tf.dispose([f, g]);
      ({ f, g } = next);
      k += chunk;
      // The larger of the row and column marginals' L1 errors (after a g update the columns are exact up to rounding).
      const err = tf.tidy(() => {
        const P = tf.exp(tf.div(tf.sub(tf.add(tf.reshape(f, [n, 1]), tf.reshape(g, [1, n])), C), eps));
        return tf.maximum(tf.sum(tf.abs(tf.sub(tf.sum(P, 1), 1 / n))), tf.sum(tf.abs(tf.sub(tf.sum(P, 0), 1 / n))));
      });
      const e = (await err.data())[0]!;
      err.dispose();
      errCurve.push({ iteration: k, marginalError: Math.max(e, 1e-12) });
      bar.tick(chunk);
    }
    bar.done();
    const seconds = (performance.now() - t0) / 1000;
    const [Cv, fv, gv] = await Promise.all([C.data(), f.data(), g.data()]);
    const C64 = Float64Array.from(Cv);
    const refIters = ctx.quick ? iters : 100;
    const ref = ctx.quick ? sinkhorn64(C64, n, eps, refIters) : null;
    let dualDiff = 0;
    if (ref) for (let i = 0; i < n; i++) dualDiff = Math.max(dualDiff, Math.abs(fv[i]! - ref.f[i]!), Math.abs(gv[i]! - ref.g[i]!));
    // Transport cost <P, C> and the plan's strongest link per source point for the drawing.
    let cost = 0;
    const links: { x: number; y: number; x2: number; y2: number; mass: number }[] = [];
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestP = -1;
      for (let j = 0; j < n; j++) {
        const p = Math.exp((fv[i]! + gv[j]! - C64[i * n + j]!) / eps);
        cost += p * C64[i * n + j]!;
        if (p > bestP) {
          bestP = p;
          best = j;
        }
      }
      if (i < 400) links.push({ x: x[2 * i]!, y: x[2 * i + 1]!, x2: y[2 * best]!, y2: y[2 * best + 1]!, mass: bestP * n });
    }
    tf.dispose([X, Y, C, logw, f, g]);
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
        caption: `L1 error of the row and column marginals (the larger) after each full iteration; dashed: the verdict's bound ${threshold}`,
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
      summary: `${ctx.backend}: ${iters} log-domain Sinkhorn iterations on ${n}x${n} in ${seconds.toFixed(2)} s, marginal error ${finalErr.toExponential(2)}, <P,C> = ${cost.toFixed(4)}${ref ? `, max |dual - float64| ${dualDiff.toExponential(2)}` : ''}`,
      reproduced: finalErr < threshold && (!ref || dualDiff < 1e-3),
      metrics: {
        n,
        eps,
        iterations: iters,
        seconds,
        msPerIteration: (1000 * seconds) / iters,
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
