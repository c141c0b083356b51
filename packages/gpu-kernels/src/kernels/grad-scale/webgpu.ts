/**
 * The step's gradient scale on webgpu in two passes of our own WGSL (tfjs's built-in reductions run at
 * ~0.1-0.3 TB/s: over 100M parameters they cost more than the update itself). Output: a [1] float32 tensor
 * holding min(1, clipNorm/(‖g‖ + 1e-6)) (or 1 without clipping), or 0 when any gradient entry is NaN/Inf.
 * {@link GradScaleWebGPU} keeps its buffers across steps and counts skipped steps on the device, so the
 * optimizer reads a small counter back only now and then instead of the flag of every step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isCapturing, onReplay } from '../../train/replay-hooks';
import { dropCpuCopy, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import type { WebGPUInternals } from '../_shared/webgpu';

const WG = 256;
/**
 * Most partial sums per gradient tensor (workgroups of the first pass, grid-stride over the tensor): 2048 x 256
 * threads keep a large GPU's memory system busy (512 left an H100 half occupied); a benchmark knob, not public API.
 */
export const gradScaleTuning = { parts: 2048 };
/** Fewest elements per thread of the first pass: small tensors get fewer workgroups (barriers cost on CPU drivers). */
const PER_THREAD = 16;

// Non-finite test on the bits: WGSL implementations may fold isnan/isinf away under fast-math assumptions.
const NONFINITE = /* wgsl */ `fn nonFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }
fn nonFinite4(x: vec4<f32>) -> bool { return any((bitcast<vec4<u32>>(x) & vec4<u32>(0x7f800000u)) == vec4<u32>(0x7f800000u)); }`;

// Reduction of a (sum, any-bad) pair over the workgroup in two barriers (16 threads sum 16 values each, then
// thread 0 sums those 16): a log2 tree needs 9, and barriers are what costs on CPU Vulkan drivers (lavapipe).
// The result is in acc[0], bad[0] for thread 0 only.
const REDUCE = /* wgsl */ `
var<workgroup> acc: array<f32, ${WG}>;
var<workgroup> bad: array<u32, ${WG}>;
fn reduce(lid: u32, s: f32, b: u32) {
  acc[lid] = s;
  bad[lid] = b;
  workgroupBarrier();
  var t = 0.0;
  var c = 0u;
  if (lid < 16u) {
    for (var j = 0u; j < 16u; j++) { t += acc[lid * 16u + j]; c = max(c, bad[lid * 16u + j]); }
  }
  workgroupBarrier();
  if (lid < 16u) { acc[lid] = t; bad[lid] = c; }
  workgroupBarrier();
  if (lid == 0u) {
    var t2 = 0.0;
    var c2 = 0u;
    for (var j = 0u; j < 16u; j++) { t2 += acc[j]; c2 = max(c2, bad[j]); }
    acc[0] = t2;
    bad[0] = c2;
  }
}`;

/**
 * First pass over `vec4.length` gradients in one dispatch: tensor j owns workgroups [w_j, w_{j+1}) (grid-stride
 * over it, 4 elements per load where `vec4[j]`, i.e. its size is a multiple of 4: 4x the bytes in flight per
 * thread) and workgroup w writes partial `base + w`, so the partials of a step are packed back to back.
 */
function partialCode(vec4: boolean[]): string {
  const k = vec4.length;
  const fields = Array.from({ length: k }, (_, j) => `n${j}: u32, w${j}: u32`).join(', ');
  const branches = Array.from({ length: k }, (_, j) => {
    const end = j + 1 < k ? `u.w${j + 1}` : 'nwg.x';
    return /* wgsl */ `${j ? 'else ' : ''}if (w < ${end}) {
    let stride = (${end} - u.w${j}) * ${WG}u;
    for (var i = (w - u.w${j}) * ${WG}u + lid; i < u.n${j}; i += stride) {
      let x = G${j}[i];
      ${vec4[j] ? 'if (nonFinite4(x)) { b = 1u; } else { s += dot(x, x); }' : 'if (nonFinite(x)) { b = 1u; } else { s += x * x; }'}
    }
  }`;
  }).join(' ');
  return /* wgsl */ `
${NONFINITE}
${REDUCE}
struct U { base: u32, ${fields} }
${vec4.map((v, j) => `@group(0) @binding(${j}) var<storage, read> G${j}: array<${v ? 'vec4<f32>' : 'f32'}>;`).join('\n')}
@group(0) @binding(${k}) var<storage, read_write> PART: array<f32>;
@group(0) @binding(${k + 1}) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.x;
  var s = 0.0;
  var b = 0u;
  ${branches}
  reduce(lid, s, b);
  // -1 marks a non-finite entry (a sum of squares is never negative; an Inf literal is not valid WGSL).
  if (lid == 0u) { PART[u.base + w] = select(acc[0], -1.0, bad[0] != 0u); }
}`;
}

