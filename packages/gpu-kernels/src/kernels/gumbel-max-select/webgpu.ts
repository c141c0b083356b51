import { keyFromSeed } from '../../rng/philox';
import { PHILOX_WGSL } from '../../rng/gpu-philox';
import { gpuOutput, grid2D, packUniforms, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import type { KernelImpl } from '../_shared/kernel';
import type { GumbelMaxAttrs, GumbelMaxInputs } from './kernel';

// One workgroup per group: each thread scans k = lid, lid+64, ...; then an argmax tree (ties -> lower k).
const CODE = /* wgsl */ `
${PHILOX_WGSL}
struct U { g: u32, k: u32, k0: u32, k1: u32, stream: u32 }
@group(0) @binding(0) var<storage, read> scores: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<i32>;
@group(0) @binding(2) var<uniform> u: U;
var<workgroup> bv: array<f32, 64>;
var<workgroup> bi: array<u32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= u.g) { return; }
  var best = -3.4028234663852886e38;
  var arg = 0xffffffffu;
  for (var j = lid; j < u.k; j += 64u) {
    let e = g * u.k + j;
    let w = philox4x32(vec4<u32>(e / 4u, u.stream, 0u, 0u), vec2<u32>(u.k0, u.k1));
    let uu = philoxUnit(w)[e % 4u];
    let v = scores[e] + (-log(-log(uu)));
    if (v > best || arg == 0xffffffffu) { best = v; arg = j; }
  }
  bv[lid] = best; bi[lid] = arg;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let ov = bv[lid + s]; let oi = bi[lid + s];
      if (oi != 0xffffffffu && (bi[lid] == 0xffffffffu || ov > bv[lid] || (ov == bv[lid] && oi < bi[lid]))) { bv[lid] = ov; bi[lid] = oi; }
    }
    workgroupBarrier();
  }
  if (lid == 0u) { out[g] = i32(bi[0]); }
}`;

/** WebGPU kernel: a workgroup per group. */
export const gumbelMaxWebGPU: KernelImpl<GumbelMaxInputs, GumbelMaxAttrs> = ({ inputs: { scores: s }, backend, attrs: { seed, stream } }) => {
  const be = webgpuInternals('gumbelMaxSelect', backend);
  const [g, k] = s.shape as [number, number];
  const out = gpuOutput(be, [g], 'int32');
  if (g === 0) return out;
  const [k0, k1] = keyFromSeed(seed);
  recordDispatch(be, {
    key: 'lemma-gumbel-max',
    code: CODE,
    bindings: [{ info: s, access: 'read' }, { info: out, access: 'read_write' }],
    uniforms: packUniforms([['u32', g], ['u32', k], ['u32', k0], ['u32', k1], ['u32', stream]]),
    workgroups: grid2D(g),
  });
  return out;
};
