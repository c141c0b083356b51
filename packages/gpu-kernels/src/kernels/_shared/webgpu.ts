import * as tf from '@tensorflow/tfjs-core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

/** How a WGSL storage binding is accessed. */
export type BindingAccess = 'read' | 'read_write';

interface TensorData {
  resource: unknown;
  values: unknown;
  refCount: number;
  dtype: tf.DataType;
  shape: number[];
}

/**
 * The parts of tfjs 4.22's `WebGPUBackend` we use to record our own pipelines into its command stream. They
 * are not public API (see backend_webgpu.js); recording into the backend's own encoder keeps ordering with
 * tfjs's ops and defers buffer reuse until the commands are submitted, exactly as `recordAndSubmit` does.
 */
export interface WebGPUInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(id: DataId): TensorData; has(id: DataId): boolean };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<DataId>;
  uniformPendingDisposal: GPUBuffer[];
  dispatchCountInPass: number;
  bufferManager: { acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: DataId): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: unknown): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  refCount(dataId: DataId): number;
}

/** One storage binding of a dispatch: the tensor and how the shader accesses it. */
export interface DispatchBinding {
  info: TensorInfo;
  access: BindingAccess;
}

/** A compute dispatch recorded into the tfjs backend's command stream. */
export interface DispatchSpec {
  /** Pipeline cache key; one key must always mean the same WGSL code. */
  key: string;
  code: string;
  bindings: DispatchBinding[];
  uniforms?: ArrayBuffer | ArrayBufferView;
  workgroups: readonly [number, number?, number?];
}

const pipelines = new WeakMap<GPUDevice, Map<string, { code: string; pipeline: GPUComputePipeline }>>();

/** The compute pipeline of `code` (entry `main`, auto layout), cached per device under `key`. */
export function getPipeline(device: GPUDevice, key: string, code: string): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) {
    if (hit.code !== code) throw new Error(`runWGSL: key '${key}' was already used for different WGSL code; use one key per program`);
    return hit.pipeline;
  }
  const pipeline = device.createComputePipeline({
    label: key,
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  cache.set(key, { code, pipeline });
  return pipeline;
}

/** The active webgpu backend's internals, or a clear error naming the caller. */
export function webgpuInternals(caller: string, backend?: unknown): WebGPUInternals {
  const be = (backend ?? (tf.getBackend() === 'webgpu' ? tf.backend() : null)) as WebGPUInternals | null;
  if (!be || !be.device || !be.tensorMap) {
    throw new Error(`${caller}: needs the webgpu backend to be active, got '${tf.getBackend()}'`);
  }
  return be;
}

function toBytes(u: ArrayBuffer | ArrayBufferView): Uint8Array {
  return u instanceof ArrayBuffer ? new Uint8Array(u) : new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * Uploads host bytes into a fresh buffer from tfjs's pool (`usage`: uniform by default), released by tfjs once
 * the commands using it are submitted; the buffer is returned so that a replay hook can rewrite it.
 */
export function uploadUniforms(be: WebGPUInternals, bytes: ArrayBuffer | ArrayBufferView, usage: number = GPUBufferUsage.UNIFORM): { buffer: GPUBuffer; size: number } {
  const src = toBytes(bytes);
  const size = Math.max(16, Math.ceil(src.byteLength / 16) * 16);
  const padded = new Uint8Array(size);
  padded.set(src);
  const buffer = be.bufferManager.acquireBuffer(size, usage | GPUBufferUsage.COPY_DST);
  be.queue.writeBuffer(buffer, 0, padded);
  be.uniformPendingDisposal.push(buffer);
  return { buffer, size };
}

/**
 * A tensor's GPU buffer for a binding of a dispatch being recorded: uploaded if it still lives on the CPU,
 * its CPU-side copy dropped when the shader writes it (`read_write`), and kept alive until the encoder being
 * recorded is submitted (tfjs defers disposal of ids in `commandQueueOwnedIds`). The one place a kernel of
 * gpu-kernels turns a tensor into a buffer to bind.
 */
export function bindTensor(be: WebGPUInternals, info: TensorInfo, access: BindingAccess): GPUBuffer {
  // Beyond the device's limit a bind group is invalid and its dispatch silently does nothing (the output stays 0).
  const bytes = 4 * info.shape.reduce((a, b) => a * b, 1);
  const limit = be.device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new Error(
      `gpu-kernels: a tensor of shape [${info.shape.join(', ')}] (${bytes} bytes) exceeds this GPU device's maxStorageBufferBindingSize (${limit} bytes), so no kernel can bind it; split it into smaller tensors (e.g. several variables) or use a device with a larger limit`,
    );
  }
  be.uploadToGPU(info.dataId);
  const td = be.tensorMap.get(info.dataId);
  if (access === 'read_write') td.values = null;
  be.commandQueueOwnedIds.add(info.dataId);
  return td.resource as GPUBuffer;
}

/**
 * Drops the CPU-side copy tfjs caches of a tensor after a read, for a tensor our kernels write in place (so the
 * next read fetches the GPU buffer); nothing for a tensor no longer on the backend.
 */
export function dropCpuCopy(be: WebGPUInternals, info: TensorInfo): void {
  if (be.tensorMap.has(info.dataId)) be.tensorMap.get(info.dataId).values = null;
}

/** One compute dispatch ready to encode: pipeline, bind groups by group index, workgroup grid. */
export interface EncodedDispatch {
  pipeline: GPUComputePipeline;
  groups: GPUBindGroup[];
  workgroups: readonly [number, number?, number?];
}

/** Options of {@link recordDispatch} for a list of encoded dispatches. */
export interface RecordOptions {
  /** Whether each dispatch counts towards tfjs's submit batch (default true); false: the whole list counts as one. */
  countEach?: boolean;
}

/** Pipeline and bind group of a {@link DispatchSpec} (bindings in order, the uniform buffer last). */
function encodeSpec(be: WebGPUInternals, spec: DispatchSpec): { dispatch: EncodedDispatch; uniforms?: GPUBuffer } {
  const pipeline = getPipeline(be.device, spec.key, spec.code);
  const entries: GPUBindGroupEntry[] = spec.bindings.map((b, i) => ({ binding: i, resource: { buffer: bindTensor(be, b.info, b.access) } }));
  let uniforms: GPUBuffer | undefined;
  if (spec.uniforms) {
    const u = uploadUniforms(be, spec.uniforms);
    uniforms = u.buffer;
    entries.push({ binding: spec.bindings.length, resource: { buffer: u.buffer, size: u.size } });
  }
  const group = be.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  return { dispatch: { pipeline, groups: [group], workgroups: spec.workgroups }, uniforms };
}

/**
 * The one function that records compute work into the tfjs webgpu backend's command stream (ordered with tfjs's
 * own ops), used by every kernel of gpu-kernels. Two forms:
 * - a {@link DispatchSpec}: one dispatch of `code` (entry point `main`, bindings `@group(0) @binding(i)` in
 *   order via {@link bindTensor}, the uniform buffer last); returns the uniform buffer it filled (for a replay
 *   hook), if any;
 * - a list of {@link EncodedDispatch} (own pipeline layouts, cached bind groups; buffers bound with
 *   {@link bindTensor}): encoded back to back, setting a pipeline or bind group only when it changes.
 * Either way the work goes into the backend's current compute pass (opened if needed) and counts towards tfjs's
 * submit batching (`WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE`), submitting once the batch is full.
 */
export function recordDispatch(be: WebGPUInternals, spec: DispatchSpec): GPUBuffer | undefined;
export function recordDispatch(be: WebGPUInternals, dispatches: readonly EncodedDispatch[], options?: RecordOptions): void;
export function recordDispatch(be: WebGPUInternals, what: DispatchSpec | readonly EncodedDispatch[], options: RecordOptions = {}): GPUBuffer | undefined {
  let dispatches: readonly EncodedDispatch[];
  let uniforms: GPUBuffer | undefined;
  if (isDispatchList(what)) {
    dispatches = what;
  } else {
    const one = encodeSpec(be, what);
    dispatches = [one.dispatch];
    uniforms = one.uniforms;
  }
  if (dispatches.length === 0) return uniforms;
  be.ensureCommandEncoderReady();
  if (!be.computePassEncoder) be.computePassEncoder = be.commandEncoder!.beginComputePass();
  const pass = be.computePassEncoder;
  let pipeline: GPUComputePipeline | null = null;
  const bound: (GPUBindGroup | undefined)[] = [];
  for (const d of dispatches) {
    if (d.pipeline !== pipeline) {
      pass.setPipeline(d.pipeline);
      pipeline = d.pipeline;
      bound.length = 0;
    }
    d.groups.forEach((g, i) => {
      if (bound[i] !== g) pass.setBindGroup(i, g);
      bound[i] = g;
    });
    const [x, y = 1, z = 1] = d.workgroups;
    pass.dispatchWorkgroups(x, y, z);
  }
  be.dispatchCountInPass += (options.countEach ?? true) ? dispatches.length : 1;
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
    be.endComputePassEncoder();
    be.submitQueue();
  }
  return uniforms;
}