const partialCodes = new Map<string, string>();

/** Gradients per first-pass dispatch: the device's storage-binding limit less PART, at most 8. */
function gradsPerDispatch(be: WebGPUInternals): number {
  const limit = be.device.limits.maxStorageBuffersPerShaderStage ?? 8;
  return Math.max(1, Math.min(8, limit - 1));
}

const FINAL = /* wgsl */ `
${NONFINITE}
${REDUCE}
struct U { len: u32, hasClip: u32, clip: f32, step: i32 }
@group(0) @binding(0) var<storage, read> PART: array<f32>;
@group(0) @binding(1) var<storage, read_write> OUT: array<f32>;
// [steps skipped so far, 1-based step of the last skipped one]
@group(0) @binding(2) var<storage, read_write> CNT: array<i32>;
@group(0) @binding(3) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var b = 0u;
  for (var i = lid; i < u.len; i += ${WG}u) {
    let x = PART[i];
    if (x < 0.0 || nonFinite(x)) { b = 1u; } else { s += x; }
  }
  reduce(lid, s, b);
  if (lid == 0u) {
    var scale = 1.0;
    if (u.hasClip != 0u) { scale = min(1.0, u.clip / (sqrt(acc[0]) + 1e-6)); }
    let skip = bad[0] != 0u || nonFinite(acc[0]);
    OUT[0] = select(scale, 0.0, skip);
    if (skip) {
      CNT[0] = CNT[0] + 1;
      CNT[1] = u.step;
    }
  }
}`;

/** Partials written by each gradient's first pass (workgroups, grid-stride), packed back to back. */
function partCounts(grads: tf.Tensor[]): number[] {
  return grads.map((g) => (g.size === 0 ? 0 : Math.min(gradScaleTuning.parts, Math.ceil(g.size / (WG * PER_THREAD)))));
}

/** Records both passes; every partial in [0, sum(counts)) is written, so a reused `part` needs no zeroing. */
function record(grads: tf.Tensor[], clipNorm: number | undefined, part: tf.Tensor, out: tf.Tensor, count: tf.Tensor, step: number | (() => number)): void {
  const be = webgpuInternals('gradScale');
  const counts = partCounts(grads);
  const live = grads.map((g, j) => ({ g, c: counts[j]! })).filter((x) => x.c > 0);
  const per = gradsPerDispatch(be);
  let offset = 0;
  for (let at = 0; at < live.length; at += per) {
    const chunk = live.slice(at, at + per);
    const k = chunk.length;
    const vec4 = chunk.map(({ g }) => g.size % 4 === 0);
    const pattern = vec4.map((v) => (v ? '4' : '1')).join('');
    let code = partialCodes.get(pattern);
    if (!code) partialCodes.set(pattern, (code = partialCode(vec4)));
    const uf = new Uint32Array(1 + 2 * k);
    uf[0] = offset;
    let w = 0;
    chunk.forEach(({ g, c }, j) => {
      uf[1 + 2 * j] = vec4[j] ? g.size / 4 : g.size;
      uf[2 + 2 * j] = w;
      w += c;
    });
    recordDispatch(be, {
      key: `lemma-gradscale-partial-${pattern}`,
      code,
      bindings: [...chunk.map(({ g }) => ({ info: g, access: 'read' as const })), { info: part, access: 'read_write' }],
      uniforms: uf,
      workgroups: [w],
    });
    offset += w;
  }
  const finalUniforms = (t: number): ArrayBuffer => {
    const u = new ArrayBuffer(16);
    const dv = new DataView(u);
    dv.setUint32(0, offset, true);
    dv.setUint32(4, clipNorm === undefined ? 0 : 1, true);
    dv.setFloat32(8, clipNorm ?? 0, true);
    dv.setInt32(12, t, true);
    return u;
  };
  const ubuf = recordDispatch(be, {
    key: 'lemma-gradscale-final',
    code: FINAL,
    bindings: [
      { info: part, access: 'read' },
      { info: out, access: 'read_write' },
      { info: count, access: 'read_write' },
    ],
    uniforms: finalUniforms(typeof step === 'function' ? step() : step),
    workgroups: [1],
  });
  // Step graph: the step number the skip counter records is written before each replay.
  if (typeof step === 'function' && isCapturing()) onReplay((ctx) => ctx.writeBuffer(ubuf!, finalUniforms(step())));
}

