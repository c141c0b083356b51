/**
 * GPU benchmarks of @lemma/optim on the tfjs webgpu backend (Dawn), packed and run on a bare GPU host by
 * `pnpm bench:gpu` with `bench/gpu_peer.py` (PyTorch) in the same run. Prints one JSON document on stdout
 * ({package, impl, card, results: [{id, size, ms, hostMs}]}; rows matched with the peer by id and size).
 *
 * Rows: `optim_adamw_step_clip_100M` (our full AdamW step with global-norm clipping over 1 flat variable of 100M
 * parameters: the grad-scale passes and the fused update, nothing read back; peer: torch.optim.AdamW(fused=True)
 * after `clip_grad_norm_(foreach=True)`), the same at 10M, `optim_adamw_step_100M` without clipping (peer: fused
 * AdamW alone), and `optim_adamw_step_clip_100M_parts<N>` with the grad-norm pass's partials per tensor set to N
 * (tuning: the default is `gradScaleTuning.parts`). Flags: `--quick` (sizes / 8), `--smoke` (sizes / 512, for
 * lavapipe), `--detail` (also the older comparisons against tf.train.adam and the bare rule, as JSON lines on
 * stderr). Timing: 2 warm-up steps, then N steps between two queue drains (wall clock / N), median of 3 rounds.
 * Environment: OPTIM_BENCH_ONLY=<id>,... (only those step rows, e.g. one per fresh process), OPTIM_BENCH_PROFILE=1
 * (each step row also replayed as a step graph with per-dispatch GPU times), OPTIM_BENCH_PROBE=1 (the value probe).
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyElementwiseRule, captureStepGraph, createRuleSlots, GradScaler, gradScaleTuning, randomNormal, selectBackend } from '@lemma/gpu-kernels';
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
 * Where the bench's variables and gradients are made: 'host' = tfjs's randomNormal (values drawn in JS, uploaded by
 * tfjs-webgpu like any CPU-made tensor, e.g. tfjs-layers' initial weights), 'device' = gpu-kernels' Philox kernel,
 * 'hostcopy' = host-made, then copied once on the device (same values as 'host' in a buffer a kernel wrote),
 * 'devicevalues' = the 'device' values read back and uploaded like host-made ones, 'deviceafterupload' = 'device'
 * after an upload of the same size that is then disposed, 'hostwrite' = a kernel-made buffer overwritten with host
 * values by one queue.writeBuffer, 'hostwrite8mb' = the same in 8 MiB writes (no large staging allocation):
 * together they tell the values' cost from an upload's and a buffer's. 'hostwritesame' = a kernel-made buffer
 * overwritten by queue.writeBuffer with the values it already holds (same data, written once from the host);
 * 'hostcopyfresh' = host-made, copied once on the device, and the upload's buffer destroyed rather than pooled (so
 * no later tensor, e.g. an optimizer slot, reuses a host-written buffer); 'hostflushpool' = 'host', then every
 * pooled free buffer destroyed before the optimizer makes its slots (host-written variables and gradients, slots in
 * new buffers). 'hostprelude' = 'host', then one tfjs op on the variables and gradients (as OPTIM_BENCH_PROBE runs
 * before its step) before the optimizer exists; 'deviceidle' = 'device', then 3 s with the GPU idle before timing.
 */
type Init = 'host' | 'device' | 'hostcopy' | 'devicevalues' | 'deviceafterupload' | 'hostwrite' | 'hostwrite8mb' | 'hostwritesame' | 'hostcopyfresh' | 'hostflushpool' | 'hostprelude' | 'deviceidle';

/** tfjs-webgpu internals the experiments below reach into (bench only). */
interface WebGPUInternals {
  device: GPUDevice;
  tensorMap: { get(id: unknown): { resource: GPUBuffer } };
  bufferManager: { freeBuffers: Map<string, GPUBuffer[]>; numFreeBuffers: number };
}

