/**
 * Where a training step's host time goes on the tfjs webgpu backend: per step, the time spent inside each
 * kind of WebGPU/tfjs call (bind-group and buffer creation, uniform and upload writes, submits, encoder
 * work, buffer-pool calls, read-backs), how many tfjs kernels ran and how many of them were forwarded to the
 * CPU backend, how many dispatches reached the GPU, and the rest (tfjs engine bookkeeping: tape, tensor
 * tracking, shader-key lookup, JS). Workloads: the optim-char-lm tiny GPT (d32, 1 block, 2 heads, ctx 32,
 * batch 32), an MLP 784-512-512-512-10 at batch 100, and a stand-in for equivariant-prune's C4 CNN (same
 * layer shapes: 14x14 input, 4 conv3x3 layers of 48 channels from basis coefficients, a 2x2 max pool,
 * mean/max pooling, a 24-48-10 head, batch 32), each as a custom loop, with `model.fit` (MLP, CNN) and with
 * the step graph as trainSteps runs it (captureStepGraph + replay).
 *
 *   LEMMA_BACKEND=webgpu npx tsx bench/profile-train.ts [--steps N] [--smoke] [--json] [--submit-batch N] [--bg-cache]
 *
 * Runs on lavapipe (host costs are the same kind as on a GPU host, only larger) and on a GPU host. Host time
 * excludes the time spent awaiting the every-10th-step loss read (reported as waitMs), i.e. the GPU's own time.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/backend/select';
import { webgpuInternals } from '../src/kernels/_shared/webgpu';
import { bindGroupTuning } from '../src/train/recorder';
import { captureStepGraph } from '../src/train/step-graph';
import type { StepGraph } from '../src/train/step-graph';
import { mlp, optimizerStep, TINY_GPT_D32, tinyGPT } from './models';
import type { TrainableModel } from './models';

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const asJson = argv.includes('--json');
const stepsArg = argv.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(argv[stepsArg + 1]) : smoke ? 4 : 12;
const WARM = smoke ? 3 : 4;
const batchArg = argv.indexOf('--submit-batch');
/** tfjs-webgpu's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (dispatches per submit) for the eager loops, when given. */
const SUBMIT_BATCH = batchArg >= 0 ? Number(argv[batchArg + 1]) : undefined;
/** Batches generated before timing and cycled (batch generation is not part of a step). */
const POOL = 4;

type Cat = 'createBindGroup' | 'createBuffer' | 'writeBuffer' | 'submit' | 'encoder' | 'pool' | 'readback' | 'pipeline';
const cats: Cat[] = ['createBindGroup', 'createBuffer', 'writeBuffer', 'submit', 'encoder', 'pool', 'readback', 'pipeline'];
const t = Object.fromEntries(cats.map((c) => [c, 0])) as Record<Cat, number>;
const n = Object.fromEntries(cats.map((c) => [c, 0])) as Record<Cat, number>;
const counts = { kernels: 0, cpuForwarded: 0, dispatches: 0 };
/** Time spent awaiting loss read-backs (the GPU finishing), kept out of the host time. */
let waitMs = 0;
async function read(l: tf.Tensor): Promise<void> {
  const s = performance.now();
  await l.data();
  waitMs += performance.now() - s;
}
let depth = 0;

function timed(cls: { prototype: object } | object, name: string, cat: Cat, isProto = true): void {
  const target = (isProto ? (cls as { prototype: Record<string, unknown> }).prototype : cls) as Record<string, unknown>;
  const orig = target[name] as (...a: unknown[]) => unknown;
  target[name] = function (this: unknown, ...a: unknown[]) {
    if (depth > 0) return orig.apply(this, a);
    depth++;
    const s = performance.now();
    try {
      return orig.apply(this, a);
    } finally {
      t[cat] += performance.now() - s;
      n[cat]++;
      depth--;
    }
  };
}

