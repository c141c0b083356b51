/**
 * WGSL Philox 4x32-10, bit-identical to {@link philox4x32} in philox.ts (WGSL has no u64, so the 32x32 high
 * word is assembled from 16-bit partial products, as in the TypeScript version).
 */
export const PHILOX_WGSL = /* wgsl */ `
fn philoxMulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p01 = a0 * b1; let p10 = a1 * b0;
  let mid = ((a0 * b0) >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}
fn philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var x = ctr; var k = key;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = philoxMulhi(0xD2511F53u, x.x); let lo0 = 0xD2511F53u * x.x;
    let hi1 = philoxMulhi(0xCD9E8D57u, x.z); let lo1 = 0xCD9E8D57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return x;
}
// Exact in f32 on every backend: (w >> 9 + 0.5) / 2^23 lies in (0, 1).
fn philoxUnit(w: vec4<u32>) -> vec4<f32> {
  return (vec4<f32>(w >> vec4<u32>(9u)) + vec4<f32>(0.5)) * 1.1920928955078125e-7;
}
// Box-Muller on the uniform pairs (x, y) and (z, w) of one block: randomNormal's convention.
fn philoxNormal4(uv: vec4<f32>) -> vec4<f32> {
  let r = sqrt(-2.0 * log(vec2<f32>(uv.x, uv.z)));
  let t = 6.283185307179586 * vec2<f32>(uv.y, uv.w);
  return vec4<f32>(r.x * cos(t.x), r.x * sin(t.x), r.y * cos(t.y), r.y * sin(t.y));
}
`;

/** uint32 word -> float32 uniform in (0, 1) exactly as the GPU computes it: ((w >>> 9) + 0.5) / 2^23. */
export function wordToUnit23(w: number): number {
  return ((w >>> 9) + 0.5) / 8388608;
}