/** Disposes `t` and destroys its GPU buffer instead of leaving it in tfjs-webgpu's pool. */
function disposeUnpooled(t: tf.Tensor): void {
  const be = tf.backend() as unknown as WebGPUInternals;
  const buf = be.tensorMap.get(t.dataId).resource;
  t.dispose();
  for (const list of be.bufferManager.freeBuffers.values()) {
    const i = list.indexOf(buf);
    if (i < 0) continue;
    list.splice(i, 1);
    be.bufferManager.numFreeBuffers--;
    buf.destroy();
    return;
  }
  throw new Error('disposeUnpooled: the buffer did not return to the pool');
}

/** `count` flat normal tensors of `each` entries with standard deviation `std` (seeds seed0, seed0 + 1, ...). */
async function normals(init: Init, count: number, each: number, std: number, seed0: number): Promise<tf.Tensor[]> {
  const out: tf.Tensor[] = [];
  for (let i = 0; i < count; i++) {
    if (init === 'host' || init === 'hostflushpool' || init === 'hostprelude') out.push(tf.randomNormal([each], 0, std, 'float32', seed0 + i));
    else if (init === 'hostcopy') out.push(tf.tidy(() => tf.mul(tf.randomNormal([each], 0, std, 'float32', seed0 + i), 1)));
    else if (init === 'hostcopyfresh') {
      const h = tf.randomNormal([each], 0, std, 'float32', seed0 + i);
      const d = tf.mul(h, 1);
      await d.data(); // the upload and the copy have run
      disposeUnpooled(h);
      out.push(d);
    } else if (init === 'hostwritesame') {
      const d = tf.tidy(() => tf.mul(randomNormal([each], seed0 + i), std));
      const be = tf.backend() as unknown as WebGPUInternals;
      const vals = (await d.data()) as Float32Array;
      be.device.queue.writeBuffer(be.tensorMap.get(d.dataId).resource, 0, vals.buffer, vals.byteOffset, vals.byteLength);
      await be.device.queue.onSubmittedWorkDone();
      out.push(d);
    }
    else if (init === 'hostwrite' || init === 'hostwrite8mb') {
      const d = tf.tidy(() => tf.mul(randomNormal([each], seed0 + i), 0));
      const be = tf.backend() as unknown as WebGPUInternals;
      const h = tf.randomNormal([each], 0, std, 'float32', seed0 + i);
      const host = (await h.data()) as Float32Array;
      h.dispose();
      const chunk = init === 'hostwrite' ? host.byteLength : 8 << 20;
      for (let o = 0; o < host.byteLength; o += chunk) {
        be.device.queue.writeBuffer(be.tensorMap.get(d.dataId).resource, o, host.buffer, host.byteOffset + o, Math.min(chunk, host.byteLength - o));
        if (init === 'hostwrite8mb') await be.device.queue.onSubmittedWorkDone();
      }
      out.push(d);
    } else {
      if (init === 'deviceafterupload') {
        const u = tf.randomNormal([each], 0, std, 'float32', seed0 + i);
        const probe = tf.tidy(() => tf.slice(tf.add(u, 0), [0], [1])); // forces the upload
        await probe.data();
        tf.dispose([probe, u]);
      }
      const d = tf.tidy(() => tf.mul(randomNormal([each], seed0 + i), std));
      if (init !== 'devicevalues') out.push(d);
      else {
        out.push(tf.tensor1d((await d.data()) as Float32Array));
        d.dispose();
      }
    }
  }
  return out;
}

/**
 * The optimizer's AdamW step vs gpu-kernels' bare rule on n parameters split into `tensors` equal flat variables
 * (see the module comment).
 */