function instrument(): void {
  const g = globalThis as unknown as Record<string, { prototype: object }>;
  timed(g.GPUDevice!, 'createBindGroup', 'createBindGroup');
  timed(g.GPUDevice!, 'createBuffer', 'createBuffer');
  timed(g.GPUDevice!, 'createComputePipeline', 'pipeline');
  timed(g.GPUQueue!, 'writeBuffer', 'writeBuffer');
  timed(g.GPUBuffer!, 'getMappedRange', 'writeBuffer');
  timed(g.GPUBuffer!, 'unmap', 'writeBuffer');
  timed(g.GPUQueue!, 'submit', 'submit');
  timed(g.GPUBuffer!, 'mapAsync', 'readback');
  for (const m of ['createCommandEncoder']) timed(g.GPUDevice!, m, 'encoder');
  for (const m of ['beginComputePass', 'copyBufferToBuffer', 'finish']) timed(g.GPUCommandEncoder!, m, 'encoder');
  for (const m of ['setPipeline', 'setBindGroup', 'dispatchWorkgroups', 'end']) timed(g.GPUComputePassEncoder!, m, 'encoder');
  const pass = g.GPUComputePassEncoder!.prototype as Record<string, (...a: unknown[]) => unknown>;
  const dispatch = pass.dispatchWorkgroups!;
  pass.dispatchWorkgroups = function (this: unknown, ...a: unknown[]) {
    counts.dispatches++;
    return dispatch.apply(this, a);
  };
  const be = webgpuInternals('profile-train') as unknown as Record<string, unknown> & { bufferManager: object };
  timed(be.bufferManager, 'acquireBuffer', 'pool', false);
  timed(be.bufferManager, 'releaseBuffer', 'pool', false);
  const should = be.shouldExecuteOnCPU as (...a: unknown[]) => boolean;
  be.shouldExecuteOnCPU = function (...a: unknown[]) {
    const r = should.apply(this, a);
    if (r) counts.cpuForwarded++;
    return r;
  };
  const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const run = engine.runKernel;
  engine.runKernel = function (this: unknown, ...a: unknown[]) {
    counts.kernels++;
    return run.apply(this, a);
  };
}

function reset(): void {
  for (const c of cats) (t[c] = 0), (n[c] = 0);
  counts.kernels = counts.cpuForwarded = counts.dispatches = 0;
  bindGroupTuning.hits = bindGroupTuning.misses = 0;
  waitMs = 0;
}

async function drain(): Promise<void> {
  const be = webgpuInternals('profile-train');
  be.endComputePassEncoder();
  if (be.commandEncoder) be.submitQueue();
  await be.device.queue.onSubmittedWorkDone();
}

interface Profile {
  workload: string;
  loop: string;
  hostMsPerStep: number;
  waitMsPerStep: number;
  wallMsPerStep: number;
  kernelsPerStep: number;
  cpuForwardedPerStep: number;
  dispatchesPerStep: number;
  bindGroupCacheHitsPerStep: number;
  /** Milliseconds per step inside each category (inclusive of the native call). */
  msPerStep: Record<Cat | 'tfjsAndJs', number>;
  callsPerStep: Record<Cat, number>;
}

const profiles: Profile[] = [];

async function profile(workload: string, loop: string, run: (steps: number) => Promise<void>): Promise<void> {
  await run(WARM);
  await drain();
  reset();
  const s = performance.now();
  await run(STEPS);
  const host = performance.now() - s - waitMs;
  await drain();
  const wall = performance.now() - s;
  const per = (x: number) => x / STEPS;
  const inside = cats.reduce((a, c) => a + t[c], 0);
  const p: Profile = {
    workload,
    loop,
    hostMsPerStep: per(host),
    waitMsPerStep: per(waitMs),
    wallMsPerStep: per(wall),
    kernelsPerStep: per(counts.kernels),
    cpuForwardedPerStep: per(counts.cpuForwarded),
    dispatchesPerStep: per(counts.dispatches),
    bindGroupCacheHitsPerStep: per(bindGroupTuning.hits),
    msPerStep: { ...(Object.fromEntries(cats.map((c) => [c, per(t[c])])) as Record<Cat, number>), tfjsAndJs: per(host - inside) },
    callsPerStep: Object.fromEntries(cats.map((c) => [c, per(n[c])])) as Record<Cat, number>,
  };
  profiles.push(p);
  console.error(
    `${workload.padEnd(22)} ${loop.padEnd(22)} host ${p.hostMsPerStep.toFixed(1).padStart(7)} ms  wait ${p.waitMsPerStep.toFixed(1).padStart(7)}  wall ${p.wallMsPerStep.toFixed(1).padStart(7)} ms  kernels ${p.kernelsPerStep.toFixed(0).padStart(4)}  cpu-fwd ${p.cpuForwardedPerStep.toFixed(0).padStart(3)}  dispatches ${p.dispatchesPerStep.toFixed(0).padStart(4)}  bg-hits ${p.bindGroupCacheHitsPerStep.toFixed(0).padStart(4)}  ` +
      cats.map((c) => `${c} ${p.msPerStep[c].toFixed(2)}/${p.callsPerStep[c].toFixed(0)}`).join(' ') + `  tfjs+js ${p.msPerStep.tfjsAndJs.toFixed(2)}`,
  );
}

