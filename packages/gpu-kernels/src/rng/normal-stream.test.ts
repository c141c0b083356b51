import { describe, expect, it } from 'vitest';
import { randomNormal } from '../kernels/random/index';
import { describeEachBackend } from '../testing/backends';
import { wordToUnit23 } from './gpu-philox';
import { NormalStream } from './normal-stream';
import { keyFromSeed, philoxWords } from './philox';

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

  it('gives the same bits whichever way it is read: normal, fill (Float64Array, Float32Array), scaledDot, any chunking', () => {
    // 3000 blocks cross a WebAssembly chunk (1024 blocks) and, from offset 2^34 - 4 * 1500, counter word 0's wrap.
    const n = 12_000;
    for (const [page, offset] of [[0, 0], [7, 3], [2, 2 ** 34 - 4 * 1500 + 1]] as const) {
      const want = new Float64Array(n);
      new NormalStream(11, 4).seek(page, offset).fill(want);
      const s = new NormalStream(11, 4).seek(page, offset);
      const got = new Float64Array(n);
      const f32 = new Float32Array(n);
      const f = new Float64Array(n), one = new Float64Array(n).fill(1), zero = new Float64Array(n);
      // Pieces of every size class: singles, within a block, a few blocks, more than a chunk.
      const pieces = [1, 2, 5, 4, 3, 17, 4100, 1, 8, 6000, 3, 33];
      let i = 0;
      for (let p = 0; i < n; p++) {
        const len = Math.min(pieces[p % pieces.length]!, n - i);
        const how = p % 4;
        if (how === 0 && len === 1) got[i] = s.normal();
        else if (how === 1) {
          s.fill(f32.subarray(i, i + len));
          for (let k = 0; k < len; k++) got[i + k] = f32[i + k]!;
        } else if (how === 2) {
          s.scaledDot(f.subarray(i, i + len), one.subarray(i, i + len), zero.subarray(i, i + len), len);
          got.set(f.subarray(i, i + len), i);
        } else s.fill(got.subarray(i, i + len));
        if (how === 1) for (let k = 0; k < len; k++) expect(got[i + k]).toBe(Math.fround(want[i + k]!));
        else for (let k = 0; k < len; k++) expect(got[i + k]).toBe(want[i + k]);
        i += len;
      }
    }
  });

  it('scaledDot sums single terms to the next block boundary, then one 4-term sum per block, then single terms', () => {
    const n = 4103, scale = new Float64Array(n), w = new Float64Array(n), f = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      scale[k] = 1 + (k % 7) / 3;
      w[k] = Math.sin(k);
    }
    for (const [offset, before, len] of [[0, 0, n], [1, 0, n], [2, 1, 1030], [0, 5, 4096], [3, 2, 7], [0, 1, 2]] as const) {
      const z = new Float64Array(before + len);
      new NormalStream(3, 9).seek(1, offset).fill(z);
      const s = new NormalStream(3, 9).seek(1, offset);
      for (let k = 0; k < before; k++) s.normal();
      const got = s.scaledDot(f, scale, w, len);
      let want = 0, k = 0;
      const term = (j: number) => scale[j]! * z[before + j]! * w[j]!;
      for (; k < len && (offset + before + k) % 4 !== 0; k++) want += term(k);
      for (; k + 4 <= len; k += 4) want += term(k) + term(k + 1) + term(k + 2) + term(k + 3);
      for (; k < len; k++) want += term(k);
      expect(got).toBe(want);
    }
  });
});

describeEachBackend('NormalStream and randomNormal', () => {
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
