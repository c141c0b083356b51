/**
 * Allocation-free Philox 4x32-10 over consecutive blocks for the CPU kernels; bit-identical to `philoxWords`
 * (checked in random.test.ts): word i is word i%4 of Philox(counter [i/4, stream, 0, 0], key).
 */
export function philoxWordsFast(key: readonly [number, number], n: number, stream: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(n / 4) * 4);
  const s = stream >>> 0;
  for (let b = 0, o = 0; o < n; b++, o += 4) {
    let x0 = b >>> 0;
    let x1 = s;
    let x2 = Math.floor(b / 4294967296) >>> 0;
    let x3 = 0;
    let k0 = key[0] >>> 0;
    let k1 = key[1] >>> 0;
    for (let r = 0; r < 10; r++) {
      // mulhi via 16-bit halves (every partial product < 2^32 is exact in float64).
      const aL = x0 & 0xffff, aH = x0 >>> 16;
      const lo0 = Math.imul(0xd2511f53, x0) >>> 0;
      const hi0 = mulhi(0xd2511f53, aL, aH);
      const cL = x2 & 0xffff, cH = x2 >>> 16;
      const lo1 = Math.imul(0xcd9e8d57, x2) >>> 0;
      const hi1 = mulhi(0xcd9e8d57, cL, cH);
      const y0 = (hi1 ^ x1 ^ k0) >>> 0;
      const y2 = (hi0 ^ x3 ^ k1) >>> 0;
      x0 = y0;
      x1 = lo1;
      x2 = y2;
      x3 = lo0;
      k0 = (k0 + 0x9e3779b9) >>> 0;
      k1 = (k1 + 0xbb67ae85) >>> 0;
    }
    out[o] = x0;
    out[o + 1] = x1;
    out[o + 2] = x2;
    out[o + 3] = x3;
  }
  return out;
}

function mulhi(m: number, aL: number, aH: number): number {
  const mL = m & 0xffff;
  const mH = m >>> 16;
  const p01 = aL * mH;
  const p10 = aH * mL;
  const mid = ((aL * mL) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (aH * mH + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536)) >>> 0;
}
