import { describe, expect, it } from 'vitest';
import { keyFromSeed, philoxWords, randomNormal, wordToUnit23 } from '@lemma/gpu-kernels';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { NormalStream } from './normal-stream';

/** float64 Box-Muller of gpu-kernels' Philox words, elements start .. start+n of (seed, stream): the stream's definition. */
function reference(seed: number, stream: number, start: number, n: number): Float64Array {
  const first = start - (start % 4);
  const words = philoxWords(keyFromSeed(seed), n + (start - first) + 4, stream, first);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = start - first + i - ((start - first + i) % 2);
    const r = Math.sqrt(-2 * Math.log(wordToUnit23(words[e]!)));
    const a = 2 * Math.PI * wordToUnit23(words[e + 1]!);
    out[i] = (start + i) % 2 === 0 ? r * Math.cos(a) : r * Math.sin(a);
  }
  return out;
}

describe('NormalStream', () => {
  it('has N(0,1) moments and tail mass (n = 4e5; tolerances ~5 standard errors)', () => {
    const n = 400_000;
    const z = new Float64Array(n);
    new NormalStream(7).fill(z);
    let m = 0, m2 = 0, m4 = 0, tail = 0;
    for (const x of z) {
      m += x;
      m2 += x * x;
      m4 += x ** 4;
      if (Math.abs(x) > 3.442619855899) tail++;
    }
    m /= n; m2 /= n; m4 /= n;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // P(|Z| > 3.4426) = 5.76e-4: the tail must be sampled (23-bit Box-Muller uniforms reach |z| = 5.77).
    const p = 5.76e-4;
    expect(Math.abs(tail / n - p)).toBeLessThan(5 * Math.sqrt(p / n));
  });

  it('is reproducible per (seed, stream) and differs across streams', () => {
    const a = new Float64Array(8), b = new Float64Array(8), c = new Float64Array(8);
    new NormalStream(1, 2).fill(a);
    new NormalStream(1, 2).fill(b);
    new NormalStream(1, 3).fill(c);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('is the float64 Box-Muller of the Philox words at every position: fill, normal, scaledDot, seek (1e-14)', () => {
    // The sin/cos table and Math.cos/Math.sin agree to ~4e-16; |z| <= 5.8, so 1e-14 absolute leaves 4x margin.
    const seed = 2 ** 40 + 9, stream = 5, page = 3;
    const s = new NormalStream(seed, stream).seek(page, 6);
    const got = new Float64Array(23);
    got[0] = s.normal();
    s.fill(got.subarray(1, 12));
    const scale = new Float64Array(11).fill(2), w = new Float64Array(11).fill(0.5), f = new Float64Array(11);
    const dot = s.scaledDot(f, scale, w, 11);
    for (let i = 0; i < 11; i++) got[12 + i] = f[i]! / 2;
    const want = reference(seed, stream, page * 2 ** 34 + 6, 23);
    for (let i = 0; i < 23; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-14);
    let sum = 0;
    for (let i = 12; i < 23; i++) sum += want[i]!;
    expect(Math.abs(dot - sum)).toBeLessThan(1e-13);
  });

  it('carries counter word 0 into word 2 at 2^32 blocks (element 2^34 follows element 2^34 - 1)', () => {
    const got = new Float64Array(8);
    new NormalStream(4, 1).seek(0, 2 ** 34 - 4).fill(got);
    const want = [...reference(4, 1, 2 ** 34 - 4, 4), ...reference(4, 1, 2 ** 34, 4)];
    for (let i = 0; i < 8; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-14);
  });
});

describeEachBackend('NormalStream and gpu-kernels randomNormal', () => {
  it('draw the same normals for the same seed, stream and index (within randomNormal\'s 2e-5 float32 tolerance)', async () => {
    // randomNormal's own tolerance vs its float64 reference: drivers' log/cos/sin are good to a few ulps, |z| <= 5.8.
    const t = randomNormal([1030], 77, { stream: 3 });
    const got = await t.data();
    t.dispose();
    const want = new Float64Array(1030);
    new NormalStream(77, 3).fill(want);
    let worst = 0;
    for (let i = 0; i < 1030; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(2e-5);
  });
});
