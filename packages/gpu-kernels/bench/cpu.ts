/**
 * CPU benchmarks: each kernel on the wasm and cpu tfjs backends against numpy/scipy (bench/cpu_peer.py, run in
 * the same invocation). Usage: `npx tsx bench/cpu.ts` from packages/gpu-kernels; prints a markdown table.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/backend/select';
import { adamWRule } from '../src/kernels/elementwise-rule/adamw-fixture';
import { applyElementwiseRule, createRuleSlots } from '../src/kernels/elementwise-rule/index';
import { gumbelMaxSelect } from '../src/kernels/gumbel-max-select/index';
import { logSumExp } from '../src/kernels/log-sum-exp/index';
import { innerProduct, pairwiseSqDist } from '../src/kernels/pairwise/index';
import { randomNormal, randomUniform } from '../src/kernels/random/index';
import { sinkhornHalfStep } from '../src/kernels/sinkhorn/index';

type Row = { id: string; size: string; ms: number };

async function bench(id: string, size: string, fn: () => tf.Tensor | void, out: Row[], minMs = 300): Promise<void> {
  const run = async (): Promise<void> => {
    const r = fn();
    if (r) {
      await r.data();
      r.dispose();
    }
  };
  await run();
  let iters = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || iters < 3) {
    await run();
    iters++;
  }
  out.push({ id, size, ms: +((performance.now() - t0) / iters).toFixed(4) });
}

async function suite(backend: 'wasm' | 'cpu'): Promise<Row[]> {
  await selectBackend(backend);
  const rows: Row[] = [];
  const x = randomNormal([512, 16], 1);
  const y = randomNormal([512, 16], 2);
  await bench('pairwise_sqdist', '512x512x16', () => pairwiseSqDist(x, y), rows);
  await bench('inner_product', '512x512x16', () => innerProduct(x, y), rows);
  const n = 1024;
  const C = randomUniform([n, n], 3);
  await bench('logsumexp_rows', `${n}x${n}`, () => logSumExp(C, { axis: 1 }), rows);
  await bench('logsumexp_cols', `${n}x${n}`, () => logSumExp(C, { axis: 0 }), rows);
  const logA = tf.fill([n], -Math.log(n));
  let g: tf.Tensor = tf.zeros([n]);
  await bench('sinkhorn_iteration', `n=${n}`, () => {
    const f = sinkhornHalfStep({ C, potential: g, logMarginal: logA, eps: 0.05, axis: 'rows' });
    const ng = sinkhornHalfStep({ C, potential: f, logMarginal: logA, eps: 0.05, axis: 'cols' });
    f.dispose();
    g.dispose();
    g = ng;
    return tf.clone(g);
  }, rows);
  const m = 1_000_000;
  const p = tf.variable(randomNormal([m], 4));
  const grad = randomNormal([m], 5);
  const slots = createRuleSlots(adamWRule, [p]);
  let step = 0;
  await bench('adamw_fused', '1M params', () => {
    step++;
    applyElementwiseRule(adamWRule, [p], [grad], slots, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step });
  }, rows);
  await bench('randomNormal', '1M f32', () => randomNormal([m], 6), rows);
  const S = randomNormal([1000, 100], 7);
  await bench('gumbelMaxSelect', '1000x100', () => gumbelMaxSelect(S, 8), rows);
  tf.disposeVariables();
  return rows;
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const wasm = await suite('wasm');
  const cpu = await suite('cpu');
  const peer = JSON.parse(execFileSync('python3', [join(here, 'cpu_peer.py')]).toString()) as { impl: string; results: Row[] };
  const cpuName = `${cpus().length}-core ${cpus()[0]?.model ?? 'CPU'}`;
  const lines = [
    `CPU: ${cpuName}; Node ${process.version}; peer: ${peer.impl}; ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| op | size | wasm ms | cpu ms | numpy ms | numpy ms / wasm ms |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const r of wasm) {
    const c = cpu.find((q) => q.id === r.id && q.size === r.size);
    const p = peer.results.find((q) => q.id === r.id && q.size === r.size);
    lines.push(`| ${r.id} | ${r.size} | ${r.ms.toFixed(2)} | ${c ? c.ms.toFixed(2) : ''} | ${p ? p.ms.toFixed(2) : ''} | ${p ? (p.ms / r.ms).toFixed(2) : ''} |`);
  }
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e);
    process.exit(1);
  },
);