function isDispatchList(what: DispatchSpec | readonly EncodedDispatch[]): what is readonly EncodedDispatch[] {
  return Array.isArray(what);
}

/**
 * @deprecated Use {@link recordDispatch} with a list (`recordDispatch(be, dispatches, { countEach })`); kept only
 * until sinkhorn/iterations-webgpu.ts moves over.
 */
export function encodeDispatches(be: WebGPUInternals, dispatches: readonly EncodedDispatch[], countEach = true): void {
  recordDispatch(be, dispatches, { countEach });
}

/** Maximum workgroups per dispatch dimension guaranteed by WebGPU. */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/** Splits `count` workgroups into a 2-D grid; shaders linearise with `wid.y * nwg.x + wid.x`. */
export function grid2D(count: number): [number, number] {
  if (count <= MAX_WORKGROUPS_PER_DIM) return [Math.max(1, count), 1];
  const y = Math.ceil(count / MAX_WORKGROUPS_PER_DIM);
  return [Math.ceil(count / y), y];
}

/** A fresh float32/int32 output tensor on the GPU. */
export function gpuOutput(be: WebGPUInternals, shape: number[], dtype: 'float32' | 'int32' = 'float32'): TensorInfo {
  return be.makeTensorInfo(shape, dtype);
}

/** Packs uniform values (u32 / i32 / f32 by tag) into a 16-byte aligned buffer of 4-byte fields. */
export function packUniforms(fields: ReadonlyArray<readonly ['u32' | 'i32' | 'f32', number]>): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const dv = new DataView(buf);
  fields.forEach(([t, v], i) => {
    if (t === 'f32') dv.setFloat32(i * 4, v, true);
    else if (t === 'i32') dv.setInt32(i * 4, v, true);
    else dv.setUint32(i * 4, v >>> 0, true);
  });
  return buf;
}
