import * as tf from '@tensorflow/tfjs-core';
import { webgpuInternals } from '../kernels/_shared/webgpu';
import type { WebGPUInternals } from '../kernels/_shared/webgpu';
import { bindGroupRecord, startRecording, stopRecording } from './recorder';
import type { RecordedEvent, Recording } from './recorder';
import { setCaptureSink } from './replay-hooks';
import type { ReplayContext, ReplayHook } from './replay-hooks';

/**
 * A training step: reads the batch tensors, updates variables (an optimizer step), returns the tensors the
 * caller wants back (typically the loss). It must be synchronous and do the same thing every call.
 */
export type StepFn = (batch: tf.Tensor[]) => tf.Tensor | tf.Tensor[] | void;

/** Sizes of a captured graph. */
export interface StepGraphStats {
  /** Compute dispatches per replay. */
  dispatches: number;
  /** Buffer copies encoded per replay (inputs, rotated variables, host writes, the step's own copies, outputs). */
  copies: number;
  /** Buffers the graph owns and their total bytes. */
  graphBuffers: number;
  graphBytes: number;
  /** onReplay hooks run before each replay. */
  hooks: number;
}

/** The GPU time of one dispatch of a profiled replay ({@link StepGraph.replayProfiled}). */
export interface DispatchTiming {
  /** Position among the step's dispatches. */
  index: number;
  /** The compute pipeline's label (tfjs names its programs, e.g. `MatMulPackedProgram`; Lemma's kernels by key). */
  label: string;
  /** Workgroups dispatched (x, y, z). */
  workgroups: [number, number, number];
  /** Bytes of the buffer ranges bound to the dispatch (an upper bound on what it can read and write). */
  boundBytes: number;
  /** GPU time between the start and the end of the dispatch's pass, in ms. */
  gpuMs: number;
}

/** How a profiled replay times passes: the timestamp writes of each pass, and the query resolve at the end. */
interface ReplayTiming {
  pass(): GPUComputePassDescriptor;
  resolve(enc: GPUCommandEncoder): void;
}

type Cmd =
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; groups: (GPUBindGroup | null)[]; x: number; y: number; z: number }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number }
  | { kind: 'clear'; buffer: GPUBuffer; offset: number; size: number };

interface Batch {
  /** Host writes replayed by copying from the constants buffer, before the batch's commands (as on the queue). */
  writes: { captured: GPUBuffer; dst: GPUBuffer; dstOffset: number; srcOffset: number; size: number }[];
  cmds: Cmd[];
}

interface VarState {
  variable: tf.Variable;
  dataId: tf.DataId;
  buffer: GPUBuffer;
}

const MAP_WRITE = 0x0002;
const MAP = 0x0001 | MAP_WRITE; // GPUBufferUsage.MAP_READ | MAP_WRITE (constants, since the globals may load late)
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const STORAGE = 0x0080;

function outputsOf(out: unknown): tf.Tensor[] {
  if (out === undefined || out === null) return [];
  if (out instanceof tf.Tensor) return [out];
  if (Array.isArray(out) && out.every((t) => t instanceof tf.Tensor)) return out as tf.Tensor[];
  if (out instanceof Promise) throw new Error('captureStepGraph: step must be synchronous, it returned a Promise');
  throw new Error('captureStepGraph: step must return a tensor, an array of tensors or nothing');
}

function bufferOf(be: WebGPUInternals, t: tf.TensorInfo, what: string): GPUBuffer {
  const r = be.tensorMap.get(t.dataId)?.resource;
  if (!r || !(r instanceof GPUBuffer)) throw new Error(`captureStepGraph: ${what} has no GPU buffer`);
  return r;
}

function flush(be: WebGPUInternals): void {
  be.endComputePassEncoder();
  if (be.commandEncoder) be.submitQueue();
}

function variables(): tf.Variable[] {
  return Object.values(tf.engine().registeredVariables);
}

