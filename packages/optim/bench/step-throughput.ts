/**
 * Optimizer step throughput (parameters/second): our fused ADANA and AdamW against tfjs's built-in
 * `tf.train.adam` on the same backend, one flat float32 variable of n parameters, a fixed gradient.
 *
 * Run: `npx tsx bench/step-throughput.ts [backend=wasm] [sizes=1e6,1e7]` (100M needs ~6 GB for tf.train.adam).
 * Prints one JSON line per measurement: {bench, backend, n, ms, paramsPerSec, ratio?} (ratio = adam ms / ours).
 */
import * as tf from '@tensorflow/tfjs-core';

import { adamw, adana } from '../src/index';
import { selectBackend, wasmSimdConfig } from '@lemma/gpu-kernels';

/** Mean milliseconds per step of `step` over `iters` steps after `warmup` steps; `sync` waits for the device. */
export async function timeSteps(step: () => void, sync: () => Promise<void>, iters: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) step();
  await sync();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) step();
  await sync();
  return (performance.now() - t0) / iters;
}

/** One row per optimizer at size n on the active backend. */
export async function benchSize(n: number, iters: number): Promise<{ bench: string; backend: string; n: number; ms: number; paramsPerSec: number; ratio?: number }[]> {
  const backend = tf.getBackend();
  const name = `bench_${n}_${Math.random().toString(36).slice(2)}`;
  const v = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 1), true, name);
  const g = tf.randomNormal([n], 0, 1e-2, 'float32', 2);
  const sync = async (): Promise<void> => {
    const s = tf.slice(v, [0], [1]);
    await s.data();
    s.dispose();
  };
  const opts: [string, () => tf.Optimizer][] = [
    ['tf.train.adam', () => tf.train.adam(1e-3)],
    ['adamw (fused)', () => adamw({ learningRate: 1e-3 })],
    ['adana (fused)', () => adana({ learningRate: 1e-3, totalSteps: 1000 })],
  ];
  if (backend === 'wasm') {
    // The JavaScript loop the SIMD kernels replaced, for comparison in the same run.
    const js = (make: () => tf.Optimizer) => (): tf.Optimizer => {
      wasmSimdConfig.enabled = false;
      return make();
    };
    opts.push(['adamw (fused, js loop)', js(() => adamw({ learningRate: 1e-3 }))], ['adana (fused, js loop)', js(() => adana({ learningRate: 1e-3, totalSteps: 1000 }))]);
  }
  const rows: { bench: string; backend: string; n: number; ms: number; paramsPerSec: number; ratio?: number }[] = [];
  let adamMs = 0;
  for (const [label, make] of opts) {
    const opt = make();
    const ms = await timeSteps(() => opt.applyGradients({ [name]: g }), sync, iters);
    opt.dispose();
    wasmSimdConfig.enabled = true;
    if (label === 'tf.train.adam') adamMs = ms;
    rows.push({ bench: label, backend, n, ms, paramsPerSec: n / (ms / 1000), ...(label === 'tf.train.adam' ? {} : { ratio: adamMs / ms }) });
  }
  tf.dispose([v, g]);
  return rows;
}

async function main(): Promise<void> {
  const backend = (process.argv[2] ?? 'wasm') as 'wasm';
  const sizes = (process.argv[3] ?? '1e6,1e7').split(',').map(Number);
  await selectBackend(backend);
  for (const n of sizes) {
    for (const row of await benchSize(n, n >= 5e7 ? 3 : 10)) console.log(JSON.stringify(row));
  }
}

// Run only as a script (npx tsx bench/step-throughput.ts), not when bundled into the GPU harness via gpu.ts.
if (process.argv[1]?.replace(/\.[cm]?[jt]s$/, '').endsWith('step-throughput')) {
  main().catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
