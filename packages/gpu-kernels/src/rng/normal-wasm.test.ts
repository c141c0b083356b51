import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalBlocksJs } from './normal-stream';
import { normalBlocksWasm, WASM_CHUNK_BLOCKS } from './normal-wasm';

describe('the WebAssembly generator', () => {
  const wasm = normalBlocksWasm();

  it('runs here (Node has WebAssembly SIMD), so the NormalStream tests cover it', () => {
    expect(wasm).not.toBeNull();
  });

  it('its scalar fdlibm log equals Math.log on all 2^23 uniforms ((m + 0.5) / 2^23) the stream can draw', () => {
    let bad = 0;
    for (let m = 0; m < 2 ** 23; m++) {
      const u = (m + 0.5) / 8388608;
      if (wasm!.log(u) !== Math.log(u)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('its vectorised sqrt(-2 ln u) equals Math.sqrt(-2 * Math.log(u)) on all 2^23 uniforms (from words m 2^9 + junk)', () => {
    const words = new Uint32Array(1024);
    let bad = 0;
    for (let base = 0; base < 2 ** 23; base += 1024) {
      // The low 9 bits of a word are dropped by the uniform; vary them so the vector code must ignore them.
      for (let j = 0; j < 1024; j++) words[j] = (((base + j) << 9) | ((j * 37) & 511)) >>> 0;
      const r = wasm!.radii(words);
      for (let j = 0; j < 1024; j++) if (r[j] !== Math.sqrt(-2 * Math.log((base + j + 0.5) / 8388608))) bad++;
    }
    expect(bad).toBe(0);
  });

  it('equals the JavaScript generator (philox4x32 + boxMuller4) bit for bit, on arbitrary keys and counters', () => {
    const js = normalBlocksJs();
    // Every shape of the software pipeline: no pair, one pair, pairs plus an odd group, a whole chunk; and c0's wrap.
    for (const nb of [1, 3, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 1021, WASM_CHUNK_BLOCKS]) {
      for (const c0 of [0, 2 ** 32 - nb]) {
        wasm!.generate(nb, c0, 9, 2 ** 32 - 1, 0xdeadbeef, 7);
        js.generate(nb, c0, 9, 2 ** 32 - 1, 0xdeadbeef, 7);
        expect(Array.from(wasm!.out.subarray(0, 4 * nb))).toEqual(Array.from(js.out.subarray(0, 4 * nb)));
      }
    }
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, u32, u32, u32, fc.integer({ min: 1, max: WASM_CHUNK_BLOCKS }), (c0, c1, c2, k0, k1, nb) => {
        const start = Math.min(c0, 2 ** 32 - nb);
        wasm!.generate(nb, start, c1, c2, k0, k1);
        js.generate(nb, start, c1, c2, k0, k1);
        expect(Array.from(wasm!.out.subarray(0, 4 * nb))).toEqual(Array.from(js.out.subarray(0, 4 * nb)));
      }),
      { numRuns: 60 },
    );
  });
});