export async function compareWithRule(n: number, iters: number, tensors = 1, rounds = 5, init: Init = 'host'): Promise<Row[]> {
  const backend = tf.getBackend();
  const each = Math.floor(n / tensors);
  const tag = `cmp_${n}_${tensors}_${Math.random().toString(36).slice(2)}`;
  const vs = (await normals(init, tensors, each, 1, 1)).map((t, i) => tf.variable(t, true, `${tag}_${i}`));
  const gs = await normals(init, tensors, each, 1e-2, 1000);
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

/** One row of the document run.sh merges with the peer's. */
interface DocRow {
  id: string;
  size: string;
  ms: number;
  hostMs: number;
}

/** The size label both sides use: `<tensors>x<millions>M params`. */
export const sizeLabel = (tensors: number, each: number): string => `${tensors}x${+(each / 1e6).toPrecision(4)}M params`;

/** Median-of-rounds time of our AdamW step (optionally clipped) over `tensors` flat variables of `each` parameters. */
async function optimizerStep(id: string, tensors: number, each: number, clipNorm: number | undefined, iters: number, sync: () => Promise<void>, init: Init = 'host'): Promise<DocRow> {
  const tag = `${id}_${Math.random().toString(36).slice(2)}`;
  const vs = (await normals(init, tensors, each, 1, 1)).map((t, i) => tf.variable(t, true, `${tag}_${i}`));
  const gs = await normals(init, tensors, each, 1e-2, 1000);
  const named = Object.fromEntries(vs.map((v, i) => [v.name, gs[i]!]));
  if (init === 'hostprelude') {
    const s = tf.tidy(() => tf.slice(tf.add(vs[0]!, gs[0]!), [0], [1]));
    await s.data();
    s.dispose();
  }
  if (init === 'deviceidle') await new Promise((r) => setTimeout(r, 3000));
  if (init === 'hostflushpool') {
    const bm = (tf.backend() as unknown as WebGPUInternals).bufferManager;
    for (const list of bm.freeBuffers.values()) for (const b of list.splice(0)) b.destroy();
    bm.numFreeBuffers = 0;
  }
  // Decay on every variable (noDecay: []), as torch's AdamW(weight_decay=0.01) does.
  const opt = adamw({ learningRate: 1e-3, weightDecay: 0.01, noDecay: [], ...(clipNorm === undefined ? {} : { clipNorm }) });
  const drain = async (): Promise<void> => {
    const s = tf.slice(vs[tensors - 1]!, [0], [1]);
    await s.data();
    s.dispose();
    await sync();
  };
  const runs: { ms: number; hostMs: number }[] = [];
  for (let r = 0; r < 3; r++) runs.push(await time(() => opt.applyGradients(named), drain, iters));
  runs.sort((a, b) => a.ms - b.ms);
  const m = runs[1]!;
  console.error(`${id}: runs ${runs.map((r) => `${r.ms.toFixed(3)} ms (host ${r.hostMs.toFixed(3)})`).join(', ')}`);
  // OPTIM_BENCH_PROFILE=1: the same step, profiled, after the timed runs.
  if (process.env.OPTIM_BENCH_PROFILE) await profileApply(id, opt, named, drain, iters);
  opt.dispose();
  tf.dispose([...vs, ...gs]);
  const row = { id, size: sizeLabel(tensors, each), ms: +m.ms.toFixed(4), hostMs: +m.hostMs.toFixed(4) };
  console.error(`${row.id} ${row.size}: ${row.ms} ms (host ${row.hostMs} ms)`);
  return row;
}

/**
 * The optimizer step as a step graph, timed dispatch by dispatch (three profiled replays), then its unprofiled
 * replay time: which kernel is slower under which conditions, and whether eager tfjs adds time to the GPU's.
 */
async function profileApply(tag: string, opt: tf.Optimizer, named: tf.NamedTensorMap, sync: () => Promise<void>, iters: number): Promise<void> {
  const { graph, outputs } = captureStepGraph(() => opt.applyGradients(named), [[], []]);
  tf.dispose(outputs.flat());
  for (let r = 0; r < 3; r++) {
    const p = await graph.replayProfiled([]);
    const total = p.dispatches.reduce((a, d) => a + d.gpuMs, 0);
    const parts = p.dispatches.map((d) => `${d.label}[${d.workgroups.join('x')}] ${d.gpuMs.toFixed(3)}`).join('; ');
    console.error(`${tag} graph replay ${r}: ${total.toFixed(3)} ms GPU over ${p.dispatches.length} dispatches: ${parts}`);
  }
  const replay = await time(() => tf.dispose(graph.replay([])), sync, iters);
  console.error(`${tag} graph replay (unprofiled): ${replay.ms.toFixed(3)} ms`);
  graph.dispose();
}

/**
 * OPTIM_BENCH_PROBE=1: is the step's speed a property of the values? For host-made and device-made 100M tensors:
 * their finite count, zeros and range, a plain tf.add's time, and the largest change of the variable after 1 step.
 */
async function probeValues(n: number, iters: number, sync: () => Promise<void>): Promise<void> {
  for (const init of ['host', 'device', 'host', 'device'] as const) {
    const [v] = await normals(init, 1, n, 1, 1);
    const [g] = await normals(init, 1, n, 1e-2, 1000);
    const stats = tf.tidy(() => [tf.sum(tf.cast(tf.isFinite(g!), 'float32')), tf.sum(tf.cast(tf.equal(g!, 0), 'float32')), tf.min(g!), tf.max(g!), tf.sum(tf.cast(tf.isFinite(v!), 'float32')), tf.mean(tf.abs(g!))]);
    const st = await Promise.all(stats.map((t) => t.data()));
    tf.dispose(stats);
    const add = await time(() => tf.add(v!, g!).dispose(), sync, iters);
    const vv = tf.variable(v!, true, `probe_${init}_${Math.random()}`);
    const before = tf.clone(vv);
    const opt = adamw({ learningRate: 1e-3, weightDecay: 0.01, noDecay: [], clipNorm: 1.0 });
    opt.applyGradients({ [vv.name]: g! });
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(vv, before))));
    const delta = (await d.data())[0];
    const step = await time(() => opt.applyGradients({ [vv.name]: g! }), sync, iters);
    console.error(`probe ${init}: g finite ${st[0]![0]} zeros ${st[1]![0]} min ${st[2]![0]} max ${st[3]![0]} mean|g| ${st[5]![0]} v finite ${st[4]![0]}; add ${add.ms.toFixed(3)} ms; step ${step.ms.toFixed(3)} ms; max|Δv| after 1 step ${delta}`);
    await profileApply(`probe ${init}`, opt, { [vv.name]: g! }, sync, iters);
    opt.dispose();
    tf.dispose([d, before, vv, g!]);
  }
}