interface Captured {
  rec: Recording;
  hooks: ReplayHook[];
  before: Map<tf.Variable, VarState>;
  after: Map<tf.Variable, VarState>;
  inputs: tf.Tensor[];
  inputBuffers: GPUBuffer[];
  outputs: tf.Tensor[];
}

/** Runs `step(batch)` once, for real, while recording what it does on the device. */
function captureOnce(be: WebGPUInternals, step: StepFn, batch: tf.Tensor[]): Captured {
  batch.forEach((t, i) => {
    if (!(t instanceof tf.Tensor) || t.isDisposed) throw new Error(`captureStepGraph: batch[${i}] must be a live tensor`);
    be.uploadToGPU(t.dataId);
  });
  for (const v of variables()) be.uploadToGPU(v.dataId);
  flush(be);
  const snap = (): Map<tf.Variable, VarState> =>
    new Map(variables().map((v) => [v, { variable: v, dataId: v.dataId, buffer: be.tensorMap.get(v.dataId).resource as GPUBuffer }]));
  const before = snap();
  const inputBuffers = batch.map((t, i) => bufferOf(be, t, `batch[${i}]`));
  const env = tf.env();
  const prevForward = env.get('WEBGPU_CPU_FORWARD');
  const prevBatch = env.get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE');
  const bm = be.bufferManager as WebGPUInternals['bufferManager'] & { releaseBuffer(b: GPUBuffer, reuse?: boolean): void };
  const acquire = bm.acquireBuffer;
  const release = bm.releaseBuffer;
  const hooks: ReplayHook[] = [];
  const readers = be as unknown as Record<'read' | 'readSync' | 'readToGPU', unknown>;
  const reads: Partial<Record<'read' | 'readSync' | 'readToGPU', unknown>> = {};
  const rec = startRecording();
  let outputs: tf.Tensor[] = [];
  try {
    // Ops on small host-resident tensors would otherwise run on the CPU backend, outside the graph.
    env.set('WEBGPU_CPU_FORWARD', false);
    // One submit per step: host writes then all commands, which the replay reproduces exactly.
    env.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1 << 30);
    bm.acquireBuffer = function (size, usage, mappedAtCreation, reuse) {
      const b = acquire.call(this, size, usage, mappedAtCreation, reuse);
      rec.acquired.add(b);
      return b;
    };
    bm.releaseBuffer = function (b, reuse) {
      rec.released.add(b);
      return release.call(this, b, reuse);
    };
    for (const name of ['read', 'readSync', 'readToGPU'] as const) {
      reads[name] = readers[name];
      readers[name] = () => {
        rec.refusals.push(`the step reads a tensor back (${name}) during capture: a step graph cannot contain a read-back`);
        throw new Error(`captureStepGraph: read-back (${name}) during capture`);
      };
    }
    setCaptureSink({ addHook: (h) => hooks.push(h) });
    outputs = outputsOf(step(batch));
    for (const t of outputs) be.uploadToGPU(t.dataId);
    flush(be);
  } finally {
    setCaptureSink(null);
    stopRecording();
    for (const [name, f] of Object.entries(reads)) {
      if (Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(be), name) && f === Object.getPrototypeOf(be)[name]) delete readers[name as 'read'];
      else readers[name as 'read'] = f;
    }
    bm.acquireBuffer = acquire;
    bm.releaseBuffer = release;
    env.set('WEBGPU_CPU_FORWARD', prevForward);
    env.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', prevBatch);
  }
  foldUploads(rec);
  const after = snap();
  for (const v of after.keys()) if (!before.has(v)) rec.refusals.push(`the step created variable '${v.name}' (run one eager step before capturing, so optimizers create their state)`);
  for (const v of before.keys()) if (!after.has(v)) rec.refusals.push(`the step disposed variable '${v.name}'`);
  return { rec, hooks, before, after, inputs: batch, inputBuffers, outputs };
}

