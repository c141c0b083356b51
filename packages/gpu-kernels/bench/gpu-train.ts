/**
 * GPU benchmark of whole training steps (forward, backward, optimizer update, loss read back every 10 steps
 * without blocking, as trainSteps does) on the tfjs webgpu backend. Rows (ms per step):
 *   train_step_tinygpt_d32, train_step_tinygpt_d128x4, train_step_mlp_784_512x3: ours, a step graph
 *     (captureStepGraph + replay) with @lemma/optim's AdamW when it replays, else tf.train.adam (the row's
 *     `optimizer` says which);
 *   <id>_eager: the same model as a plain tfjs loop (tf.train.adam), the reference.
 * `bench/gpu-train_peer.py` runs the same models in PyTorch eager. Packed by `pnpm bench:gpu` as the bundle
 * `gpu-kernels-train`; prints one JSON document on stdout. `--smoke`: tiny sizes (checks the bundle on
 * lavapipe); `--quick`: fewer steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select';
import { captureStepGraph } from '../src/train/step-graph';
import { mlp, optimizerStep, TINY_GPT_D128X4, TINY_GPT_D32, tinyGPT, tinyGPTParams } from './models';
import type { TrainableModel } from './models';
import { flushAndWait, runBench, type BenchRow } from './timing';

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const quick = argv.includes('--quick');
const READ_EVERY = 10;
const POOL = 4; // distinct batches cycled through, generated before timing (the peer does the same)

interface Row extends BenchRow {
  /** Host (JS) time per step, without waiting for the GPU. */
  hostMs: number;
  steps: number;
  optimizer: string;
  dispatches?: number;
  note?: string;
}
const rows: Row[] = [];

/** Times `steps` calls of `run(i)` (which returns the loss): reads every READ_EVERY-th loss asynchronously. */
async function timeSteps(steps: number, run: (i: number) => tf.Tensor): Promise<{ ms: number; hostMs: number }> {
  await flushAndWait();
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  let host = 0;
  for (let i = 0; i < steps; i++) {
    const h = performance.now();
    const loss = run(i);
    if (i % READ_EVERY === READ_EVERY - 1) {
      pending.push(loss.data().then(() => loss.dispose()));
      if (pending.length > 2) await pending.shift();
    } else {
      loss.dispose();
    }
    host += performance.now() - h;
  }
  await Promise.all(pending);
  await flushAndWait();
  return { ms: (performance.now() - t0) / steps, hostMs: host / steps };
}

type OptimFactory = { name: string; make: () => tf.Optimizer };

async function optimizers(): Promise<OptimFactory[]> {
  const out: OptimFactory[] = [];
  try {
    const optim = await import('@lemma/optim');
    out.push({ name: '@lemma/optim adamw', make: () => optim.adamw({ learningRate: 1e-3, weightDecay: 0.01 }) });
  } catch (e) {
    console.error(`@lemma/optim not loadable here (${(e as Error).message.split('\n')[0]}); ours uses tf.train.adam`);
  }
  out.push({ name: 'tf.train.adam', make: () => tf.train.adam(1e-3) });
  return out;
}

async function bench(id: string, size: string, make: () => TrainableModel, steps: number, eagerSteps: number, opts: OptimFactory[]): Promise<void> {
  // Reference: plain tfjs eager loop with tf.train.adam.
  {
    const m = make();
    const opt = tf.train.adam(1e-3);
    const step = optimizerStep(m, opt);
    const batches = Array.from({ length: POOL }, (_, i) => m.batch(i));
    for (let i = 0; i < 3; i++) tf.dispose(step(batches[i % POOL]!));
    const r = await timeSteps(eagerSteps, (i) => step(batches[i % POOL]!));
    rows.push({ id: `${id}_eager`, size, ms: +r.ms.toFixed(4), hostMs: +r.hostMs.toFixed(4), steps: eagerSteps, optimizer: 'tf.train.adam' });
    console.error(`${id}_eager ${size}: ${r.ms.toFixed(3)} ms/step (host ${r.hostMs.toFixed(3)})`);
    tf.dispose(batches.flat());
    opt.dispose();
    m.dispose();
  }
  // Ours: step graph, with the first optimizer whose step replays.
  const notes: string[] = [];
  for (const o of opts) {
    const m = make();
    const opt = o.make();
    const step = optimizerStep(m, opt);
    const batches = Array.from({ length: POOL }, (_, i) => m.batch(i));
    try {
      tf.dispose(step(batches[0]!));
      const { graph, outputs } = captureStepGraph(step, [batches[1]!, batches[2]!]);
      tf.dispose(outputs.flat());
      for (let i = 0; i < 5; i++) tf.dispose(graph.replay(batches[i % POOL]!)); // also proves it replays
      const r = await timeSteps(steps, (i) => graph.replay(batches[i % POOL]!)[0]!);
      rows.push({
        id,
        size,
        ms: +r.ms.toFixed(4),
        hostMs: +r.hostMs.toFixed(4),
        steps,
        optimizer: o.name,
        dispatches: graph.stats.dispatches,
        ...(notes.length ? { note: notes.join('; ') } : {}),
      });
      console.error(`${id} ${size}: ${r.ms.toFixed(3)} ms/step (host ${r.hostMs.toFixed(3)}), ${graph.stats.dispatches} dispatches, ${o.name}`);
      graph.dispose();
      return;
    } catch (e) {
      const msg = (e as Error).message;
      notes.push(`${o.name} did not replay: ${msg.slice(0, 160)}`);
      console.error(`${id}: ${o.name} did not replay: ${msg}`);
    } finally {
      tf.dispose(batches.flat());
      opt.dispose();
      m.dispose();
    }
  }
  rows.push({ id, size, ms: Number.NaN, hostMs: Number.NaN, steps: 0, optimizer: 'none', note: notes.join('; ') });
}

async function main(): Promise<void> {
  const card = (await selectBackend('webgpu')).detail || 'unknown';
  console.error(`adapter: ${card}`);
  const opts = await optimizers();
  const steps = smoke ? 6 : quick ? 60 : 200;
  const eager = smoke ? 3 : quick ? 10 : 30;
  const small = (s: typeof TINY_GPT_D32) => (smoke ? { ...s, d: s.d / 4, context: 8, batch: 4 } : s);
  const g32 = small(TINY_GPT_D32);
  const g128 = small(TINY_GPT_D128X4);
  const sz = (s: typeof TINY_GPT_D32) => `d${s.d} x${s.layers} h${s.heads} ctx${s.context} b${s.batch} (${(tinyGPTParams(s) / 1e6).toFixed(2)}M params)`;
  await bench('train_step_tinygpt_d32', sz(g32), () => tinyGPT(g32, 1), steps, eager, opts);
  await bench('train_step_tinygpt_d128x4', sz(g128), () => tinyGPT(g128, 1), steps, Math.max(3, eager / 2), opts);
  const mlpSizes = smoke ? [64, 32, 32, 32, 10] : [784, 512, 512, 512, 10];
  const mlpBatch = smoke ? 8 : 100;
  await bench('train_step_mlp_784_512x3', `${mlpSizes.join('-')} b${mlpBatch}`, () => mlp(mlpSizes, mlpBatch, 1), steps, eager, opts);
  const doc = { package: 'gpu-kernels-train', impl: 'lemma-webgpu', card, date: new Date().toISOString(), results: rows };
  console.log(JSON.stringify(doc, null, 2));
}

runBench(main);
