/**
 * GPU benchmark of @lemma/ot-matching's Sinkhorn solver on the tfjs webgpu backend. Packed and run on a bare GPU host
 * by `pnpm bench:gpu` (scripts/gpu-bench/pack.mjs); `bench/gpu_peer.py` runs PyTorch's log-domain Sinkhorn (two
 * logsumexp passes over a materialised C) with the same ids and sizes in the same run. Prints one JSON document on
 * stdout; progress on stderr. Flags: --quick (n = 1024), --smoke (n = 128, any adapter).
 * Ids: sinkhorn_iteration = one f and one g update inside the full solver (marginal error read back every 10
 * iterations, as in a real solve; ε = 0.05·mean(C)): a 500-iteration solve / 500, setup included; sinkhorn_solve = ε = 0.005·mean(C) solved to L1 marginal error
 * 1e-3 from zero potentials (~170 iterations; includes input validation and statistics); *_tfjs_ops = the same solver with plain tfjs ops instead of the fused gpu-kernels half step (no peer).
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, selectBackend } from '@lemma/gpu-kernels';
import { sinkhorn, squaredDistances } from '../src/sinkhorn';

interface Row {
  id: string;
  size: string;
  ms: number;
  iterations?: number;
}

const quick = process.argv.includes('--quick');
const smoke = process.argv.includes('--smoke');
const rows: Row[] = [];

async function main(): Promise<void> {
  // Explicit webgpu: throws with the reason and fix when no adapter is found.
  const card = (await selectBackend('webgpu')).detail || 'unknown';
  console.error(`adapter: ${card}`);
  for (const n of smoke ? [128] : quick ? [1024] : [4096, 8192]) {
    const C = tf.tidy(() => squaredDistances(randomNormal([n, 64], 1) as tf.Tensor2D, randomNormal([n, 64], 2) as tf.Tensor2D));
    const w = tf.fill([n], 1 / n) as tf.Tensor1D;
    for (const kernel of ['fused', 'tfjs'] as const) {
      const suffix = kernel === 'fused' ? '' : '_tfjs_ops';
      // Only the timed full solve may warn about convergence: the other runs stop at their iteration count on purpose.
      const solve = async (iters: number, threshold: number, reg = 0.05, warn = false): Promise<{ ms: number; iterations: number }> => {
        const t = performance.now();
        const r = await sinkhorn(w, w, C, reg, { relativeEpsilon: 'mean', epsilonScaling: false, threshold, maxIterations: iters, checkEvery: 10, returnPlan: false, kernel, warn });
        const ms = performance.now() - t;
        r.f.dispose();
        r.g.dispose();
        return { ms, iterations: r.iterations };
      };
      try {
        // A threshold no float32 solve reaches, so every run does all its iterations; one read every checkEvery.
        const never = 1e-30;
        await solve(20, never); // compile pipelines
        // One long run per sample (setup and the final read-back amortised over N iterations, counted against us):
        // the difference of two noisy runs went negative on an H100.
        const N = smoke ? 20 : 500;
        const long = await solve(N, never);
        const per = long.ms / N;
        rows.push({ id: `sinkhorn_iteration${suffix}`, size: `n=${n}`, ms: +per.toFixed(4) });
        console.error(`sinkhorn_iteration${suffix} n=${n}: ${per.toFixed(3)} ms`);
        await solve(200, 1e-3, 0.005); // warm the validation/statistics pipelines too
        const full = await solve(5000, 1e-3, 0.005, true);
        rows.push({ id: `sinkhorn_solve${suffix}`, size: `n=${n}`, ms: +full.ms.toFixed(2), iterations: full.iterations });
        console.error(`sinkhorn_solve${suffix} n=${n}: ${full.ms.toFixed(1)} ms, ${full.iterations} iterations`);
      } catch (e) {
        console.error(`sinkhorn ${kernel} n=${n}: FAILED ${(e as Error).message}`);
        rows.push({ id: `sinkhorn_iteration${suffix}`, size: `n=${n}`, ms: Number.NaN });
      }
    }
    tf.dispose([C, w]);
  }
  console.log(JSON.stringify({ package: '@lemma/ot-matching', impl: 'lemma-webgpu', card, date: new Date().toISOString(), results: rows }, null, 2));
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e);
    process.exit(1);
  },
);
