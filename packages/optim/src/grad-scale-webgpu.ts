/**
 * The step's gradient scale on webgpu in two passes of our own WGSL (tfjs's built-in reductions run at
 * ~0.1-0.3 TB/s: over 100M parameters they cost more than the update itself). Output: a [1] float32 tensor
 * holding min(1, clipNorm/(‖g‖ + 1e-6)) (or 1 without clipping), or 0 when any gradient entry is NaN/Inf.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runWGSL } from '@lemma/gpu-kernels';

const WG = 256;
/** Partial sums per gradient tensor (workgroups of the first pass, grid-stride over the tensor). */
const PARTS = 512;

// Non-finite test on the bits: WGSL implementations may fold isnan/isinf away under fast-math assumptions.
const NONFINITE = /* wgsl */ `fn nonFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }`;

// Tree reduction of a (sum, any-bad) pair over the workgroup; the result lands in acc[0], bad[0].
const REDUCE = /* wgsl */ `
var<workgroup> acc: array<f32, ${WG}>;
var<workgroup> bad: array<u32, ${WG}>;
fn reduce(lid: u32, s: f32, b: u32) {
  acc[lid] = s;
  bad[lid] = b;
  workgroupBarrier();
  for (var k = ${WG / 2}u; k > 0u; k >>= 1u) {
    if (lid < k) { acc[lid] += acc[lid + k]; bad[lid] = max(bad[lid], bad[lid + k]); }
    workgroupBarrier();
  }
}`;

const PARTIAL = /* wgsl */ `
${NONFINITE}
${REDUCE}
struct U { n: u32, offset: u32 }
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read_write> PART: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var b = 0u;
  let stride = nwg.x * ${WG}u;
  for (var i = wid.x * ${WG}u + lid; i < u.n; i += stride) {
    let x = G[i];
    if (nonFinite(x)) { b = 1u; } else { s += x * x; }
  }
  reduce(lid, s, b);
  // -1 marks a non-finite entry (a sum of squares is never negative; an Inf literal is not valid WGSL).
  if (lid == 0u) { PART[u.offset + wid.x] = select(acc[0], -1.0, bad[0] != 0u); }
}`;

const FINAL = /* wgsl */ `
${NONFINITE}
${REDUCE}
struct U { len: u32, hasClip: u32, clip: f32 }
@group(0) @binding(0) var<storage, read> PART: array<f32>;
@group(0) @binding(1) var<storage, read_write> OUT: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
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
    OUT[0] = select(scale, 0.0, bad[0] != 0u || nonFinite(acc[0]));
  }
}`;

/** See the module comment. `grads` must be float32 tensors on the active webgpu backend. */
export function gradScaleWebGPU(grads: tf.Tensor[], clipNorm: number | undefined): tf.Tensor {
  // Uploaded zeros, not tf.zeros: a tfjs fill op costs ~0.3-0.6 ms of host time per call on webgpu.
  const out = tf.tensor1d(new Float32Array(1));
  const part = tf.tensor1d(new Float32Array(Math.max(1, grads.length * PARTS)));
  grads.forEach((g, j) => {
    if (g.size === 0) return;
    const u = new Uint32Array([g.size, j * PARTS, 0, 0]);
    runWGSL({
      key: 'lemma-optim-gradscale-partial',
      code: PARTIAL,
      bindings: [
        { tensor: g, access: 'read' },
        { tensor: part, access: 'read_write' },
      ],
      uniforms: u,
      workgroups: [Math.min(PARTS, Math.ceil(g.size / WG))],
    });
  });
  const u = new ArrayBuffer(16);
  const dv = new DataView(u);
  dv.setUint32(0, part.size, true);
  dv.setUint32(4, clipNorm === undefined ? 0 : 1, true);
  dv.setFloat32(8, clipNorm ?? 0, true);
  runWGSL({
    key: 'lemma-optim-gradscale-final',
    code: FINAL,
    bindings: [
      { tensor: part, access: 'read' },
      { tensor: out, access: 'read_write' },
    ],
    uniforms: u,
    workgroups: [1],
  });
  part.dispose();
  return out;
}
