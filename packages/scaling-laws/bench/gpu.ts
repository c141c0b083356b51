/**
 * GPU benchmark of the eigenbasis Monte Carlo (tfjs webgpu backend, one fused WGSL kernel for many steps).
 * Prints one JSON document {package, impl, card, results: [{id, size, ms}]} on stdout, one row per configuration
 * (id `eigenbasis_sgd_step_per<stepsPerDispatch>`, size `d=<d> B=<B> seeds=64`, ms per SGD step); run.sh merges it
 * with bench/gpu_peer.py's rows of the same ids. Run on the GPU machine: npx tsx bench/gpu.ts
 */
import { selectBackend } from '@lemma/gpu-kernels';
import { simulateEigenbasisGPU, sgdSchedule } from '../src/index';
import { benchInputs as inputs } from './inputs';

const SEEDS = 64;
// BENCH_TINY=1: a smoke run on a software adapter (lavapipe).
const TINY = process.env.BENCH_TINY === '1';

async function main(): Promise<void> {
  const report = await selectBackend(process.env.LEMMA_BACKEND === 'auto' ? 'auto' : 'webgpu');
  const rows: { id: string; size: string; ms: number }[] = [];
  for (const d of TINY ? [64] : [1024, 4096]) {
    for (const B of [1, 32]) {
      for (const per of TINY ? [1, 10] : [1, 100, 1000]) {
        const inp = inputs(d);
        let tr = 0;
        for (const l of inp.lambda) tr += l;
        const hp = sgdSchedule(0.375 / tr);
        const steps = TINY ? 20 : B === 1 ? 2000 : 400;
        const opts = { hparams: hp, batch: B, seeds: SEEDS, seed: 1, stepsPerDispatch: per };
        await simulateEigenbasisGPU(inp, { ...opts, steps: [Math.min(per, 10)] }); // warm-up: compile + upload
        const t0 = performance.now();
        await simulateEigenbasisGPU(inp, { ...opts, steps: [steps] });
        const ms = (performance.now() - t0) / steps;
        rows.push({ id: `eigenbasis_sgd_step_per${per}`, size: `d=${d} B=${B} seeds=${SEEDS}`, ms: +ms.toFixed(5) });
        console.error(`${rows.at(-1)!.id} ${rows.at(-1)!.size}: ${ms.toFixed(4)} ms/step`);
      }
    }
  }
  const doc = { package: '@lemma/scaling-laws', impl: `lemma-${report.backend}`, card: report.detail || 'unknown', date: new Date().toISOString(), results: rows };
  console.log(JSON.stringify(doc, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