/** Custom loop as the reproductions write it: minimize, read the loss every 10 steps. */
function customLoop(m: TrainableModel, opt: tf.Optimizer): (steps: number) => Promise<void> {
  const step = optimizerStep(m, opt);
  const pool = Array.from({ length: POOL }, (_, i) => m.batch(i));
  let k = 0;
  return async (steps) => {
    for (let i = 0; i < steps; i++, k++) {
      const b = pool[k % POOL]!;
      const l = step(b);
      if (k % 10 === 9) await read(l);
      tf.dispose(l);
    }
  };
}

/** The step graph as trainSteps uses it: one eager step, two captured, then replays (loss read every 10). */
function graphLoop(m: TrainableModel, opt: tf.Optimizer): (steps: number) => Promise<void> {
  const step = optimizerStep(m, opt);
  const pool = Array.from({ length: POOL }, (_, i) => m.batch(i));
  let k = 0;
  let graph: StepGraph | null = null;
  return async (steps) => {
    let i = 0;
    if (!graph) {
      tf.dispose(step(pool[0]!));
      const cap = captureStepGraph(step, [pool[1]!, pool[2]!]);
      graph = cap.graph;
      tf.dispose(cap.outputs.flat());
      i = k = 3;
    }
    for (; i < steps; i++, k++) {
      const b = pool[k % POOL]!;
      const [l] = graph.replay(b);
      if (k % 10 === 9) await read(l!);
      tf.dispose(l);
    }
  };
}

/** C4-CNN stand-in: same tensor shapes and op kinds as equivariant-prune's rotated-MNIST target. */
function c4cnn(batch: number, seed = 1): TrainableModel & { layers: tfl.Sequential } {
  const C = 12;
  const H = 48;
  const nb = 9; // basis elements per (in, out) copy pair
  const convs = [
    [1, 4 * C],
    [4 * C, 4 * C],
    [4 * C, 4 * C],
    [4 * C, 4 * C],
  ] as const;
  const basis = convs.map(([ci, co], i) => tf.randomNormal([nb, 9 * Math.min(ci, 4) * 4], 0, 0.3, 'float32', seed + 50 + i));
  const coef = convs.map(([ci, co], i) => tf.tidy(() => tf.variable(tf.randomUniform([(co / 4) * Math.max(1, ci / 4), nb], -0.3, 0.3, 'float32', seed + i))));
  const biases = convs.map(([, co]) => tf.tidy(() => tf.variable(tf.zeros([co / 4]))));
  const w1 = tf.tidy(() => tf.variable(tf.randomUniform([2 * C, H], -0.3, 0.3, 'float32', seed + 10)));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([H])));
  const w2 = tf.tidy(() => tf.variable(tf.randomUniform([H, 10], -0.3, 0.3, 'float32', seed + 11)));
  const b2 = tf.tidy(() => tf.variable(tf.zeros([10])));
  const chan = tf.ones([1, 4]);
  const kernelOf = (i: number): tf.Tensor4D => {
    const [ci, co] = convs[i]!;
    const gi = Math.min(ci, 4);
    const k = tf.matMul(coef[i]!, basis[i]!); // [copiesOut*copiesIn, 9*gi*4]
    const r = tf.reshape(k, [co / 4, Math.max(1, ci / 4), 3, 3, gi, 4]);
    return tf.reshape(tf.transpose(r, [2, 3, 1, 4, 0, 5]), [3, 3, ci, co]) as tf.Tensor4D;
  };
  const loss = ([x, y]: tf.Tensor[]): tf.Scalar =>
    tf.tidy(() => {
      let h = x as tf.Tensor4D;
      convs.forEach(([, co], i) => {
        if (i === 2) h = tf.maxPool(h, 2, 2, 'valid');
        const bias = tf.reshape(tf.matMul(tf.reshape(biases[i]!, [co / 4, 1]), chan), [co]);
        h = tf.relu(tf.add(tf.conv2d(h, kernelOf(i), 1, 'same'), bias)) as tf.Tensor4D;
      });
      const z0 = tf.concat([tf.max(tf.reshape(tf.mean(h, [1, 2]), [-1, C, 4]), 2), tf.max(tf.reshape(tf.max(h, [1, 2]), [-1, C, 4]), 2)], 1);
      const z = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(z0, w1), b1)), w2), b2);
      return tf.losses.softmaxCrossEntropy(y!, z) as tf.Scalar;
    });
  // The same shapes as a tfjs-layers model for model.fit (plain conv kernels instead of basis coefficients).
  const layers = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [14, 14, 1], filters: 4 * C, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 4 * C, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 4 * C, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 4 * C, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: H, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  return {
    params: [...coef, ...biases, w1, b1, w2, b2],
    loss,
    layers,
    batch: (i) =>
      tf.tidy(() => [
        tf.randomNormal([batch, 14, 14, 1], 0, 1, 'float32', seed * 7919 + i),
        tf.cast(tf.oneHot(tf.randomUniformInt([batch], 0, 10, seed * 104729 + i), 10), 'float32'),
      ]),
    dispose: () => tf.dispose([...coef, ...biases, w1, b1, w2, b2, chan, ...basis]),
  };
}

