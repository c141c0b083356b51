import type { KernelImpl, NoAttrs } from '../_shared/kernel';
import { gpuOutput, grid2D, packUniforms, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import { packedWordsPerRow } from './kernel';
import type { PackCostF16Inputs } from './kernel';

// One thread per packed word: two halves of C − rowShift, clamped to [0, 65504] (pack2x16float of a value
// outside the binary16 range is indeterminate); padding columns hold 0.
const PACK = /* wgsl */ `
struct U { n: u32, m: u32, words: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> C: array<f32>;
@group(0) @binding(1) var<storage, read> R: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<i32>;
@group(0) @binding(3) var<uniform> u: U;
fn entry(i: u32, j: u32) -> f32 {
  if (j >= u.m) { return 0.0; }
  return clamp(C[i * u.m + j] - R[i], 0.0, 65504.0);
}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (k >= u.n * u.words) { return; }
  let i = k / u.words;
  let w = k - i * u.words;
  O[k] = bitcast<i32>(pack2x16float(vec2<f32>(entry(i, 2u * w), entry(i, 2u * w + 1u))));
}`;

/** WebGPU kernel of `LemmaPackCostF16`. */
export const packCostF16WebGPU: KernelImpl<PackCostF16Inputs, NoAttrs> = ({ inputs, backend }) => {
  const be = webgpuInternals('packSinkhornCostF16', backend);
  const { C, rowShift } = inputs;
  const [n, m] = C.shape as [number, number];
  const words = packedWordsPerRow(m);
  const out = gpuOutput(be, [n, words], 'int32');
  recordDispatch(be, {
    key: 'lemma-sinkhorn-pack-f16',
    code: PACK,
    bindings: [{ info: C, access: 'read' }, { info: rowShift, access: 'read' }, { info: out, access: 'read_write' }],
    uniforms: packUniforms([['u32', n], ['u32', m], ['u32', words], ['u32', 0]]),
    workgroups: grid2D(Math.ceil((n * words) / 256)),
  });
  return out;
};
