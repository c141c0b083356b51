import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { mlp, optimizerStep, tinyGPT } from '../../bench/models';
import type { TrainableModel } from '../../bench/models';
import { releaseWebGPU } from '../backend/webgpu';
import type { WebGPUInternals } from '../kernels/_shared/webgpu';
import { describeEachBackend } from '../testing/backends';
import { isCapturing, onReplay } from './replay-hooks';
import { captureStepGraph } from './step-graph';

async function params(m: TrainableModel): Promise<Float32Array[]> {
  return Promise.all(m.params.map(async (p) => (await p.data()) as Float32Array));
}

/** Trains `steps` steps eagerly (forward flag as given) or with step 0 eager, 1-2 captured, the rest replayed. */
async function train(make: () => TrainableModel, steps: number, replay: boolean): Promise<{ p: Float32Array[]; losses: number[]; dispatches: number }> {
  const m = make();
  const opt = tf.train.adam(1e-2);
  const step = optimizerStep(m, opt);
  const losses: tf.Tensor[] = [];
  let dispatches = 0;
  const batches = Array.from({ length: steps }, (_, i) => m.batch(i));
  if (!replay) {
    for (const b of batches) losses.push(step(b));
  } else {
    losses.push(step(batches[0]!));
    const { graph, outputs } = captureStepGraph(step, [batches[1]!, batches[2]!]);
    dispatches = graph.stats.dispatches;
    losses.push(outputs[0][0]!, outputs[1][0]!);
    for (const b of batches.slice(3)) losses.push(graph.replay(b)[0]!);
    graph.dispose();
  }
  const out = { p: await params(m), losses: await Promise.all(losses.map(async (l) => (await l.data())[0]!)), dispatches };
  tf.dispose([...losses, ...batches.flat()]);
  opt.dispose();
  m.dispose();
  return out;
}

