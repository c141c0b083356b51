import { keyFromSeed } from '../../rng/philox';
import { PHILOX_WGSL } from '../../rng/gpu-philox';
import { gpuOutput, grid2D, packUniforms, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import type { KernelImpl, NoInputs } from '../_shared/kernel';
import type { RandomAttrs } from './kernel';

const DIST_CODE = { uniform: 0, normal: 1, gumbel: 2 } as const;

// One thread per Philox block: 4 consecutive elements of the stream, stored as one vec4 when n % 4 == 0 (a
// write-only kernel runs at store bandwidth only with 16-byte stores).
function code(vec4: boolean): string {
  return /* wgsl */ `
${PHILOX_WGSL}
struct U { n: u32, k0: u32, k1: u32, stream: u32, dist: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<${vec4 ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(1) var<uniform> u: U;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = (wid.y * nwg.x + wid.x) * 256u + lid;
  let base = b * 4u;
  if (base >= u.n) { return; }
  let uv = philoxUnit(philox4x32(vec4<u32>(b, u.stream, 0u, 0u), vec2<u32>(u.k0, u.k1)));
  var v = uv;
  if (u.dist == 1u) {
    v = philoxNormal4(uv);
  } else if (u.dist == 2u) {
    v = -log(-log(uv));
  }
  ${vec4 ? 'out[b] = v;' : 'for (var j = 0u; j < 4u; j++) { if (base + j < u.n) { out[base + j] = v[j]; } }'}
}`;
}
const CODES = { vec4: code(true), scalar: code(false) };

/** WebGPU kernel: one Philox block per thread. */
export const randomWebGPU: KernelImpl<NoInputs, RandomAttrs> = ({ backend, attrs: { shape, seed, stream, dist } }) => {
  const be = webgpuInternals('random', backend);
  const out = gpuOutput(be, shape);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  const [k0, k1] = keyFromSeed(seed);
  recordDispatch(be, {
    key: n % 4 === 0 ? 'lemma-philox-random-vec4' : 'lemma-philox-random',
    code: n % 4 === 0 ? CODES.vec4 : CODES.scalar,
    bindings: [{ info: out, access: 'read_write' }],
    uniforms: packUniforms([['u32', n], ['u32', k0], ['u32', k1], ['u32', stream], ['u32', DIST_CODE[dist]]]),
    workgroups: grid2D(Math.ceil(n / 4 / 256)),
  });
  return out;
};
