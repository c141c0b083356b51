/**
 * GPU run for the lead: on the webgpu backend, fused ADANA/AdamW step time vs `tf.train.adam` at 10M and 100M
 * parameters. Prints JSON lines {bench, backend, n, ms, ratio?} (ratio = tf.train.adam ms / ours; > 1 is faster).
 * Compare with `python3 bench/gpu_peer.py` (torch fused AdamW on the same sizes) on the same card.
 *
 * Then, on the same variable, the optimizer's overhead over the bare kernel: rows `rule_adamw_bare`
 * (`applyElementwiseRule(adamwRule, ...)` from gpu-kernels alone, with optim's AdamW rule), `rule_adamw_gradscale` (the same plus the two
 * grad-scale passes, the rule reading the scale on the device: what an optimizer step must cost at least) and
 * `optim_adamw_step` (`AdamW.applyGradients`). Each has `ms` (wall per step, queue drained) and `hostMs` (time
 * inside the step calls: recording and submitting), the median of 5 interleaved rounds; `ratio` = ms / bare-rule
 * ms (for optim_adamw_step, rule_adamw_gradscale's ratio is the floor). Each size runs
 * as 1 flat variable and as 100 equal variables (`tensors`), where per-variable host work shows.
 *
 * Run: `npx tsx bench/gpu.ts [sizes=1e7,1e8] [--compare-only]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyElementwiseRule, createRuleSlots, GradScaler, selectBackend } from '@lemma/gpu-kernels';
import { adamw, adamwRule } from '../src/index';
import { adamwScalars } from '../src/adamw';
import { benchSize } from './step-throughput';

interface Row {
  bench: string;
  backend: string;
  n: number;
  tensors: number;
  ms: number;
  hostMs: number;
  ratio?: number;
}

/** Wall and host ms per step over `iters` steps after 2 warm-up steps, with the queue drained around each timing. */
async function time(step: () => void, sync: () => Promise<void>, iters: number): Promise<{ ms: number; hostMs: number }> {
  for (let i = 0; i < 2; i++) step();
  await sync();
  let host = 0;
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    const h0 = performance.now();
    step();
    host += performance.now() - h0;
  }
  await sync();
  return { ms: (performance.now() - t0) / iters, hostMs: host / iters };
}

/**
 * The optimizer's AdamW step vs gpu-kernels' bare rule on n parameters split into `tensors` equal flat variables
 * (see the module comment).
 */
export async function compareWithRule(n: number, iters: number, tensors = 1, rounds = 5): Promise<Row[]> {
  const backend = tf.getBackend();
  const each = Math.floor(n / tensors);
  const tag = `cmp_${n}_${tensors}_${Math.random().toString(36).slice(2)}`;
  const vs = Array.from({ length: tensors }, (_, i) => tf.variable(tf.randomNormal([each], 0, 1, 'float32', 1 + i), true, `${tag}_${i}`));
  const gs = Array.from({ length: tensors }, (_, i) => tf.randomNormal([each], 0, 1e-2, 'float32', 1000 + i));
  const named = Object.fromEntries(vs.map((v, i) => [v.name, gs[i]!]));
  const sync = async (): Promise<void> => {
    const s = tf.slice(vs[tensors - 1]!, [0], [1]);
    await s.data();
    s.dispose();
  };
  const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
  const rows: Row[] = [];

  const slots = createRuleSlots(adamwRule, vs);
  let step = 0;
  const scaler = new GradScaler();
  const k = (t: number) => ({
    ...adamwScalars({ learningRate: h.lr, beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: h.weightDecay }, { name: '', t, scheduleFactor: 1, lr: h.lr, decayScale: 1, shape: [] }),
    gscale: 1,
  });
  // Weight decay on every variable (noDecay: []), so all of them share one applyElementwiseRule call like the rows above.
  const opt = adamw({ learningRate: h.lr, weightDecay: h.weightDecay, clipNorm: 1.0, noDecay: [] });
  const variants: [string, () => void][] = [
    ['rule_adamw_bare', () => applyElementwiseRule(adamwRule, vs, gs, slots, k(++step))],
    [
      'rule_adamw_gradscale',
      () => {
        step++;
        const s = scaler.run(gs, 1.0, step);
        if (s.onHost) throw new Error('bench/gpu.ts: needs a device backend (webgpu)');
        applyElementwiseRule(adamwRule, vs, gs, slots, k(step), { gradScale: s.scale });
      },
    ],
    ['optim_adamw_step', () => opt.applyGradients(named)],
  ];
  // Interleaved rounds, median per variant: the three see the same background load.
  const per: { ms: number; hostMs: number }[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, [, fn]] of variants.entries()) per[k]!.push(await time(fn, sync, iters));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const bareMs = median(per[0]!.map((x) => x.ms));
  variants.forEach(([bench], k) => {
    const ms = median(per[k]!.map((x) => x.ms));
    const hostMs = median(per[k]!.map((x) => x.hostMs));
    rows.push({ bench, backend, n, tensors, ms, hostMs, ...(k === 0 ? {} : { ratio: ms / bareMs }) });
  });
  scaler.dispose();
  opt.dispose();
  tf.dispose(slots.flat());
  tf.dispose([...vs, ...gs]);
  return rows;
}

/** Runs the GPU benchmark and prints one JSON line per measurement. */
export default async function main(
  sizes: number[] = (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '1e7,1e8').split(',').map(Number),
  compareOnly = process.argv.includes('--compare-only'),
): Promise<void> {
  await selectBackend('webgpu');
  for (const n of sizes) {
    if (compareOnly) continue;
    for (const row of await benchSize(n, 20)) {
      console.log(JSON.stringify({ bench: row.bench, backend: row.backend, n: row.n, ms: row.ms, ...(row.ratio === undefined ? {} : { ratio: row.ratio }) }));
    }
  }
  for (const n of sizes) {
    for (const tensors of [1, 100]) {
      for (const row of await compareWithRule(n, n >= 5e7 ? 20 : 10, tensors)) console.log(JSON.stringify(row));
    }
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
