import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxMuller4, COS_HI, COS_LO, SIN_HI, SIN_LO } from './box-muller';

/** The float64 Box-Muller of one block written plainly with Math.cos / Math.sin: u_j = ((w_j >>> 9) + 0.5) / 2^23. */
function reference(w: readonly number[]): number[] {
  const u = w.map((x) => ((x >>> 9) + 0.5) / 8388608);
  const r0 = Math.sqrt(-2 * Math.log(u[0]!));
  const r1 = Math.sqrt(-2 * Math.log(u[2]!));
  return [r0 * Math.cos(2 * Math.PI * u[1]!), r0 * Math.sin(2 * Math.PI * u[1]!), r1 * Math.cos(2 * Math.PI * u[3]!), r1 * Math.sin(2 * Math.PI * u[3]!)];
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe('boxMuller4', () => {
  it('equals r cos(2πu), r sin(2πu) with Math.cos / Math.sin on arbitrary words (1e-14 absolute)', () => {
    // The table angle addition agrees with Math.cos/sin to ~4e-16 (each table entry and product is one rounding);
    // |z| <= sqrt(-2 ln 2^-24) = 5.77, so 1e-14 absolute leaves a 4x margin over 5.77 * 4e-16.
    const out = new Float64Array(4);
    const check = (w: number[]) => {
      boxMuller4(Uint32Array.from(w), out, 0);
      const want = reference(w);
      for (let j = 0; j < 4; j++) expect(Math.abs(out[j]! - want[j]!), `word ${w} lane ${j}`).toBeLessThan(1e-14);
    };
    for (const edge of [0, 0x1ff, 0x200, 0x7fffffff, 0x80000000, 0xffffffff]) check([edge, edge, edge, edge]);
    fc.assert(fc.property(fc.array(u32, { minLength: 4, maxLength: 4 }), check), { numRuns: 2000 });
  });

  it('writes at the offset only, ignores the 9 low bits of each word, and pairs (w0, w1), (w2, w3) on circles of radius sqrt(-2 ln u)', () => {
    fc.assert(
      fc.property(fc.array(u32, { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 511 }), (w, junk) => {
        const out = new Float64Array(10).fill(7);
        boxMuller4(Uint32Array.from(w), out, 3);
        expect([out[0], out[1], out[2], out[7], out[8], out[9]]).toEqual([7, 7, 7, 7, 7, 7]);
        const other = new Float64Array(4);
        boxMuller4(Uint32Array.from(w, (x) => ((x & ~511) | junk) >>> 0), other, 0);
        expect(Array.from(other)).toEqual(Array.from(out.subarray(3, 7)));
        // cos² + sin² of the table's angle is 1 within a few ulps; relative 1e-14 on r².
        for (const [a, b, word] of [[out[3]!, out[4]!, w[0]!], [out[5]!, out[6]!, w[2]!]] as const) {
          const r2 = -2 * Math.log(((word >>> 9) + 0.5) / 8388608);
          expect(Math.abs(a * a + b * b - r2)).toBeLessThanOrEqual(1e-14 * r2);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('its tables hold cos and sin of 2πh/4096 and 2π(l + 0.5)/2^23 (so hi + lo spans every 23-bit uniform)', () => {
    expect([COS_HI.length, SIN_HI.length, COS_LO.length, SIN_LO.length]).toEqual([4096, 4096, 2048, 2048]);
    // Spot values exact in float64 or within one ulp of an exact value.
    expect([COS_HI[0], SIN_HI[0]]).toEqual([1, 0]);
    expect(Math.abs(COS_HI[1024]!)).toBeLessThan(1e-16); // cos(π/2)
    expect(SIN_HI[1024]).toBe(1);
    expect(COS_HI[2048]).toBe(-1);
    for (const h of [1, 511, 2047, 4095]) expect(Math.abs(COS_HI[h]! ** 2 + SIN_HI[h]! ** 2 - 1)).toBeLessThan(4e-16);
    // The lo angles are below 2π·2048/2^23 = 1.5e-3 rad, where the Taylor remainders (x^7/5040, x^6/720) are < 1e-20:
    // sin is then checked to 2e-18 (~10 ulps at 1.5e-3), cos to 2 ulps of 1.
    for (const l of [0, 1, 1000, 2047]) {
      const x = (2 * Math.PI * (l + 0.5)) / 8388608;
      expect(Math.abs(SIN_LO[l]! - (x - x ** 3 / 6 + x ** 5 / 120))).toBeLessThan(2e-18);
      expect(Math.abs(COS_LO[l]! - (1 - x * x / 2 + x ** 4 / 24))).toBeLessThanOrEqual(2 ** -52);
    }
  });
});