describeEachBackend(
  'step graph',
  () => {
    afterAll(() => releaseWebGPU());
    it('isCapturing is false and onReplay a no-op outside a capture', () => {
      expect(isCapturing()).toBe(false);
      expect(() => onReplay(() => undefined)).not.toThrow();
      expect(() => onReplay(3 as unknown as () => void)).toThrow(/hook must be a function/);
    });

    for (const [name, make] of [
      ['MLP 32-64-64-10 batch 16', () => mlp([32, 64, 64, 10], 16, 3)],
      ['tiny GPT d16 1 block 2 heads ctx 8', () => tinyGPT({ vocab: 11, context: 8, d: 16, layers: 1, heads: 2, batch: 4 }, 5)],
    ] as const) {
      it(`replayed ${name} + tf.train.adam gives the eager parameters, float32-exact`, async () => {
        // Capture runs every op on the GPU (no CPU forwarding); the eager reference does the same so that
        // both runs execute the same kernels on the same bits.
        tf.env().set('WEBGPU_CPU_FORWARD', false);
        try {
          const eager = await train(make, 6, false);
          const graph = await train(make, 6, true);
          expect(graph.dispatches).toBeGreaterThan(10);
          expect(graph.losses).toEqual(eager.losses);
          graph.p.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(eager.p[i]!)));
          expect(graph.losses[5]).not.toEqual(graph.losses[0]);
        } finally {
          tf.env().set('WEBGPU_CPU_FORWARD', true);
        }
      });
    }

    it('a profiled replay is the same step as a replay, with one GPU time per dispatch', async () => {
      tf.env().set('WEBGPU_CPU_FORWARD', false);
      try {
        const plain = await train(() => mlp([32, 64, 10], 16, 3), 5, true);
        const m = mlp([32, 64, 10], 16, 3);
        const opt = tf.train.adam(1e-2);
        const step = optimizerStep(m, opt);
        const batches = Array.from({ length: 5 }, (_, i) => m.batch(i));
        const losses: tf.Tensor[] = [step(batches[0]!)];
        const { graph, outputs } = captureStepGraph(step, [batches[1]!, batches[2]!]);
        losses.push(outputs[0][0]!, outputs[1][0]!);
        expect(graph.canProfile).toBe(true);
        const prof = await graph.replayProfiled(batches[3]!);
        losses.push(prof.outputs[0]!, graph.replay(batches[4]!)[0]!);
        expect(prof.dispatches.length).toBe(graph.stats.dispatches);
        expect(prof.dispatches.map((d) => d.index)).toEqual(prof.dispatches.map((_, i) => i));
        for (const d of prof.dispatches) {
          expect(d.gpuMs).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(d.gpuMs)).toBe(true);
          expect(d.workgroups.every((w) => Number.isInteger(w) && w >= 1)).toBe(true);
          expect(d.boundBytes).toBeGreaterThan(0);
        }
        // tfjs labels its pipelines with the program's class name.
        expect(prof.dispatches.some((d) => /MatMul/.test(d.label))).toBe(true);
        expect(prof.dispatches.reduce((a, d) => a + d.gpuMs, 0)).toBeGreaterThan(0);
        const l = await Promise.all(losses.map(async (t) => (await t.data())[0]!));
        expect(l).toEqual(plain.losses);
        const p = await params(m);
        p.forEach((x, i) => expect(Array.from(x)).toEqual(Array.from(plain.p[i]!)));
        graph.dispose();
        tf.dispose([...losses, ...batches.flat()]);
        opt.dispose();
        m.dispose();
      } finally {
        tf.env().set('WEBGPU_CPU_FORWARD', true);
      }
    });

    it('refuses a step that reads back', () => {
      const m = mlp([8, 4], 2, 1);
      const opt = tf.train.sgd(0.1);
      const step = (b: tf.Tensor[]) => {
        const l = optimizerStep(m, opt)(b);
        l.data().catch(() => undefined);
        return l;
      };
      const b = [m.batch(0), m.batch(1)] as [tf.Tensor[], tf.Tensor[]];
      tf.dispose(optimizerStep(m, opt)(b[0]));
      expect(() => captureStepGraph(step, b)).toThrow(/read/);
      tf.dispose(b.flat());
      m.dispose();
    });

    it('refuses to replay a host value that changes every step unless an onReplay hook rewrites it', async () => {
      const be = tf.backend() as unknown as WebGPUInternals;
      const code = `struct U { t: f32, a: f32, b: f32, c: f32 }
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<uniform> u: U;
@compute @workgroup_size(4) fn main(@builtin(global_invocation_id) id: vec3<u32>) { x[id.x] = x[id.x] + u.t; }`;
      const pipeline = be.device.createComputePipeline({ layout: 'auto', compute: { module: be.device.createShaderModule({ code }), entryPoint: 'main' } });
      for (const hooked of [false, true]) {
        const x = tf.zeros([4]);
        be.uploadToGPU(x.dataId);
        let t = 0;
        // A kernel that adds a host counter, written into a pooled uniform buffer as our optimizers do.
        const step = () => {
          t++;
          const ubuf = be.bufferManager.acquireBuffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
          be.queue.writeBuffer(ubuf, 0, new Float32Array([t, 0, 0, 0]));
          be.uniformPendingDisposal.push(ubuf);
          if (hooked) onReplay((ctx) => ctx.writeBuffer(ubuf, new Float32Array([++t, 0, 0, 0])));
          const group = be.device.createBindGroup({
            layout: pipeline.getBindGroupLayout(0),
            entries: [
              { binding: 0, resource: { buffer: be.tensorMap.get(x.dataId).resource as GPUBuffer } },
              { binding: 1, resource: { buffer: ubuf } },
            ],
          });
          be.ensureCommandEncoderReady();
          if (!be.computePassEncoder) be.computePassEncoder = be.commandEncoder!.beginComputePass();
          be.computePassEncoder.setPipeline(pipeline);
          be.computePassEncoder.setBindGroup(0, group);
          be.computePassEncoder.dispatchWorkgroups(1);
          be.commandQueueOwnedIds.add(x.dataId);
        };
        step();
        const { graph } = captureStepGraph(step, [[], []]);
        expect(graph.stats.dispatches).toBe(1);
        if (!hooked) {
          expect(() => graph.replay([])).toThrow(/onReplay/);
        } else {
          expect(graph.stats.hooks).toBe(1);
          graph.replay([]);
          graph.replay([]);
          // 1 + 2 + 3 eager/captured, then 4 and 5 replayed.
          expect(Array.from(await x.data())).toEqual([15, 15, 15, 15]);
        }
        graph.dispose();
        x.dispose();
      }
    });

    it('refuses a batch of another shape', () => {
      const m = mlp([8, 4], 2, 1);
      const opt = tf.train.sgd(0.1);
      const step = optimizerStep(m, opt);
      const b = [m.batch(0), m.batch(1), m.batch(2)];
      tf.dispose(step(b[0]!));
      const { graph, outputs } = captureStepGraph(step, [b[1]!, b[2]!]);
      const wrong = [tf.zeros([3, 8]), tf.zeros([3, 4])];
      expect(() => graph.replay(wrong)).toThrow(/batch\[0\] must have shape \[2,8\]/);
      graph.dispose();
      tf.dispose([...outputs.flat(), ...b.flat(), ...wrong]);
      m.dispose();
    });
  },
  ['webgpu'],
);