function fitLoop(model: tfl.LayersModel, batch: (i: number) => tf.Tensor[], bs: number): (steps: number) => Promise<void> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  let k = 0;
  return async (steps) => {
    const bs0 = Array.from({ length: steps }, (_, i) => batch(k + i));
    k += steps;
    const x = tf.concat(bs0.map((b) => b[0]!));
    const y = tf.concat(bs0.map((b) => b[1]!));
    await model.fit(x, y, { batchSize: bs, epochs: 1, shuffle: false, verbose: 0 });
    tf.dispose([x, y, ...bs0.flat()]);
  };
}

async function main(): Promise<void> {
  const report = await selectBackend({ backend: 'webgpu' });
  console.error(`backend webgpu (${report.detail}), ${STEPS} steps after ${WARM} warm-up steps`);
  instrument();
  if (argv.includes('--bg-cache')) bindGroupTuning.cache = true;
  if (SUBMIT_BATCH !== undefined) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', SUBMIT_BATCH);
  console.error(`WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE ${tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')}`);
  const mlpSizes = smoke ? [64, 32, 32, 32, 10] : [784, 512, 512, 512, 10];
  const mlpBatch = smoke ? 8 : 100;
  const gpt = smoke ? { ...TINY_GPT_D32, d: 16, context: 8, batch: 4 } : TINY_GPT_D32;
  const cnnBatch = smoke ? 4 : 32;

  for (const [name, make] of [
    ['tinyGPT d32', () => tinyGPT(gpt, 1)],
    ['MLP 784-512x3-10', () => mlp(mlpSizes, mlpBatch, 1)],
    ['C4 CNN (stand-in)', () => c4cnn(cnnBatch, 1)],
  ] as const) {
    for (const loop of ['custom loop', 'step graph replay'] as const) {
      const m = make();
      const opt = tf.train.adam(1e-3);
      await profile(name, loop, loop === 'custom loop' ? customLoop(m, opt) : graphLoop(m, opt));
      opt.dispose();
      m.dispose();
    }
  }
  {
    const m = mlp(mlpSizes, mlpBatch, 1);
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [mlpSizes[0]!], units: mlpSizes[1]!, activation: 'relu' }),
        ...mlpSizes.slice(2, -1).map((u) => tfl.layers.dense({ units: u, activation: 'relu' })),
        tfl.layers.dense({ units: mlpSizes[mlpSizes.length - 1]!, activation: 'softmax' }),
      ],
    });
    await profile('MLP 784-512x3-10', 'model.fit (tfjs-layers)', fitLoop(model, m.batch, mlpBatch));
    model.dispose();
    m.dispose();
  }
  {
    const m = c4cnn(cnnBatch, 1);
    m.layers.add(tfl.layers.activation({ activation: 'softmax' }));
    await profile('C4 CNN (stand-in)', 'model.fit (tfjs-layers)', fitLoop(m.layers, m.batch, cnnBatch));
    m.layers.dispose();
    m.dispose();
  }
  if (asJson) console.log(JSON.stringify({ backend: 'webgpu', adapter: report.detail, steps: STEPS, profiles }, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