/** Runs the GPU benchmark and prints one JSON document on stdout. */
export default async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const smoke = process.argv.includes('--smoke');
  const scale = smoke ? 512 : quick ? 8 : 1;
  const card = (await selectBackend('webgpu')).detail || 'unknown';
  console.error(`adapter: ${card}`);
  const be = tf.backend() as unknown as { device: GPUDevice };
  const sync = (): Promise<void> => be.device.queue.onSubmittedWorkDone();
  const big = Math.round(1e8 / scale);
  const small = Math.round(1e7 / scale);
  const iters = smoke ? 5 : 20;
  const rows: DocRow[] = [];
  if (process.env.OPTIM_BENCH_PROBE) return probeValues(big, iters, sync);
  // OPTIM_BENCH_ONLY=<id>,<id>: only these optimizerStep rows, in a fresh process (the buffer pool's history matters).
  const only = process.env.OPTIM_BENCH_ONLY?.split(',');
  const want = (id: string): boolean => !only || only.includes(id);
  if (want('optim_adamw_step_clip_100M')) rows.push(await optimizerStep('optim_adamw_step_clip_100M', 1, big, 1.0, iters, sync));
  if (want('optim_adamw_step_clip_10M')) rows.push(await optimizerStep('optim_adamw_step_clip_10M', 1, small, 1.0, iters, sync));
  if (want('optim_adamw_step_100M')) rows.push(await optimizerStep('optim_adamw_step_100M', 1, big, undefined, iters, sync));
  const parts = gradScaleTuning.parts;
  for (const p of [512, 8192]) {
    gradScaleTuning.parts = p;
    if (want(`optim_adamw_step_clip_100M_parts${p}`)) rows.push(await optimizerStep(`optim_adamw_step_clip_100M_parts${p}`, 1, big, 1.0, iters, sync));
  }
  gradScaleTuning.parts = parts;
  // Where the step's time goes: the bare rule, rule + grad-scale passes and the clipped step, interleaved in rounds
  // (the same background for all three), with host-made and with device-made variables and gradients (the bare rule
  // ran at 1.68 ms here vs 0.99 ms in gpu-kernels' bench on device-made tensors, same card and run).
  for (const init of only ? [] : (['host', 'device'] as const)) {
    const sfx = init === 'host' ? '' : '_deviceinit';
    const ids: Record<string, string> = {
      rule_adamw_bare: `optim_rule_adamw_bare_100M${sfx}`,
      rule_adamw_gradscale: `optim_rule_adamw_gradscale_100M${sfx}`,
      optim_adamw_step: `optim_adamw_step_clip_100M_interleaved${sfx}`,
    };
    for (const r of await compareWithRule(big, iters, 1, 3, init)) {
      rows.push({ id: ids[r.bench]!, size: sizeLabel(1, big), ms: +r.ms.toFixed(4), hostMs: +r.hostMs.toFixed(4) });
      console.error(`${ids[r.bench]}: ${r.ms.toFixed(3)} ms (host ${r.hostMs.toFixed(3)} ms)`);
    }
  }
  if (want('optim_adamw_step_clip_100M_deviceinit')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_deviceinit', 1, big, 1.0, iters, sync, 'device'));
  if (want('optim_adamw_step_100M_deviceinit')) rows.push(await optimizerStep('optim_adamw_step_100M_deviceinit', 1, big, undefined, iters, sync, 'device'));
  if (want('optim_adamw_step_clip_100M_hostcopy')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostcopy', 1, big, 1.0, iters, sync, 'hostcopy'));
  if (want('optim_adamw_step_clip_100M_devicevalues')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_devicevalues', 1, big, 1.0, iters, sync, 'devicevalues'));
  if (want('optim_adamw_step_clip_100M_deviceafterupload')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_deviceafterupload', 1, big, 1.0, iters, sync, 'deviceafterupload'));
  if (want('optim_adamw_step_clip_100M_hostwrite')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostwrite', 1, big, 1.0, iters, sync, 'hostwrite'));
  if (want('optim_adamw_step_clip_100M_hostwrite8mb')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostwrite8mb', 1, big, 1.0, iters, sync, 'hostwrite8mb'));
  if (want('optim_adamw_step_clip_100M_hostwritesame')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostwritesame', 1, big, 1.0, iters, sync, 'hostwritesame'));
  if (want('optim_adamw_step_clip_100M_hostcopyfresh')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostcopyfresh', 1, big, 1.0, iters, sync, 'hostcopyfresh'));
  if (want('optim_adamw_step_clip_100M_hostflushpool')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostflushpool', 1, big, 1.0, iters, sync, 'hostflushpool'));
  if (want('optim_adamw_step_clip_100M_hostprelude')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_hostprelude', 1, big, 1.0, iters, sync, 'hostprelude'));
  if (want('optim_adamw_step_clip_100M_deviceidle')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_deviceidle', 1, big, 1.0, iters, sync, 'deviceidle'));
  if (want('optim_adamw_step_clip_100M_last')) rows.push(await optimizerStep('optim_adamw_step_clip_100M_last', 1, big, 1.0, iters, sync));
  if (process.argv.includes('--detail')) {
    for (const row of await benchSize(big, smoke ? 3 : 20)) console.error(JSON.stringify(row));
    for (const tensors of [1, 100]) for (const row of await compareWithRule(big, smoke ? 3 : 20, tensors)) console.error(JSON.stringify(row));
  }
  const doc = { package: '@lemma/optim', impl: 'lemma-webgpu', card, date: new Date().toISOString(), results: rows };
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
