/**
 * GPU benchmark of K models trained at once (@lemma/gpu-kernels `kMlp`) on the tfjs webgpu backend (Dawn), against
 * `bench/gpu-kmodels_peer.py`: the same K models trained one after the other in PyTorch eager (same total work).
 * Prints one JSON document `{ package: 'gpu-kernels-kmodels', impl, card, results: [{ id, size, ms }] }` on
 * stdout; progress on stderr. Timing as bench/gpu.ts: warm-up, then N enqueued steps between two queue drains.
 * `ms` is one training step of all K models together: `train_k{K}_mlp_784_512x3` replays the step from a step
 * graph (captureStepGraph, as trainSteps does on webgpu) with @lemma/optim's AdamW (weight decay 0, i.e. Adam) where
 * the packed bundle provides it, else tf.train.adam; `..._eager` runs the step as tfjs ops with tf.train.adam. The
 * `optimizer` field of a row says which. Flags: --smoke (tiny sizes, any adapter), --quick.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select';
import { randomNormal, randomUniform } from '../src/kernels/random/index';
import { kMlp } from '../src/train/k-mlp';
import { kCrossEntropy } from '../src/train/k-loss';
import { captureStepGraph } from '../src/train/step-graph';
import type { StepGraph } from '../src/train/step-graph';
import { timeLoop, runBench, type BenchRow } from './timing';

/** `ms`, `hostMs` per step. */
interface Row extends BenchRow {
  /** The optimizer that ran the row. */
  optimizer?: string;
}

const smoke = process.argv.includes('--smoke');
const quick = process.argv.includes('--quick');
const rows: Row[] = [];

async function time(id: string, size: string, iters: number, fn: () => void, optimizer: string): Promise<void> {
  try {
    const { ms, hostMs } = await timeLoop(iters, fn, 3);
    rows.push({ id, size, ms: +ms.toFixed(4), hostMs: +hostMs.toFixed(4), optimizer });
    console.error(`${id} ${size}: ${ms.toFixed(3)} ms/step, host ${hostMs.toFixed(3)} ms`);
  } catch (e) {
    // Keep going: one failing row should not hide the others.
    console.error(`${id} ${size}: FAILED ${(e as Error).message}`);
    rows.push({ id, size, ms: Number.NaN, optimizer });
  }
}

type OptimFactory = { name: string; make: () => tf.Optimizer };

/** @lemma/optim's AdamW where the bundle has it (pack.mjs aliases it to packages/optim/src), then tf.train.adam. */
async function graphOptimizers(): Promise<OptimFactory[]> {
  const out: OptimFactory[] = [];
  try {
    const optim = await import('@lemma/optim');
    out.push({ name: '@lemma/optim adamw', make: () => optim.adamw({ learningRate: 1e-3, weightDecay: 0 }) });
  } catch (e) {
    console.error(`@lemma/optim not loadable here (${(e as Error).message.split('\n')[0]}); the graph rows use tf.train.adam`);
  }
  out.push({ name: 'tf.train.adam', make: () => tf.train.adam(1e-3) });
  return out;
}

async function main(): Promise<void> {
  const card = (await selectBackend('webgpu')).detail || 'unknown';
  console.error(`adapter: ${card}`);
  // The LMC figure's MLP 784-512x3-10 at batch 100; --smoke shrinks widths and batch, keeps the ids.
  const sizes = smoke ? [32, 16, 16, 16, 10] : [784, 512, 512, 512, 10];
  const B = smoke ? 8 : 100;
  const iters = smoke ? 5 : quick ? 20 : 50;
  const candidates = await graphOptimizers();
  for (const K of [16, 1]) {
    const id = `train_k${K}_mlp_784_512x3`;
    const size = `K=${K} ${sizes.join('-')} batch ${B} adam`;
    // One batch per model, fixed on the device (data loading is not timed, neither in the peer).
    const x = randomNormal([K, B, sizes[0]!], 100);
    const y = tf.tidy(() => tf.cast(tf.floor(tf.mul(randomUniform([K, B], 101), sizes.at(-1)! - 1e-3)), 'int32'));
    const run = async (mode: 'graph' | 'eager', o: OptimFactory): Promise<boolean> => {
      const net = kMlp({ sizes, K, seeds: Array.from({ length: K }, (_, k) => k) });
      const opt = o.make();
      const vars = net.variables();
      const step = ([xb, yb]: tf.Tensor[]) => opt.minimize(() => kCrossEntropy(net.forward(xb!), yb!), true, vars)!;
      let graph: StepGraph | undefined;
      let ok = true;
      try {
        if (mode === 'graph') {
          tf.dispose(step([x, y])); // eager first: the optimizer creates its state
          const cap = captureStepGraph(step, [[x, y], [x, y]]);
          tf.dispose(cap.outputs.flat());
          graph = cap.graph;
          console.error(`  step graph (${o.name}): ${JSON.stringify(graph.stats)}`);
        }
      } catch (e) {
        console.error(`${id} ${size}: step graph with ${o.name} FAILED ${(e as Error).message}`);
        ok = false;
      }
      if (ok) {
        const g = graph;
        await time(mode === 'graph' ? id : `${id}_eager`, size, iters, g ? () => tf.dispose(g.replay([x, y])) : () => tf.dispose(step([x, y])), o.name);
        const loss = tf.tidy(() => kCrossEntropy(net.forward(x), y));
        console.error(`  ${mode}: loss (sum over ${K} models) after the timed steps: ${(await loss.data())[0]!.toFixed(4)}`);
        loss.dispose();
      }
      graph?.dispose();
      opt.dispose();
      net.dispose();
      return ok;
    };
    let captured = false;
    for (const o of candidates) if (!captured) captured = await run('graph', o);
    if (!captured) rows.push({ id, size, ms: Number.NaN });
    await run('eager', candidates.at(-1)!);
    [x, y].forEach((t) => t.dispose());
  }
  const doc = { package: 'gpu-kernels-kmodels', impl: 'lemma-webgpu', card, date: new Date().toISOString(), results: rows };
  console.log(JSON.stringify(doc, null, 2));
}

runBench(main);