/** See the module comment. `grads` must be float32 tensors on the active webgpu backend. Fresh buffers per call. */
export function gradScaleWebGPU(grads: tf.Tensor[], clipNorm: number | undefined): tf.Tensor {
  // Uploaded zeros, not tf.zeros: a tfjs fill op costs ~0.3-0.6 ms of host time per call on webgpu.
  const out = tf.tensor1d(new Float32Array(1));
  const part = tf.tensor1d(new Float32Array(Math.max(1, partCounts(grads).reduce((a, b) => a + b, 0))));
  const count = tf.tensor1d(new Int32Array(2), 'int32');
  record(grads, clipNorm, part, out, count, 0);
  tf.dispose([part, count]);
  return out;
}

/** What a read of the skip counter found: steps skipped since the previous read, and the last one's step. */
export interface SkipReport {
  skipped: number;
  lastStep: number;
}

/**
 * The gradient scale of every step of one optimizer, with buffers kept across steps: the partial sums, the [1]
 * output (rewritten in place each step: every reader of step t is recorded before step t+1's final pass, and the
 * device runs one queue in order) and an int32 counter of skipped (non-finite) steps accumulated on the device.
 * {@link GradScaleWebGPU.poll} reads the counter back with at most one read in flight.
 */
export class GradScaleWebGPU {
  private part: tf.Tensor | null = null;
  private readonly out: tf.Tensor;
  private readonly count: tf.Tensor;
  private seen = 0;
  private reading: Promise<void> | null = null;
  /** Steps recorded since the read in flight (or the last one) was started. */
  private unread = 0;
  private disposed = false;

  constructor() {
    // Kept: optimizers run inside model.fit's tidy, and these live across steps.
    this.out = tf.keep(tf.tensor1d(new Float32Array(1)));
    this.count = tf.keep(tf.tensor1d(new Int32Array(2), 'int32'));
  }

  /**
   * Records the scale of step `step` (1-based; a function is re-evaluated before each replay of a captured step
   * graph) and returns the [1] tensor holding it (valid until the next call).
   */
  run(grads: tf.Tensor[], clipNorm: number | undefined, step: number | (() => number)): tf.Tensor {
    const need = Math.max(1, partCounts(grads).reduce((a, b) => a + b, 0));
    if (!this.part || this.part.size < need) {
      this.part?.dispose();
      this.part = tf.keep(tf.tensor1d(new Float32Array(need)));
    }
    record(grads, clipNorm, this.part, this.out, this.count, step);
    this.unread++;
    return this.out;
  }

  /**
   * Starts a read of the skip counter unless one is in flight (or nothing was recorded since the last); `report`
   * gets the steps skipped since the previous read. When the read lands and more steps were recorded meanwhile,
   * another read starts, so every skipped step is reported eventually while at most one read is ever pending.
   */
  poll(report: (r: SkipReport) => void, fail: (e: Error) => void): void {
    if (this.reading || this.unread === 0 || this.disposed) return;
    this.unread = 0;
    // The backend caches a tensor's values on the CPU after a read; our kernels write it in place since.
    dropCpuCopy(webgpuInternals('GradScaleWebGPU.poll'), this.count);
    this.reading = this.count.data().then(
      (v) => {
        this.reading = null;
        const skipped = v[0]! - this.seen;
        this.seen = v[0]!;
        if (this.disposed) {
          this.count.dispose();
          return;
        }
        if (skipped > 0) report({ skipped, lastStep: v[1]! });
        this.poll(report, fail);
      },
      (e: Error) => {
        this.reading = null;
        if (this.disposed) this.count.dispose();
        fail(e);
      },
    );
  }

  /** Frees the buffers (the counter once a read in flight has landed). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.part?.dispose();
    this.out.dispose();
    if (!this.reading) this.count.dispose();
  }
}
