/**
 * GPU benchmark of the materialised-cost Sinkhorn iteration (@lemma/gpu-kernels `sinkhornIterations`) on the tfjs
 * webgpu backend (Dawn), against `bench/gpu-sinkhorn_peer.py`: torch.compile of the same iteration (the strongest of
 * its variants). Packed as bundle `gpu-kernels-sinkhorn` by scripts/gpu-bench/pack.mjs; prints one JSON document
 * `{ package: 'gpu-kernels-sinkhorn', impl, card, results }` on stdout, progress on stderr.
 *
 * One iteration = the 'rows' then the 'cols' half step at eps 0.05 on squared distances of uniform 2-D points divided
 * by their mean, uniform marginals. Timing: each timed call records K iterations (one submission's worth), `timeLoop`
 * runs enough calls between two GPU drains, and `ms` is wall time per iteration (never a difference of two runs).
 * Headline rows, best of their variants (named in `variant`): `sinkhorn_iteration_vs_compiled` (exact float32 cost)
 * and `sinkhorn_iteration_f16_vs_compiled` (packSinkhornCostF16: half-precision storage, float32 arithmetic; the row
 * also carries its accuracy after 100 iterations against the float32 path, measured on the float32 C).
 * Flags: --smoke (tiny sizes, any adapter, e.g. lavapipe), --quick (n = 4096 only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select';
import { randomUniform } from '../src/kernels/random/index';
import { pairwiseSqDist } from '../src/kernels/pairwise/index';
import { packSinkhornCostF16, sinkhornHalfStep, sinkhornIterations, sinkhornMarginalError } from '../src/kernels/sinkhorn/index';
import type { SinkhornCostF16 } from '../src/kernels/sinkhorn/index';
import { sinkhornTuning } from '../src/kernels/sinkhorn/iterations-webgpu';
import { timeLoop, runBench, type BenchRow } from './timing';

/** `ms`, `hostMs` per iteration; `bytes`: of C one iteration must read at least (one pass). */
interface Row extends BenchRow {
  /** Iterations recorded per timed call. */
  itersPerCall?: number;
  /** For headline rows: the variant row whose time it reports. */
  variant?: string;
  [extra: string]: unknown;
}

const smoke = process.argv.includes('--smoke');
const quick = process.argv.includes('--quick');
const rows: Row[] = [];
const defaults = { ...sinkhornTuning };

/** Times `run(k)` (records k iterations) and pushes a row with per-iteration ms; NaN when it throws. */
async function time(id: string, size: string, perCall: number, calls: number, run: (k: number) => void, bytes: number, tuning: Partial<typeof sinkhornTuning> = {}): Promise<Row> {
  Object.assign(sinkhornTuning, defaults, tuning);
  let row: Row;
  try {
    const { ms, hostMs } = await timeLoop(calls, () => run(perCall));
    const per = ms / perCall;
    row = { id, size, ms: +per.toFixed(5), hostMs: +(hostMs / perCall).toFixed(5), itersPerCall: perCall, bytes, tbps: +(bytes / (per * 1e-3) / 1e12).toFixed(3) };
    console.error(`${id} ${size}: ${per.toFixed(4)} ms/iteration (${row.tbps} TB/s of C), host ${row.hostMs} ms/iteration`);
  } catch (e) {
    // Keep going: one failing variant should not hide the other numbers.
    console.error(`${id} ${size}: FAILED ${(e as Error).message}`);
    row = { id, size, ms: Number.NaN, itersPerCall: perCall };
  } finally {
    Object.assign(sinkhornTuning, defaults);
  }
  rows.push(row);
  return row;
}

/** The fastest finite row of `variants`, reported again under `id` with the variant named. */
function headline(id: string, size: string, variants: Row[], extra: Record<string, unknown> = {}): void {
  const ok = variants.filter((r) => Number.isFinite(r.ms));
  if (ok.length === 0) {
    rows.push({ id, size, ms: Number.NaN, ...extra });
    return;
  }
  const best = ok.reduce((a, b) => (b.ms < a.ms ? b : a));
  rows.push({ ...best, id, size, variant: best.id, ...extra });
  console.error(`${id} ${size}: ${best.ms} ms (${best.id})`);
}

/** Row-marginal L1 error on the float32 C after `iterations` from zeros, and the potentials. */
async function solveError(C: tf.Tensor, cost: tf.Tensor | SinkhornCostF16, logW: tf.Tensor, eps: number, iterations: number): Promise<{ err: number; f: Float32Array }> {
  const { f, g } = sinkhornIterations({ C: cost, logA: logW, logB: logW, eps, iterations });
  const e = sinkhornMarginalError({ C, f, g, logMarginal: logW, eps });
  const err = (await e.data())[0]!;
  const fv = (await f.data()) as Float32Array;
  tf.dispose([f, g, e]);
  return { err, f: fv };
}

