/**
 * GPU benchmarks of @lemma/gpu-kernels on the tfjs webgpu backend (Dawn). Packed and run on a bare GPU host by
 * `pnpm bench:gpu` (scripts/gpu-bench/pack.mjs); `bench/gpu_peer.py` times PyTorch's equivalents in the same
 * run. Prints one JSON document on stdout (run.sh saves it as $OUT/gpu-kernels.json); progress goes to stderr.
 * Timing: warm-up, then N enqueued iterations between two queue drains (wall clock / N).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select';
import { webgpuInternals } from '../src/kernels/_shared/webgpu';
import { runWGSL } from '../src/kernels/run-wgsl/index';
import { randomNormal, randomUniform } from '../src/kernels/random/index';
import { pairwiseSqDist } from '../src/kernels/pairwise/index';
import { logSumExp } from '../src/kernels/log-sum-exp/index';
import { sinkhornHalfStep } from '../src/kernels/sinkhorn/index';
import { adamWRule } from '../src/kernels/elementwise-rule/adamw-fixture';
import { applyElementwiseRule, createRuleSlots } from '../src/kernels/elementwise-rule/index';
import { ruleTuning } from '../src/kernels/elementwise-rule/webgpu';
import { lseReduceWebGPU, lseTuning } from '../src/kernels/log-sum-exp/webgpu';
import { flushAndWait, timeLoop, runBench, type BenchRow } from './timing';
// The kernels as they were before the multi-tensor AdamW and column-reduction rework, timed in the same run.

type Row = BenchRow;

const quick = process.argv.includes('--quick');
// --smoke: tiny sizes to check the bundle end to end on any adapter (e.g. lavapipe).
const smoke = process.argv.includes('--smoke');
// --focus: only the copy ceiling, AdamW and the Sinkhorn / log-sum-exp rows (skips randomNormal and pairwise).
const focus = process.argv.includes('--focus');
const rows: Row[] = [];

async function time(id: string, size: string, iters: number, fn: () => void, bytes?: number): Promise<void> {
  try {
    await timeOrThrow(id, size, iters, fn, bytes);
  } catch (e) {
    // Keep going: one failing kernel should not hide the other numbers.
    console.error(`${id} ${size}: FAILED ${(e as Error).message}`);
    rows.push({ id, size, ms: Number.NaN });
  }
}

async function timeOrThrow(id: string, size: string, iters: number, fn: () => void, bytes?: number): Promise<void> {
  const { ms, hostMs } = await timeLoop(iters, fn);
  const row: Row = { id, size, ms: +ms.toFixed(4), hostMs: +hostMs.toFixed(4) };
  if (bytes) {
    row.bytes = bytes;
    row.tbps = +(bytes / (ms * 1e-3) / 1e12).toFixed(3);
  }
  rows.push(row);
  console.error(`${id} ${size}: ${ms.toFixed(3)} ms${row.tbps ? ` (${row.tbps} TB/s)` : ''}, host ${row.hostMs} ms`);
}

const COPY = /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i < arrayLength(&dst)) { dst[i] = src[i]; }
}`;

async function main(): Promise<void> {
  // Explicit webgpu: throws with the reason and fix when no adapter is found.
  const card = (await selectBackend('webgpu')).detail || 'unknown';
  console.error(`adapter: ${card}`);
  const scale = smoke ? 512 : quick ? 8 : 1;

  // 1. Plain vec4 copy: the bandwidth ceiling for memory-bound kernels.
  {
    const n = (64 * 2 ** 20) / scale;
    const src = randomUniform([n], 1);
    const dst = tf.zeros([n]);
    const wg = Math.ceil(n / 4 / 256);
    const grid: [number, number] = wg > 65535 ? [Math.ceil(wg / Math.ceil(wg / 65535)), Math.ceil(wg / 65535)] : [wg, 1];
    await time('copy_vec4', `${n / 2 ** 20}M f32`, 50, () =>
      runWGSL({ key: 'bench-copy', code: COPY, bindings: [{ tensor: src, access: 'read' }, { tensor: dst, access: 'read_write' }], workgroups: grid }),
      8 * n,
    );
    src.dispose();
    dst.dispose();
  }

  // 2. Philox normal generation (write-only).
  if (!focus) {
    const n = (64 * 2 ** 20) / scale;
    await time('randomNormal', `${n / 2 ** 20}M f32`, 20, () => randomNormal([n], 7).dispose(), 4 * n);
  }

  // 3. Fused AdamW: one 100M tensor, and 100 tensors of 1M (one dispatch each).
  for (const [count, each] of [[1, Math.round(100_000_000 / scale)], [100, Math.round(1_000_000 / scale)]]) {
    const vars = Array.from({ length: count }, (_, i) => tf.variable(randomNormal([each], 10 + i)));
    const grads = Array.from({ length: count }, (_, i) => randomNormal([each], 1000 + i));
    const slots = createRuleSlots(adamWRule, vars);
    let step = 0;
    const size = `${count}x${each / 1e6}M params`;
    const hp = () => ({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: ++step });
    await time('adamw_fused', size, 20, () => applyElementwiseRule(adamWRule, vars, grads, slots, hp()), 7 * 4 * count * each);
    if (count > 1) {
      // Variants: one tensor per dispatch; no bind-group reuse (every buffer new each step); the old path.
      ruleTuning.maxPerDispatch = 1;
      await time('adamw_fused_1_per_dispatch', size, 20, () => applyElementwiseRule(adamWRule, vars, grads, slots, hp()), 7 * 4 * count * each);
      ruleTuning.maxPerDispatch = undefined;
      ruleTuning.cacheBindGroups = false;
      await time('adamw_fused_no_bindgroup_cache', size, 20, () => applyElementwiseRule(adamWRule, vars, grads, slots, hp()), 7 * 4 * count * each);
      ruleTuning.cacheBindGroups = true;
      ruleTuning.countEachDispatch = false;
      await time('adamw_fused_call_counts_once', size, 20, () => applyElementwiseRule(adamWRule, vars, grads, slots, hp()), 7 * 4 * count * each);
      ruleTuning.countEachDispatch = true;
    }
    vars.forEach((v) => v.dispose());
    grads.forEach((g) => g.dispose());
    slots.flat().forEach((s) => s.dispose());
  }

  // 4. Sinkhorn iteration (rows + cols half steps) on a squared-distance cost of 2-D points.
  for (const n of smoke ? [128] : quick ? [1024] : [4096, 8192]) {
    const C = tf.tidy(() => {
      const c = pairwiseSqDist(randomUniform([n, 2], 1), randomUniform([n, 2], 2));
      return tf.div(c, tf.mean(c));
    });
    const logA = tf.fill([n], -Math.log(n));
    let f: tf.Tensor = tf.zeros([n]);
    let g: tf.Tensor = tf.zeros([n]);
    const eps = 0.05;
    await time('sinkhorn_iteration', `n=${n}`, 50, () => {
      const nf = sinkhornHalfStep({ C, potential: g, logMarginal: logA, eps, axis: 'rows' });
      f.dispose();
      f = nf;
      const ng = sinkhornHalfStep({ C, potential: f, logMarginal: logA, eps, axis: 'cols' });
      g.dispose();
      g = ng;
    }, 2 * 4 * n * n);
    await time('sinkhorn_half_rows', `n=${n}`, 50, () => sinkhornHalfStep({ C, potential: g, logMarginal: logA, eps, axis: 'rows' }).dispose(), 4 * n * n);
    await time('sinkhorn_half_cols', `n=${n}`, 50, () => sinkhornHalfStep({ C, potential: f, logMarginal: logA, eps, axis: 'cols' }).dispose(), 4 * n * n);
    await time('logsumexp_rows', `${n}x${n}`, 50, () => logSumExp(C, { axis: 1 }).dispose(), 4 * n * n);
    await time('logsumexp_cols', `${n}x${n}`, 50, () => logSumExp(C, { axis: 0 }).dispose(), 4 * n * n);
    const defaultTarget = lseTuning.targetWorkgroups;
    for (const target of [512, 1024, 4096, 8192]) {
      lseTuning.targetWorkgroups = target;
      await time(`logsumexp_cols_target${target}wg`, `${n}x${n}`, 50, () => logSumExp(C, { axis: 0 }).dispose(), 4 * n * n);
    }
    lseTuning.targetWorkgroups = defaultTarget;
    const be = webgpuInternals('bench');
    // Direct calls (no tfjs runKernel overhead), to separate kernel time from dispatch overhead.
    await time('sinkhorn_half_cols_direct', `n=${n}`, 50, () => be.disposeData(lseReduceWebGPU(be, { C, pot: f, logm: logA, eps, axis: 'cols' }).dataId), 4 * n * n);
    await time('logsumexp_cols_direct', `${n}x${n}`, 50, () => be.disposeData(lseReduceWebGPU(be, { C, eps: 1, axis: 'cols' }).dataId), 4 * n * n);
    [C, logA, f, g].forEach((t) => t.dispose());
  }

  // 5. Pairwise squared distances (output-write bound for small d).
  for (const [n, d] of focus ? [] : smoke ? [[128, 8]] : quick ? [[1024, 64]] : [[4096, 64], [8192, 2]]) {
    const x = randomNormal([n, d], 3);
    const y = randomNormal([n, d], 4);
    await time('pairwise_sqdist', `${n}x${n}x${d}`, 20, () => pairwiseSqDist(x, y).dispose(), 4 * n * n + 8 * n * d);
    x.dispose();
    y.dispose();
  }

  const doc = { package: '@lemma/gpu-kernels', impl: 'lemma-webgpu', card, date: new Date().toISOString(), results: rows };
  console.log(JSON.stringify(doc, null, 2));
}

runBench(main);
