import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { releaseWebGPU } from '../backend/webgpu';
import type { WebGPUInternals } from '../kernels/_shared/webgpu';
import { describeEachBackend } from '../testing/backends';
import { activeRecording, bindGroupRecord, bindGroupTuning, installRecorder, startRecording, stopRecording } from './recorder';
import type { RecordedEvent, Recording } from './recorder';

const ADD_ONE = `@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(4) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&x)) { x[id.x] = x[id.x] + 1.0; }
}`;
const TIMES_TWO = ADD_ONE.replace('x[id.x] + 1.0', 'x[id.x] * 2.0');

function device(): GPUDevice {
  return (tf.backend() as unknown as WebGPUInternals).device;
}

function pipelineOf(code: string): GPUComputePipeline {
  const d = device();
  return d.createComputePipeline({ layout: 'auto', compute: { module: d.createShaderModule({ code }), entryPoint: 'main' } });
}

function storage(size: number): GPUBuffer {
  // GPUBufferUsage is a global Dawn installs when the backend starts, so it is read here, not at import.
  return device().createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
}

function groupFor(pipeline: GPUComputePipeline, buffer: GPUBuffer): GPUBindGroup {
  return device().createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer } }] });
}

/** Runs `fn` inside a recording (always stopped) and under a validation error scope, so invalid calls fail the test. */
async function record(fn: () => void): Promise<Recording> {
  const d = device();
  d.pushErrorScope('validation');
  const rec = startRecording();
  try {
    fn();
  } finally {
    stopRecording();
  }
  const err = await d.popErrorScope();
  expect(err?.message ?? null).toBeNull();
  return rec;
}

async function readF32(buffer: GPUBuffer): Promise<number[]> {
  const d = device();
  const read = d.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = d.createCommandEncoder();
  enc.copyBufferToBuffer(buffer, 0, read, 0, buffer.size);
  d.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = Array.from(new Float32Array(read.getMappedRange().slice(0)));
  read.unmap();
  read.destroy();
  return out;
}

/** Encodes one ADD_ONE dispatch of `workgroups` on `buffer` and submits it. */
function dispatchOnce(pipeline: GPUComputePipeline, buffer: GPUBuffer, workgroups = 1): void {
  const enc = device().createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, groupFor(pipeline, buffer));
  pass.dispatchWorkgroups(workgroups);
  pass.end();
  device().queue.submit([enc.finish()]);
}

function kinds(events: RecordedEvent[]): string[] {
  return events.map((e) => e.kind);
}