async function main(): Promise<void> {
  const card = (await selectBackend('webgpu')).detail || 'unknown';
  console.error(`adapter: ${card}`);
  const sizes = smoke ? [256, 384] : quick ? [4096] : [4096, 8192, 16384];
  // Iterations per timed call and timed calls: ≥ 64 iterations per sample (≥ 2 ms of GPU work at n = 4096).
  const K = smoke ? 4 : 32;
  const calls = smoke ? 2 : 8;
  const eps = 0.05;
  for (const n of sizes) {
    const size = `n=${n}`;
    const C = tf.tidy(() => {
      const c = pairwiseSqDist(randomUniform([n, 2], 1), randomUniform([n, 2], 2));
      return tf.div(c, tf.mean(c));
    });
    const logW = tf.fill([n], -Math.log(n));
    let g: tf.Tensor = tf.zeros([n]);
    // Each call continues from the last call's g, as a solver loop would.
    const iterate = (cost: tf.Tensor | SinkhornCostF16) => (k: number) => {
      const out = sinkhornIterations({ C: cost, logA: logW, logB: logW, eps, iterations: k, g });
      out.f.dispose();
      g.dispose();
      g = out.g;
    };
    const b32 = 4 * n * n;
    const exact: Row[] = [];
    exact.push(await time('sinkhorn_iteration_fused', size, K, calls, iterate(C), b32));
    exact.push(await time('sinkhorn_iteration_fused_t512', size, K, calls, iterate(C), b32, { threads: 512, rowsPerStep: 1 }));
    exact.push(await time('sinkhorn_iteration_fused_t1024', size, K, calls, iterate(C), b32, { threads: 1024, rowsPerStep: 1 }));
    exact.push(await time('sinkhorn_iteration_fused_wg132', size, K, calls, iterate(C), b32, { workgroups: 132, rowsPerStep: 1, minThreads: 256 }));
    exact.push(await time('sinkhorn_iteration_fused_wg528', size, K, calls, iterate(C), b32, { workgroups: 528, rowsPerStep: 1, minThreads: 256 }));
    exact.push(await time('sinkhorn_iteration_fused_t512_wg132', size, K, calls, iterate(C), b32, { threads: 512, workgroups: 132, rowsPerStep: 1 }));
    exact.push(await time('sinkhorn_iteration_fused_r2', size, K, calls, iterate(C), b32, { rowsPerStep: 2, minThreads: 256 }));
    exact.push(await time('sinkhorn_iteration_fused_t512_r2', size, K, calls, iterate(C), b32, { threads: 512, rowsPerStep: 2 }));
    // One iteration per call: what a caller checking convergence every iteration gets (host-bound at small n).
    exact.push(await time('sinkhorn_iteration_fused_1_per_call', size, 1, calls * K, iterate(C), b32));
    // Before: three dispatches per iteration reading C twice, recorded K per call; and the old half-step loop.
    exact.push(await time('sinkhorn_iteration_twopass', size, K, calls, iterate(C), b32, { fused: false }));
    let f: tf.Tensor = tf.zeros([n]);
    exact.push(
      await time('sinkhorn_iteration_halfsteps', size, 1, calls * K, () => {
        const nf = sinkhornHalfStep({ C, potential: g, logMarginal: logW, eps, axis: 'rows' });
        f.dispose();
        f = nf;
        const ng = sinkhornHalfStep({ C, potential: f, logMarginal: logW, eps, axis: 'cols' });
        g.dispose();
        g = ng;
      }, b32),
    );
    f.dispose();
    headline('sinkhorn_iteration_vs_compiled', size, exact);

    const C16 = packSinkhornCostF16(C);
    const b16 = 2 * n * n;
    const half: Row[] = [];
    half.push(await time('sinkhorn_iteration_f16', size, K, calls, iterate(C16), b16));
    half.push(await time('sinkhorn_iteration_f16_t512', size, K, calls, iterate(C16), b16, { threads: 512, rowsPerStep: 1 }));
    half.push(await time('sinkhorn_iteration_f16_wg132', size, K, calls, iterate(C16), b16, { workgroups: 132, rowsPerStep: 1, minThreads: 256 }));
    half.push(await time('sinkhorn_iteration_f16_t512_wg132', size, K, calls, iterate(C16), b16, { threads: 512, workgroups: 132, rowsPerStep: 1 }));
    half.push(await time('sinkhorn_iteration_f16_r2', size, K, calls, iterate(C16), b16, { rowsPerStep: 2, minThreads: 256 }));
    half.push(await time('sinkhorn_iteration_f16_t512_r2', size, K, calls, iterate(C16), b16, { threads: 512, rowsPerStep: 2 }));
    half.push(await time('sinkhorn_iteration_f16_1_per_call', size, 1, calls * K, iterate(C16), b16));
    // Accuracy of the half-precision cost: both paths from zeros, errors measured on the float32 C.
    const iters = smoke ? 20 : 100;
    const e32 = await solveError(C, C, logW, eps, iters);
    const e16 = await solveError(C, C16, logW, eps, iters);
    const maxDf = e32.f.reduce((mx, v, i) => Math.max(mx, Math.abs(v - e16.f[i]!)), 0);
    console.error(`${size}: after ${iters} iterations, row-marginal L1 f32 ${e32.err.toExponential(3)}, f16 ${e16.err.toExponential(3)}; max |f16 − f32| of f ${maxDf.toExponential(3)}`);
    headline('sinkhorn_iteration_f16_vs_compiled', size, half, {
      accuracyIterations: iters,
      marginalErrF32: +e32.err.toExponential(4),
      marginalErrF16: +e16.err.toExponential(4),
      maxAbsDiffF: +maxDf.toExponential(4),
    });
    C16.dispose();
    tf.dispose([C, logW, g]);
  }
  const doc = { package: 'gpu-kernels-sinkhorn', impl: 'lemma-webgpu sinkhornIterations', card, date: new Date().toISOString(), results: rows };
  console.log(JSON.stringify(doc, null, 2));
}

runBench(main);
