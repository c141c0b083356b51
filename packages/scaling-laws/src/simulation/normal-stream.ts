/**
 * A fast seeded standard-normal stream for the Monte Carlo hot loop: xoshiro128** words fed to the
 * Marsaglia-Tsang (2000) 128-layer ziggurat. Seeded from Philox so every stream is reproducible.
 */
import { createRng } from '@lemma/gpu-kernels';

const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(() => {
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = 3.442619855899;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();

/** A reproducible normal stream (xoshiro128** state + ziggurat). */
export class NormalStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Stream `stream` of `seed`; different streams are independent Philox-seeded states. */
  constructor(seed: number, stream = 0) {
    const r = createRng(seed, 0x51ab + stream);
    const w = () => (Math.floor(r.uniform() * 4294967296) | 0) || 1;
    this.s0 = w();
    this.s1 = w();
    this.s2 = w();
    this.s3 = w();
  }

  /** Next 32-bit word as a signed int32 (xoshiro128**). */
  private nextInt(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result | 0;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return ((this.nextInt() >>> 0) + 0.5) / 4294967296;
  }

  /** One standard normal. */
  normal(): number {
    const hz = this.nextInt();
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
    return this.tail(hz, iz);
  }

  /** Fills `out[0..n)` with standard normals. */
  fill(out: Float64Array, n = out.length): void {
    for (let i = 0; i < n; i++) {
      const hz = this.nextInt();
      const iz = hz & 127;
      out[i] = Math.abs(hz) < KN[iz]! ? hz * WN[iz]! : this.tail(hz, iz);
    }
  }

  /**
   * Fused feature draw for the Monte Carlo hot loop: f[k] = scale[k] * z_k with fresh normals z, returning
   * sum_k f[k] * w[k] (one pass instead of fill + scale + dot).
   */
  scaledDot(f: Float64Array, scale: Float64Array, w: Float64Array, n: number): number {
    let r = 0;
    for (let i = 0; i < n; i++) {
      const hz = this.nextInt();
      const iz = hz & 127;
      const z = Math.abs(hz) < KN[iz]! ? hz * WN[iz]! : this.tail(hz, iz);
      const fk = scale[i]! * z;
      f[i] = fk;
      r += fk * w[i]!;
    }
    return r;
  }

  private tail(hz0: number, iz0: number): number {
    let hz = hz0;
    let iz = iz0;
    const r = 3.442619855899;
    for (;;) {
      const x = hz * WN[iz]!;
      if (iz === 0) {
        let xx: number;
        let yy: number;
        do {
          xx = -Math.log(this.uniform()) / r;
          yy = -Math.log(this.uniform());
        } while (yy + yy < xx * xx);
        return hz > 0 ? r + xx : -r - xx;
      }
      if (FN[iz]! + this.uniform() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
      hz = this.nextInt();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