/**
 * tfjs uploads host values either into a fresh buffer mapped at creation or, when its pool returns a used
 * buffer, through a mapped staging buffer and a copy: which one depends on the pool. Both become a host
 * write of the destination, so that two runs of the same step record the same stream.
 */
function foldUploads(rec: Recording): void {
  const staged = new Map<GPUBuffer, Extract<RecordedEvent, { kind: 'write' }>>();
  const out: RecordedEvent[] = [];
  for (const e of rec.events) {
    if (e.kind === 'write' && (e.buffer.usage & MAP_WRITE) !== 0) {
      staged.set(e.buffer, e);
      continue;
    }
    if (e.kind === 'copy' && staged.has(e.src)) {
      const w = staged.get(e.src)!;
      const from = e.srcOffset - w.offset;
      if (from >= 0 && from + e.size <= w.data.byteLength) {
        out.push({ kind: 'write', buffer: e.dst, offset: e.dstOffset, data: w.data.slice(from, from + e.size) });
        continue;
      }
      out.push(w);
    }
    out.push(e);
  }
  rec.events = out;
}

function signature(events: RecordedEvent[]): string[] {
  return events.map((e) =>
    e.kind === 'dispatch' ? `d${e.x},${e.y},${e.z}` : e.kind === 'write' ? `w${e.data.byteLength}@${e.offset}` : e.kind === 'copy' ? `c${e.size}` : e.kind === 'clear' ? `z${e.size}` : 's',
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A training step recorded on the webgpu backend's device and replayed by encoding the recorded dispatches
 * into one command encoder, without running tfjs (or any host code of the step) again. Build one with
 * {@link captureStepGraph}.
 */
export class StepGraph {
  /** Sizes of the graph. */
  readonly stats: StepGraphStats;
  private replays = 0;
  private disposed = false;

  /** @internal */
  constructor(
    private readonly be: WebGPUInternals,
    private readonly inputSpecs: { shape: number[]; dtype: tf.DataType; buffer: GPUBuffer }[],
    private readonly outputSpecs: { shape: number[]; dtype: tf.DataType; buffer: GPUBuffer }[],
    private readonly rotated: { variable: tf.Variable; buffer: GPUBuffer }[],
    private readonly held: VarState[],
    private readonly batches: Batch[],
    private readonly constants: GPUBuffer | null,
    private readonly owned: GPUBuffer[],
    private readonly relocation: Map<GPUBuffer, GPUBuffer>,
    private readonly hooks: ReplayHook[],
    private readonly varying: { captured: GPUBuffer; index: number; size: number }[],
  ) {
    let copies = inputSpecs.length + rotated.length + outputSpecs.length;
    for (const b of batches) copies += b.writes.length + b.cmds.filter((c) => c.kind !== 'dispatch').length;
    this.stats = {
      dispatches: batches.reduce((a, b) => a + b.cmds.filter((c) => c.kind === 'dispatch').length, 0),
      copies,
      graphBuffers: owned.length,
      graphBytes: owned.reduce((a, b) => a + b.size, 0),
      hooks: hooks.length,
    };
  }

  /**
   * Runs the captured step once more on `batch` (same shapes and dtypes as at capture): the variables the
   * step updated are updated in place, and the step's outputs come back as new tensors (the caller disposes
   * them). Nothing is read back and nothing waits for the GPU.
   * @throws when the batch's shapes differ from the captured ones, a variable the step used was reassigned
   * or disposed since capture, or a host-written value varies between steps with no onReplay hook.
   */
  replay(batch: tf.Tensor[]): tf.Tensor[] {
    return this.run(batch, null);
  }

  /** Whether {@link StepGraph.replayProfiled} can run: the device has the `timestamp-query` feature. */
  get canProfile(): boolean {
    return this.be.device.features.has('timestamp-query');
  }

  /**
   * Like {@link StepGraph.replay} (one real step), with each compute dispatch in a compute pass of its own whose
   * GPU timestamps give the dispatch's GPU time: where a step's GPU time goes, dispatch by dispatch. Diagnostic only
   * (a pass per dispatch and the read-back cost more than a replay). Resolves once the GPU has run the step.
   * @throws when the device lacks the `timestamp-query` feature, or for the reasons `replay` throws.
   */
  async replayProfiled(batch: tf.Tensor[]): Promise<{ outputs: tf.Tensor[]; dispatches: DispatchTiming[] }> {
    if (this.disposed) throw new Error('StepGraph.replayProfiled: the graph was disposed');
    const device = this.be.device;
    if (!this.canProfile) {
      throw new Error("StepGraph.replayProfiled: the WebGPU device has no 'timestamp-query' feature (the adapter does not offer it), so dispatches cannot be timed");
    }
    const list = this.batches.flatMap((b) => b.cmds.filter((c): c is Extract<Cmd, { kind: 'dispatch' }> => c.kind === 'dispatch'));
    const count = 2 * list.length;
    const querySet = device.createQuerySet({ type: 'timestamp', count });
    const resolved = device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const read = device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    let n = 0;
    try {
      const outputs = this.run(batch, {
        pass: () => ({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * n, endOfPassWriteIndex: 2 * n++ + 1 } }),
        resolve: (enc) => {
          enc.resolveQuerySet(querySet, 0, count, resolved, 0);
          enc.copyBufferToBuffer(resolved, 0, read, 0, 8 * count);
        },
      });
      await read.mapAsync(GPUMapMode.READ);
      const ns = new BigInt64Array(read.getMappedRange().slice(0));
      read.unmap();
      const dispatches = list.map((c, i) => ({
        index: i,
        label: c.pipeline.label || '(unlabelled)',
        workgroups: [c.x, c.y, c.z] as [number, number, number],
        boundBytes: c.groups.reduce((a, g) => a + (g ? (bindGroupRecord(g)?.entries.reduce((e, x) => e + (x.size ?? x.buffer.size - x.offset), 0) ?? 0) : 0), 0),
        gpuMs: Number(ns[2 * i + 1]! - ns[2 * i]!) / 1e6,
      }));
      return { outputs, dispatches };
    } finally {
      querySet.destroy();
      resolved.destroy();
      read.destroy();
    }
  }

  private run(batch: tf.Tensor[], timing: ReplayTiming | null): tf.Tensor[] {
    if (this.disposed) throw new Error('StepGraph.replay: the graph was disposed');
    const be = this.be;
    if (tf.backend() !== (be as unknown)) throw new Error(`StepGraph.replay: the graph was captured on webgpu, but the active backend is '${tf.getBackend()}'`);
    if (!Array.isArray(batch) || batch.length !== this.inputSpecs.length) {
      throw new Error(`StepGraph.replay: batch must be an array of ${this.inputSpecs.length} tensors (as captured), got ${Array.isArray(batch) ? batch.length : typeof batch}`);
    }
    batch.forEach((t, i) => {
      const s = this.inputSpecs[i]!;
      if (!(t instanceof tf.Tensor) || t.isDisposed) throw new Error(`StepGraph.replay: batch[${i}] must be a live tensor`);
      if (t.dtype !== s.dtype || t.shape.length !== s.shape.length || t.shape.some((d, k) => d !== s.shape[k])) {
        throw new Error(`StepGraph.replay: batch[${i}] must have shape [${s.shape}] and dtype ${s.dtype} (as captured), got [${t.shape}] ${t.dtype}; capture a new graph for a new shape`);
      }
    });
    for (const h of this.held) {
      const td = be.tensorMap.has(h.variable.dataId) ? be.tensorMap.get(h.variable.dataId) : undefined;
      if (h.variable.isDisposed || h.variable.dataId !== h.dataId || td?.resource !== h.buffer) {
        throw new Error(`StepGraph.replay: variable '${h.variable.name}' was reassigned or disposed since capture; capture a new graph`);
      }
    }
    flush(be);
    // A batch tensor still on the host (made from typed arrays, as batches usually are) is written straight into its
    // input slot by the queue; only one already on the GPU is copied in by the replay's encoder. tfjs's own upload
    // would create (and destroy) a mapped staging buffer and a storage buffer per tensor per step.
    const direct = batch.map((t) => {
      const td = be.tensorMap.get(t.dataId) as { resource?: unknown; values?: ArrayBufferView | null } | undefined;
      const plain = t.dtype === 'float32' || t.dtype === 'int32'; // bool is int32 on the GPU but bytes on the host
      return plain && td !== undefined && !td.resource && ArrayBuffer.isView(td.values) ? td.values : null;
    });
    batch.forEach((t, i) => {
      const v = direct[i];
      if (v) be.queue.writeBuffer(this.inputSpecs[i]!.buffer, 0, v.buffer, v.byteOffset, v.byteLength);
      else be.uploadToGPU(t.dataId);
    });
    flush(be);

    const written = new Set<GPUBuffer>();
    if (this.hooks.length) {
      const ctx: ReplayContext = {
        replay: this.replays,
        resolve: (b) => this.resolve(b),
        writeBuffer: (b, data, offset = 0) => {
          const dst = this.resolve(b);
          written.add(dst);
          be.queue.writeBuffer(dst, offset, data as ArrayBuffer);
        },
      };
      for (const h of this.hooks) h(ctx);
    }
    for (const v of this.varying) {
      if (!written.has(this.resolve(v.captured))) {
        throw new Error(
          `StepGraph.replay: the step wrote different host bytes in its two captured runs (write #${v.index}, ${v.size} bytes) and no onReplay hook rewrites that buffer: ` +
            'a host value (step counter, scheduled learning rate, ...) changes every step; the code that writes it must register onReplay (see @lemma/gpu-kernels onReplay)',
        );
      }
    }

    const enc = be.device.createCommandEncoder();
    batch.forEach((t, i) => {
      const s = this.inputSpecs[i]!;
      if (!direct[i]) enc.copyBufferToBuffer(be.tensorMap.get(t.dataId).resource as GPUBuffer, 0, s.buffer, 0, s.buffer.size);
    });
    for (const r of this.rotated) {
      enc.copyBufferToBuffer(be.tensorMap.get(r.variable.dataId).resource as GPUBuffer, 0, r.buffer, 0, r.buffer.size);
    }
    for (const b of this.batches) {
      for (const w of b.writes) if (!written.has(w.dst)) enc.copyBufferToBuffer(this.constants!, w.srcOffset, w.dst, w.dstOffset, w.size);
      let pass: GPUComputePassEncoder | null = null;
      let pipeline: GPUComputePipeline | null = null;
      const bound: (GPUBindGroup | null)[] = [];
      for (const c of b.cmds) {
        if (c.kind === 'dispatch') {
          if (!pass) {
            pass = enc.beginComputePass(timing?.pass());
            pipeline = null;
            bound.length = 0;
          }
          if (c.pipeline !== pipeline) {
            pass.setPipeline(c.pipeline);
            pipeline = c.pipeline;
          }
          for (let i = 0; i < c.groups.length; i++) {
            const g = c.groups[i];
            if (g && bound[i] !== g) {
              pass.setBindGroup(i, g);
              bound[i] = g;
            }
          }
          pass.dispatchWorkgroups(c.x, c.y, c.z);
          // Profiling: each dispatch in a pass of its own, timed by the pass's timestamps.
          if (timing) {
            pass.end();
            pass = null;
          }
        } else {
          if (pass) {
            pass.end();
            pass = null;
          }
          if (c.kind === 'copy') enc.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.size);
          else enc.clearBuffer(c.buffer, c.offset, c.size);
        }
      }
      if (pass) pass.end();
    }
    const outs = this.outputSpecs.map((s) => {
      const info = be.makeTensorInfo(s.shape, s.dtype);
      be.uploadToGPU(info.dataId);
      enc.copyBufferToBuffer(s.buffer, 0, be.tensorMap.get(info.dataId).resource as GPUBuffer, 0, s.buffer.size);
      return tf.engine().makeTensorFromTensorInfo(info);
    });
    timing?.resolve(enc);
    be.queue.submit([enc.finish()]);
    // Values a read cached on the host are stale now.
    for (const h of this.held) be.tensorMap.get(h.dataId).values = null;
    this.replays++;
    return outs;
  }

  /** The graph's buffer standing for a buffer the captured step used (itself when not relocated). */
  resolve(captured: GPUBuffer): GPUBuffer {
    const r = this.relocation.get(captured);
    if (!r) throw new Error('StepGraph.resolve: this buffer was not used by the captured step');
    return r;
  }

  /** Destroys the graph's own buffers; the variables keep their values. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.owned) b.destroy();
  }
}

/** What {@link captureStepGraph} returns. */
export interface CapturedStep {
  graph: StepGraph;
  /** The outputs of the two real steps that were captured (the caller disposes them). */
  outputs: [tf.Tensor[], tf.Tensor[]];
}

/**
 * Captures a training step on the webgpu backend, like a CUDA graph: runs `step` for real on `batches[0]`
 * and then `batches[1]` while recording every dispatch, host write and copy made on the backend's GPUDevice
 * (by tfjs and by any custom kernel), checks that both runs recorded the same command stream, and builds a
 * {@link StepGraph} from the second whose `replay(batch)` re-encodes those commands into one command
 * encoder with no tfjs op overhead. Transient buffers (intermediates, uniforms, staging) are relocated into
 * graph-owned buffers so tfjs's pool cannot hand them to other tensors; batch tensors become input slots
 * copied into the graph at each replay; variables are updated in place (a variable that tfjs reassigns each
 * step, as `tf.train.adam` does, is copied into the graph's copy of its old buffer first).
 *
 * Run at least one eager step first so that optimizers have created their state. Tensors the step reads
 * that were created outside it (constants, masks) must stay alive while the graph is used.
 *
 * Refuses, with the reason, a step that reads back (`data()`, `dataSync()`), creates or disposes variables,
 * disposes a tensor it did not create that is not a variable or batch input, uses textures or timestamps,
 * or records a different command stream on its two runs (shape changes, data-dependent host branches).
 * CPU forwarding (`WEBGPU_CPU_FORWARD`) is off while capturing, so small ops run on the GPU and are recorded.
 * Host values written differently by the two runs make `replay` throw unless an {@link onReplay} hook rewrites
 * them.
 *
 * @example
 * const step = ([x, y]) => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model(x)), true)!;
 * tf.dispose(step(b0));                           // eager: the optimizer creates its state
 * const { graph, outputs } = captureStepGraph(step, [b1, b2]);
 * for (const b of rest) tf.dispose(graph.replay(b));
 */
export function captureStepGraph(step: StepFn, batches: [tf.Tensor[], tf.Tensor[]]): CapturedStep {
  const be = webgpuInternals('captureStepGraph');
  if (typeof step !== 'function') throw new Error(`captureStepGraph: step must be a function, got ${typeof step}`);
  if (!Array.isArray(batches) || batches.length !== 2 || !batches.every(Array.isArray)) {
    throw new Error('captureStepGraph: batches must be two batches [batchA, batchB] (arrays of tensors) to capture the step on');
  }
  const a = captureOnce(be, step, batches[0]);
  let b: Captured;
  try {
    b = captureOnce(be, step, batches[1]);
  } catch (e) {
    tf.dispose(a.outputs);
    throw e;
  }
  const fail = (msg: string): never => {
    tf.dispose([...a.outputs, ...b.outputs]);
    throw new Error(`captureStepGraph: cannot capture this step: ${msg}`);
  };
  const refusals = [...a.rec.refusals, ...b.rec.refusals];
  if (refusals.length) fail([...new Set(refusals)].join('; '));
  const sa = signature(a.rec.events);
  const sb = signature(b.rec.events);
  const k = sa.findIndex((s, i) => s !== sb[i]);
  if (sa.length !== sb.length || k >= 0) {
    const at = k < 0 ? Math.min(sa.length, sb.length) : k;
    const around = (sig: string[]) => sig.slice(Math.max(0, at - 2), at + 3).join(' ');
    fail(`its two runs recorded different command streams (${sa.length} vs ${sb.length} events, first difference at event ${at}: ${around(sa)} vs ${around(sb)}): the step must do the same work every call`);
  }
  if (a.outputs.length !== b.outputs.length) fail('its two runs returned different numbers of outputs');

  // Classify every buffer the second run used.
  const inputIndex = new Map(b.inputBuffers.map((buf, i) => [buf, i]));
  const heldAfter = new Map<GPUBuffer, VarState>();
  for (const s of b.after.values()) heldAfter.set(s.buffer, s);
  const oldOfRotated = new Map<GPUBuffer, tf.Variable>();
  for (const [v, s] of b.before) if (b.after.get(v)!.buffer !== s.buffer) oldOfRotated.set(s.buffer, v);
  const relocation = new Map<GPUBuffer, GPUBuffer>();
  const owned: GPUBuffer[] = [];
  const held = new Map<GPUBuffer, VarState>();
  const rotated: { variable: tf.Variable; buffer: GPUBuffer }[] = [];
  const relocate = (x: GPUBuffer): GPUBuffer => {
    const usage = (x.usage & ~MAP) | COPY_SRC | COPY_DST;
    const g = be.device.createBuffer({ size: x.size, usage });
    owned.push(g);
    relocation.set(x, g);
    return g;
  };
  const place = (x: GPUBuffer): GPUBuffer => {
    const known = relocation.get(x);
    if (known) return known;
    if (inputIndex.has(x)) return relocate(x);
    const h = heldAfter.get(x);
    if (h) {
      relocation.set(x, x);
      held.set(x, h);
      return x;
    }
    const v = oldOfRotated.get(x);
    if (v) {
      const g = relocate(x);
      rotated.push({ variable: v, buffer: g });
      held.set(b.after.get(v)!.buffer, b.after.get(v)!);
      return g;
    }
    if (!b.rec.acquired.has(x)) {
      if (b.rec.released.has(x)) {
        fail(`it disposes a tensor it did not create (a ${x.size}-byte buffer) that is neither a variable nor a batch input`);
      }
      relocation.set(x, x); // a persistent tensor created outside the step (a constant)
      return x;
    }
    return relocate(x);
  };

  const writesTo = new Map<GPUBuffer, number>();
  const destOfCommands = new Set<GPUBuffer>();
  for (const e of b.rec.events) {
    if (e.kind === 'write') writesTo.set(e.buffer, (writesTo.get(e.buffer) ?? 0) + 1);
    else if (e.kind === 'copy') destOfCommands.add(e.dst);
    else if (e.kind === 'clear') destOfCommands.add(e.buffer);
  }
  const newGroups = new Map<GPUBindGroup, GPUBindGroup>();
  const groupFor = (g: GPUBindGroup | null): GPUBindGroup | null => {
    if (!g) return null;
    const hit = newGroups.get(g);
    if (hit) return hit;
    const rec = bindGroupRecord(g);
    if (!rec) return fail('a bind group it uses was created before the step-graph recorder was installed (call captureStepGraph after selectBackend)');
    if (rec.unsupported) return fail(`a bind group it uses has a non-buffer resource (${rec.unsupported})`);
    const mapped = rec.entries.map((e) => ({ ...e, buffer: place(e.buffer) }));
    const out = mapped.every((e, i) => e.buffer === rec.entries[i]!.buffer)
      ? g
      : be.device.createBindGroup({
          layout: rec.layout,
          entries: mapped.map((e) => ({ binding: e.binding, resource: { buffer: e.buffer, offset: e.offset, size: e.size } })),
        });
    newGroups.set(g, out);
    return out;
  };

  const batchesOut: Batch[] = [{ writes: [], cmds: [] }];
  const constantChunks: { data: Uint8Array<ArrayBuffer>; offset: number }[] = [];
  let constantBytes = 0;
  const varying: { captured: GPUBuffer; index: number; size: number }[] = [];
  const aWrites = a.rec.events.filter((e): e is Extract<RecordedEvent, { kind: 'write' }> => e.kind === 'write');
  let writeIndex = 0;
  for (const e of b.rec.events) {
    const cur = batchesOut[batchesOut.length - 1]!;
    if (e.kind === 'submit') {
      batchesOut.push({ writes: [], cmds: [] });
    } else if (e.kind === 'write') {
      const dst = place(e.buffer);
      if (!sameBytes(e.data, aWrites[writeIndex]!.data)) varying.push({ captured: e.buffer, index: writeIndex, size: e.data.byteLength });
      writeIndex++;
      if (e.data.byteLength % 4 || e.offset % 4) fail(`a host write of ${e.data.byteLength} bytes at offset ${e.offset} is not 4-byte aligned`);
      const staticOnce = dst !== e.buffer && writesTo.get(e.buffer) === 1 && !destOfCommands.has(e.buffer) && (e.buffer.usage & (UNIFORM | MAP_WRITE)) !== 0 && (e.buffer.usage & STORAGE) === 0;
      if (staticOnce) {
        be.queue.writeBuffer(dst, e.offset, e.data);
      } else {
        constantChunks.push({ data: e.data, offset: constantBytes });
        cur.writes.push({ captured: e.buffer, dst, dstOffset: e.offset, srcOffset: constantBytes, size: e.data.byteLength });
        constantBytes += Math.ceil(e.data.byteLength / 4) * 4;
      }
    } else if (e.kind === 'dispatch') {
      cur.cmds.push({ kind: 'dispatch', pipeline: e.pipeline, groups: e.groups.map(groupFor), x: e.x, y: e.y, z: e.z });
    } else if (e.kind === 'copy') {
      cur.cmds.push({ kind: 'copy', src: place(e.src), srcOffset: e.srcOffset, dst: place(e.dst), dstOffset: e.dstOffset, size: e.size });
    } else {
      cur.cmds.push({ kind: 'clear', buffer: place(e.buffer), offset: e.offset, size: e.size });
    }
  }
  let constants: GPUBuffer | null = null;
  if (constantBytes) {
    constants = be.device.createBuffer({ size: constantBytes, usage: COPY_SRC | COPY_DST });
    owned.push(constants);
    for (const c of constantChunks) be.queue.writeBuffer(constants, c.offset, c.data);
  }
  const inputSpecs = b.inputs.map((t, i) => ({ shape: t.shape.slice(), dtype: t.dtype, buffer: place(b.inputBuffers[i]!) }));
  const outputSpecs = b.outputs.map((t, i) => ({ shape: t.shape.slice(), dtype: t.dtype, buffer: place(bufferOf(be, t, `output ${i}`)) }));
  const graph = new StepGraph(
    be,
    inputSpecs,
    outputSpecs,
    rotated,
    [...held.values()],
    batchesOut.filter((x) => x.cmds.length || x.writes.length),
    constants,
    owned,
    relocation,
    b.hooks,
    varying,
  );
  return { graph, outputs: [a.outputs, b.outputs] };
}
