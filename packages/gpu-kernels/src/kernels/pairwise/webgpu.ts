import type { KernelImpl, NoAttrs } from '../_shared/kernel';
import { gpuOutput, packUniforms, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import { pairwiseDims } from './kernel';
import type { PairwiseInputs, PairwiseKind } from './kernel';

// 64x64 output tile per 16x16 workgroup, 4x4 outputs per thread (rows lid.y+16i, cols lid.x+16j so that
// neighbouring threads write neighbouring columns), K staged through workgroup memory in chunks of 16.
function code(kind: PairwiseKind): string {
  const acc = kind === 'sqdist' ? 'let t = a[i] - bb[j]; acc[i][j] = acc[i][j] + t * t;' : 'acc[i][j] = fma(a[i], bb[j], acc[i][j]);';
  return /* wgsl */ `
struct U { n: u32, m: u32, d: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
@group(0) @binding(3) var<uniform> u: U;
var<workgroup> xs: array<array<f32, 64>, 16>;
var<workgroup> ys: array<array<f32, 64>, 16>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wid.z;
  let row0 = wid.y * 64u;
  let col0 = wid.x * 64u;
  let tid = lid.y * 16u + lid.x;
  let xb = b * u.n * u.d;
  let yb = b * u.m * u.d;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < u.d; k0 += 16u) {
    for (var l = 0u; l < 4u; l++) {
      let e = tid + l * 256u;
      let r = e / 16u;
      let kk = e % 16u;
      let gk = k0 + kk;
      var xv = 0.0; var yv = 0.0;
      if (row0 + r < u.n && gk < u.d) { xv = X[xb + (row0 + r) * u.d + gk]; }
      if (col0 + r < u.m && gk < u.d) { yv = Y[yb + (col0 + r) * u.d + gk]; }
      xs[kk][r] = xv;
      ys[kk][r] = yv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<f32, 4>; var bb: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = xs[kk][lid.y + 16u * i]; bb[i] = ys[kk][lid.x + 16u * i]; }
      for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { ${acc} } }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x + 16u * j;
      if (r < u.n && c < u.m) { O[(b * u.n + r) * u.m + c] = acc[i][j]; }
    }
  }
}`;
}

const CODES = { sqdist: code('sqdist'), inner: code('inner') };

/** WebGPU kernel: register-tiled 64x64 blocks; padding with zeros adds nothing to either cost. */
export function pairwiseWebGPU(kind: PairwiseKind): KernelImpl<PairwiseInputs, NoAttrs> {
  return ({ inputs: { x, y }, backend }) => {
    const be = webgpuInternals(kind === 'sqdist' ? 'pairwiseSqDist' : 'innerProduct', backend);
    const { batch, n, m, d, outShape } = pairwiseDims(x.shape, y.shape);
    const out = gpuOutput(be, outShape);
    if (batch * n * m === 0) return out;
    if (batch > 65535) throw new Error(`${kind === 'sqdist' ? 'pairwiseSqDist' : 'innerProduct'}: at most 65535 batch entries on webgpu, got ${batch}`);
    recordDispatch(be, {
      key: `lemma-pairwise-${kind}`,
      code: CODES[kind],
      bindings: [{ info: x, access: 'read' }, { info: y, access: 'read' }, { info: out, access: 'read_write' }],
      uniforms: packUniforms([['u32', n], ['u32', m], ['u32', d], ['u32', 0]]),
      workgroups: [Math.ceil(m / 64), Math.ceil(n / 64), batch],
    });
    return out;
  };
}