describeEachBackend(
  'step-graph recorder',
  () => {
    afterAll(() => releaseWebGPU());

    it('records writes, dispatches, copies, clears and submits in call order with their arguments, and still runs them', async () => {
      const pipeline = pipelineOf(ADD_ONE);
      const a = storage(64);
      const b = storage(64);
      const group = groupFor(pipeline, a);
      const rec = await record(() => {
        const q = device().queue;
        // Typed-array offset and size are in elements: elements 1..2 of the array, i.e. [2, 3].
        q.writeBuffer(a, 4, new Float32Array([1, 2, 3, 4]), 1, 2);
        // ArrayBuffer offset and size are in bytes.
        q.writeBuffer(b, 0, new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]).buffer, 4, 4);
        const enc = device().createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(4, 1, 1);
        pass.end();
        enc.copyBufferToBuffer(a, 16, b, 32, 8);
        enc.copyBufferToBuffer(a, b, 12);
        enc.clearBuffer(b, 48);
        q.submit([enc.finish()]);
      });
      expect(kinds(rec.events)).toEqual(['write', 'write', 'dispatch', 'copy', 'copy', 'clear', 'submit']);
      const [w1, w2, d, c1, c2, z] = rec.events;
      expect(w1).toMatchObject({ kind: 'write', buffer: a, offset: 4 });
      expect(Array.from(new Float32Array((w1 as Extract<RecordedEvent, { kind: 'write' }>).data.buffer))).toEqual([2, 3]);
      expect(w2).toMatchObject({ kind: 'write', buffer: b, offset: 0 });
      expect(Array.from((w2 as Extract<RecordedEvent, { kind: 'write' }>).data)).toEqual([5, 4, 3, 2]);
      expect(d).toEqual({ kind: 'dispatch', pipeline, groups: [group], x: 4, y: 1, z: 1 });
      expect(c1).toEqual({ kind: 'copy', src: a, srcOffset: 16, dst: b, dstOffset: 32, size: 8 });
      // The (src, dst, size) shorthand copies from offset 0 to offset 0.
      expect(c2).toEqual({ kind: 'copy', src: a, srcOffset: 0, dst: b, dstOffset: 0, size: 12 });
      // A clear without a size clears to the end of the buffer.
      expect(z).toEqual({ kind: 'clear', buffer: b, offset: 48, size: 16 });
      expect(rec.refusals).toEqual([]);
      // Recording does not replace execution: the write landed and the dispatch added 1 to every element of a.
      expect((await readF32(a)).slice(0, 4)).toEqual([1, 3, 4, 1]);
    });

    it('a dispatch keeps the pipeline and groups bound at that moment, and y, z default to 1', async () => {
      const add = pipelineOf(ADD_ONE);
      const times = pipelineOf(TIMES_TWO);
      const a = storage(16);
      const b = storage(16);
      const ga = groupFor(add, a);
      const gb = groupFor(times, b);
      const rec = await record(() => {
        const enc = device().createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(add);
        pass.setBindGroup(0, ga);
        pass.dispatchWorkgroups(3, 2);
        pass.setPipeline(times);
        pass.setBindGroup(0, gb);
        pass.dispatchWorkgroups(1);
        pass.end();
        device().queue.submit([enc.finish()]);
      });
      const ds = rec.events.filter((e): e is Extract<RecordedEvent, { kind: 'dispatch' }> => e.kind === 'dispatch');
      expect(ds.length).toBe(2);
      expect(ds[0]).toEqual({ kind: 'dispatch', pipeline: add, groups: [ga], x: 3, y: 2, z: 1 });
      expect(ds[1]).toEqual({ kind: 'dispatch', pipeline: times, groups: [gb], x: 1, y: 1, z: 1 });
      expect(ds[0]!.pipeline).not.toBe(ds[1]!.pipeline);
    });

    it('records nothing outside startRecording/stopRecording; activeRecording and acquired follow the capture', async () => {
      const pipeline = pipelineOf(ADD_ONE);
      const before = storage(16);
      expect(activeRecording()).toBeNull();
      dispatchOnce(pipeline, before);
      device().queue.writeBuffer(before, 0, new Float32Array([1]));
      const box: { inside?: GPUBuffer } = {};
      const rec = await record(() => {
        expect(activeRecording()).not.toBeNull();
        box.inside = storage(16);
        dispatchOnce(pipeline, box.inside, 2);
      });
      expect(activeRecording()).toBeNull();
      expect(kinds(rec.events)).toEqual(['dispatch', 'submit']);
      expect(rec.events[0]).toMatchObject({ x: 2 });
      // Only the buffer created during the capture is acquired by it.
      expect(rec.acquired.has(box.inside!)).toBe(true);
      expect(rec.acquired.has(before)).toBe(false);
      const n = rec.events.length;
      dispatchOnce(pipeline, before);
      device().queue.writeBuffer(before, 0, new Float32Array([1]));
      storage(16);
      expect(rec.events.length).toBe(n);
      expect(rec.acquired.size).toBe(1);
    });

    it('captures do not nest, and the first one stays active', () => {
      const rec = startRecording();
      try {
        expect(() => startRecording()).toThrow(/captures do not nest/);
        expect(activeRecording()).toBe(rec);
      } finally {
        stopRecording();
      }
      expect(activeRecording()).toBeNull();
    });

    it('installRecorder is idempotent: installing again does not wrap twice', async () => {
      expect(installRecorder()).toBe(true);
      expect(installRecorder()).toBe(true);
      const pipeline = pipelineOf(ADD_ONE);
      const rec = await record(() => dispatchOnce(pipeline, storage(16)));
      // A second wrapper layer would record each dispatch and submit twice.
      expect(kinds(rec.events)).toEqual(['dispatch', 'submit']);
    });

    it('refuses dynamic offsets, but not an empty offsets list', async () => {
      const d = device();
      const layout = d.createBindGroupLayout({ entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage', hasDynamicOffset: true } }] });
      const pipeline = d.createComputePipeline({
        layout: d.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module: d.createShaderModule({ code: ADD_ONE }), entryPoint: 'main' },
      });
      const buffer = storage(512);
      const group = d.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer, size: 16 } }] });
      const run = (p: GPUComputePipeline, g: GPUBindGroup, offsets: number[]) => () => {
        const enc = d.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(p);
        pass.setBindGroup(0, g, offsets);
        pass.dispatchWorkgroups(1);
        pass.end();
        d.queue.submit([enc.finish()]);
      };
      const refusal = ['a bind group is set with dynamic offsets'];
      expect((await record(run(pipeline, group, [256]))).refusals).toEqual(refusal);
      expect((await record(run(pipeline, group, [0]))).refusals).toEqual(refusal);
      // An empty list (on a layout without dynamic offsets) is no dynamic offset at all.
      const plain = pipelineOf(ADD_ONE);
      expect((await record(run(plain, groupFor(plain, storage(16)), []))).refusals).toEqual([]);
    });

    it('refuses an indirect dispatch', async () => {
      const d = device();
      const pipeline = pipelineOf(ADD_ONE);
      const indirect = d.createBuffer({ size: 12, usage: GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_DST });
      d.queue.writeBuffer(indirect, 0, new Uint32Array([1, 1, 1]));
      const rec = await record(() => {
        const enc = d.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, groupFor(pipeline, storage(16)));
        pass.dispatchWorkgroupsIndirect(indirect, 0);
        pass.end();
        d.queue.submit([enc.finish()]);
      });
      expect(rec.refusals).toEqual(['an indirect dispatch']);
      expect(kinds(rec.events)).not.toContain('dispatch');
    });

    it('refuses a compute pass that writes timestamps', async (ctx) => {
      const d = device();
      if (!d.features.has('timestamp-query')) ctx.skip();
      const querySet = d.createQuerySet({ type: 'timestamp', count: 2 });
      try {
        const rec = await record(() => {
          const enc = d.createCommandEncoder();
          enc.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } }).end();
          enc.beginComputePass({}).end();
          d.queue.submit([enc.finish()]);
        });
        // One refusal: the pass without timestampWrites is fine.
        expect(rec.refusals).toEqual(['a compute pass writes timestamps (tf.time/profile during capture)']);
      } finally {
        querySet.destroy();
      }
    });

    it('refuses a dispatch on a compute pass begun before the capture, and does not record it', async () => {
      const d = device();
      const pipeline = pipelineOf(ADD_ONE);
      const enc = d.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, groupFor(pipeline, storage(16)));
      const rec = await record(() => {
        pass.dispatchWorkgroups(1);
        pass.end();
        d.queue.submit([enc.finish()]);
      });
      expect(rec.refusals).toEqual(['a dispatch on a compute pass begun before the capture started']);
      expect(kinds(rec.events)).toEqual(['submit']);
    });

    it('refuses a dispatch without a pipeline', async () => {
      const d = device();
      const rec = startRecording();
      d.pushErrorScope('validation');
      try {
        const enc = d.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.dispatchWorkgroups(1);
        pass.end();
        enc.finish();
      } finally {
        stopRecording();
      }
      // The dispatch is invalid WebGPU too: swallow the validation error it raises.
      await d.popErrorScope();
      expect(rec.refusals).toEqual(['a dispatch without a pipeline']);
    });

    it('refuses a read-back (mapAsync) during capture without mapping, and maps normally outside', async () => {
      const d = device();
      const read = d.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const box: { pending?: Promise<undefined> } = {};
      const rec = await record(() => {
        box.pending = read.mapAsync(GPUMapMode.READ);
        box.pending.catch(() => undefined);
      });
      await expect(box.pending!).rejects.toThrow(/read-back during capture/);
      expect(rec.refusals).toEqual(['the step reads a buffer back (mapAsync) during capture: a step graph cannot contain a read-back']);
      // The refused map never reached the buffer: it can be mapped now.
      await read.mapAsync(GPUMapMode.READ);
      expect(read.mapState).toBe('mapped');
      read.unmap();
      read.destroy();
    });

    it('refuses texture writes and every encoder command it does not record', async () => {
      const d = device();
      const tex = () => d.createTexture({ size: [1, 1], format: 'r32float', usage: GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT });
      const t1 = tex();
      const t2 = tex();
      const src = d.createBuffer({ size: 256, usage: GPUBufferUsage.COPY_SRC });
      const dst = d.createBuffer({ size: 256, usage: GPUBufferUsage.COPY_DST });
      const resolved = d.createBuffer({ size: 256, usage: GPUBufferUsage.QUERY_RESOLVE });
      const querySet = d.createQuerySet({ type: 'occlusion', count: 1 });
      const rec = await record(() => {
        d.queue.writeTexture({ texture: t1 }, new Float32Array([1]), { bytesPerRow: 4 }, [1, 1]);
        const enc = d.createCommandEncoder();
        enc.copyBufferToTexture({ buffer: src, bytesPerRow: 256 }, { texture: t1 }, [1, 1]);
        enc.copyTextureToBuffer({ texture: t1 }, { buffer: dst, bytesPerRow: 256 }, [1, 1]);
        enc.copyTextureToTexture({ texture: t1 }, { texture: t2 }, [1, 1]);
        enc.resolveQuerySet(querySet, 0, 1, resolved, 0);
        enc.beginRenderPass({ colorAttachments: [{ view: t2.createView(), loadOp: 'clear', storeOp: 'store' }] }).end();
        d.queue.submit([enc.finish()]);
      });
      expect(rec.refusals).toEqual([
        'the step writes a texture',
        ...['copyBufferToTexture', 'copyTextureToBuffer', 'copyTextureToTexture', 'resolveQuerySet', 'beginRenderPass'].map(
          (n) => `the step calls GPUCommandEncoder.${n}, which a step graph does not record`,
        ),
      ]);
      for (const x of [t1, t2, src, dst, resolved, querySet]) x.destroy();
    });

    it('records a buffer mapped at creation during capture as a write at unmap; refuses a mapped range with an offset', async () => {
      const d = device();
      const outside = d.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
      const box: { inside?: GPUBuffer } = {};
      const rec = await record(() => {
        const inside = (box.inside = d.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true }));
        new Float32Array(inside.getMappedRange()).set([1, 2, 3, 4]);
        inside.unmap();
        // A buffer mapped before the capture is not a write of the step.
        new Float32Array(outside.getMappedRange()).set([5, 6, 7, 8]);
        outside.unmap();
      });
      expect(kinds(rec.events)).toEqual(['write']);
      const w = rec.events[0] as Extract<RecordedEvent, { kind: 'write' }>;
      expect(w.buffer).toBe(box.inside);
      expect(w.offset).toBe(0);
      expect(Array.from(new Float32Array(w.data.buffer))).toEqual([1, 2, 3, 4]);
      expect(rec.refusals).toEqual([]);
      const withOffset = await record(() => {
        const b = d.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
        b.getMappedRange(8);
        b.unmap();
      });
      expect(withOffset.refusals).toEqual(['a mapped range with an offset was written during capture']);
    });

    it('bindGroupRecord keeps the layout and buffer entries of a group, marks non-buffer entries, knows no foreign object', () => {
      const d = device();
      const pipeline = pipelineOf(ADD_ONE);
      const layout = pipeline.getBindGroupLayout(0);
      const buffer = storage(512);
      const whole = d.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer } }] });
      const part = d.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer, offset: 256, size: 32 } }] });
      expect(bindGroupRecord(whole)).toEqual({ layout, entries: [{ binding: 0, buffer, offset: 0, size: undefined }] });
      expect(bindGroupRecord(part)).toEqual({ layout, entries: [{ binding: 0, buffer, offset: 256, size: 32 }] });
      expect(bindGroupRecord(whole)!.layout).toBe(layout);
      expect(bindGroupRecord(whole)!.entries[0]!.buffer).toBe(buffer);
      const mixedLayout = d.createBindGroupLayout({
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, sampler: {} },
        ],
      });
      const mixed = d.createBindGroup({ layout: mixedLayout, entries: [{ binding: 0, resource: { buffer } }, { binding: 1, resource: d.createSampler() }] });
      const rec = bindGroupRecord(mixed)!;
      expect(rec.unsupported).toBe('binding 1 is not a buffer');
      expect(rec.entries).toEqual([{ binding: 0, buffer, offset: 0, size: undefined }]);
      expect(bindGroupRecord(whole)!.unsupported).toBeUndefined();
      expect(bindGroupRecord({} as GPUBindGroup)).toBeUndefined();
    });

    // The cache is module-global: entries of earlier tests are older than a, b and c, so they go first.
    it('the bind-group cache evicts the least recently used group beyond its capacity', () => {
      const pipeline = pipelineOf(ADD_ONE);
      const [a, b, c] = [storage(16), storage(16), storage(16)];
      const saved = { ...bindGroupTuning };
      Object.assign(bindGroupTuning, { cache: true, capacity: 2, hits: 0, misses: 0 });
      try {
        const ga = groupFor(pipeline, a);
        const gb = groupFor(pipeline, b);
        // Using a again makes b the least recently used, so c evicts b, not a.
        expect(groupFor(pipeline, a)).toBe(ga);
        groupFor(pipeline, c);
        expect(groupFor(pipeline, a)).toBe(ga);
        const gb2 = groupFor(pipeline, b);
        expect(gb2).not.toBe(gb);
        expect(bindGroupTuning).toMatchObject({ hits: 2, misses: 4 });
        // Lowering the capacity shrinks the cache at the next insert: with capacity 1 only the newest group stays
        // (a and b both evicted; one eviction per insert would keep b).
        bindGroupTuning.capacity = 1;
        const gc = groupFor(pipeline, c);
        expect(groupFor(pipeline, c)).toBe(gc);
        expect(groupFor(pipeline, b)).not.toBe(gb2);
      } finally {
        Object.assign(bindGroupTuning, saved);
      }
    });

    it('with bindGroupTuning.cache on, an identical descriptor returns the same group and counts a hit', () => {
      const d = device();
      const pipeline = pipelineOf(ADD_ONE);
      // The wrapped getBindGroupLayout returns one layout object per (pipeline, index), which the cache keys on.
      expect(pipeline.getBindGroupLayout(0)).toBe(pipeline.getBindGroupLayout(0));
      const a = storage(512);
      const b = storage(512);
      const make = (buffer: GPUBuffer, offset?: number, size?: number) =>
        d.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer, offset, size } }] });
      const saved = { ...bindGroupTuning };
      bindGroupTuning.cache = true;
      bindGroupTuning.hits = 0;
      bindGroupTuning.misses = 0;
      try {
        const g = make(a);
        expect(bindGroupTuning).toMatchObject({ hits: 0, misses: 1 });
        expect(make(a)).toBe(g);
        expect(make(a, 0)).toBe(g);
        expect(bindGroupTuning).toMatchObject({ hits: 2, misses: 1 });
        // Another buffer, offset or size is another group.
        const others = [make(b), make(a, 256), make(a, 0, 32)];
        for (const o of others) expect(o).not.toBe(g);
        expect(new Set(others).size).toBe(3);
        expect(bindGroupTuning).toMatchObject({ hits: 2, misses: 4 });
        // The cached group is a real one, with its record.
        expect(bindGroupRecord(g)!.entries[0]!.buffer).toBe(a);
      } finally {
        Object.assign(bindGroupTuning, saved);
      }
    });

    it('with bindGroupTuning.cache off (the default), every createBindGroup makes a new group and counts nothing', () => {
      expect(bindGroupTuning.cache).toBe(false);
      const pipeline = pipelineOf(ADD_ONE);
      const a = storage(16);
      const saved = { ...bindGroupTuning };
      bindGroupTuning.hits = 0;
      bindGroupTuning.misses = 0;
      try {
        const g1 = groupFor(pipeline, a);
        const g2 = groupFor(pipeline, a);
        expect(g1).not.toBe(g2);
        expect(bindGroupTuning).toMatchObject({ hits: 0, misses: 0 });
      } finally {
        Object.assign(bindGroupTuning, saved);
      }
    });

    it('the bind-group cache does not cache a group with a non-buffer entry', () => {
      const d = device();
      const layout = d.createBindGroupLayout({ entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, sampler: {} }] });
      const sampler = d.createSampler();
      const saved = { ...bindGroupTuning };
      Object.assign(bindGroupTuning, { cache: true, hits: 0, misses: 0 });
      try {
        const g1 = d.createBindGroup({ layout, entries: [{ binding: 0, resource: sampler }] });
        const g2 = d.createBindGroup({ layout, entries: [{ binding: 0, resource: sampler }] });
        expect(g1).not.toBe(g2);
        expect(bindGroupTuning).toMatchObject({ hits: 0, misses: 0 });
      } finally {
        Object.assign(bindGroupTuning, saved);
      }
    });
  },
  ['webgpu'],
);
