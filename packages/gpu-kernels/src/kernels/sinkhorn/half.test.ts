import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLOAT16_MAX, float16Bits, float16Value } from './half';

/** IEEE 754 binary16 value of bits h by the definition: (-1)^s · 2^(e-15) · (1 + m/2^10), subnormal 2^-14 · m/2^10. */
function halfValueRef(h: number): number {
  const s = h >> 15 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 31) return m === 0 ? s * Infinity : Number.NaN;
  return e === 0 ? s * 2 ** -14 * (m / 1024) : s * 2 ** (e - 15) * (1 + m / 1024);
}

/** The finite non-negative halves in increasing order (bits 0 .. 0x7bff), by value. */
const POSITIVE = Array.from({ length: 0x7c00 }, (_, h) => halfValueRef(h));

/** Round to nearest binary16, ties to the even bit pattern; beyond 65504 + half an ulp (65520) to Infinity. */
function nearestHalfRef(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  // Largest h with POSITIVE[h] <= a, by bisection.
  let lo = 0, hi = POSITIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (POSITIVE[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  if (POSITIVE[lo] === a || lo === POSITIVE.length - 1) return sign | lo;
  const dLo = a - POSITIVE[lo]!, dHi = POSITIVE[lo + 1]! - a;
  const h = dLo < dHi ? lo : dHi < dLo ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
  return sign | h;
}

describe('float16Value', () => {
  it('decodes all 2^16 bit patterns as the IEEE definition does (NaN for every NaN pattern)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const got = float16Value(h);
      const want = halfValueRef(h);
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) throw new Error(`bits 0x${h.toString(16)}: ${got}, expected ${want}`);
    }
    expect(float16Value(0x7bff)).toBe(FLOAT16_MAX);
    expect(float16Value(0x0001)).toBe(2 ** -24);
    expect(float16Value(0x3c00)).toBe(1);
    expect(float16Value(0x10000 | 0x3c00)).toBe(1); // only the low 16 bits count
  });
});

describe('float16Bits', () => {
  it('round-trips every half: float16Bits(float16Value(h)) = h, NaN patterns to a NaN half with the sign kept', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = float16Value(h);
      const b = float16Bits(v);
      if (Number.isNaN(v)) {
        if ((b & 0x7c00) !== 0x7c00 || (b & 0x3ff) === 0) throw new Error(`NaN 0x${h.toString(16)} -> 0x${b.toString(16)} is not NaN`);
      } else if (b !== h) throw new Error(`0x${h.toString(16)} -> ${v} -> 0x${b.toString(16)}`);
    }
  });

  it('rounds float32 values to the nearest half, ties to even, overflowing to ±Infinity at 65520 (brute-force reference)', () => {
    // Ties and the boundaries by hand: 1 + 2^-11 is halfway between 1 and 1 + 2^-10 (even: 1); 1 + 3·2^-11 rounds up to even.
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Bits(65519)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00);
    expect(float16Bits(-65520)).toBe(0xfc00);
    expect(float16Bits(2 ** -25)).toBe(0); // halfway to the smallest subnormal: ties to even (0)
    expect(float16Bits(3 * 2 ** -25)).toBe(2); // halfway between subnormals 1 and 2: even is 2
    expect(float16Bits(-0)).toBe(0x8000);
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        expect(float16Bits(x)).toBe(nearestHalfRef(x));
      }),
      { numRuns: 20000 },
    );
    // Inside the half range, where fc.float rarely lands: random float32 bit patterns with exponents around [2^-26, 2^17).
    fc.assert(
      fc.property(fc.integer({ min: 101, max: 144 }), fc.integer({ min: 0, max: 0x7fffff }), fc.boolean(), (e, m, neg) => {
        const x = new Float32Array(new Uint32Array([((neg ? 1 : 0) << 31) | (e << 23) | m]).buffer)[0]!;
        expect(float16Bits(x)).toBe(nearestHalfRef(x));
      }),
      { numRuns: 20000 },
    );
  });
});
