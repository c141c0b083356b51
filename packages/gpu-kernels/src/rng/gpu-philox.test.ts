import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runWGSL } from '../kernels/run-wgsl/index';
import { describeEachBackend } from '../testing/backends';
import { PHILOX_WGSL, wordToUnit23 } from './gpu-philox';
import { philox4x32 } from './philox';

describe('wordToUnit23', () => {
  it('is ((w >>> 9) + 0.5) / 2^23: float32-exact, strictly inside (0, 1), blind to the 9 low bits', () => {
    expect(wordToUnit23(0)).toBe(2 ** -24);
    expect(wordToUnit23(0xffffffff)).toBe(1 - 2 ** -24);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (w) => {
        const u = wordToUnit23(w);
        expect(u).toBe((Math.floor(w / 512) + 0.5) / 8388608);
        expect(Math.fround(u)).toBe(u);
        expect(u > 0 && u < 1).toBe(true);
        expect(wordToUnit23((w | 511) >>> 0)).toBe(u);
      }),
      { numRuns: 500 },
    );
  });
});

// One thread per case: words = philox4x32(ctr[i], key[i]); units = philoxUnit(words); normals = philoxNormal4(units).
const PROBE = /* wgsl */ `
${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read> ctr: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> key: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> words: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> units: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> normals: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= arrayLength(&key)) { return; }
  let w = philox4x32(ctr[i], key[i]);
  words[i] = w;
  units[i] = philoxUnit(w);
  normals[i] = philoxNormal4(philoxUnit(w));
}`;

describeEachBackend(
  'PHILOX_WGSL',
  () => {
    it('philox4x32 equals the TypeScript one bit for bit; philoxUnit equals wordToUnit23; philoxNormal4 the float64 Box-Muller (2e-5)', async () => {
      const n = 300;
      const rand = fc.sample(fc.integer({ min: 0, max: 0xffffffff }), { seed: 11, numRuns: 6 * n });
      // The edge counters and keys (all zeros, all ones) first, then arbitrary ones.
      for (let j = 0; j < 6; j++) rand[j] = 0;
      for (let j = 6; j < 12; j++) rand[j] = 0xffffffff;
      const ctr = Uint32Array.from({ length: 4 * n }, (_, k) => rand[(k >> 2) * 6 + (k & 3)]!);
      const key = Uint32Array.from({ length: 2 * n }, (_, k) => rand[(k >> 1) * 6 + 4 + (k & 1)]!);
      const tCtr = tf.tensor1d(new Int32Array(ctr.buffer), 'int32');
      const tKey = tf.tensor1d(new Int32Array(key.buffer), 'int32');
      const tWords = tf.zeros([4 * n], 'int32');
      const tUnits = tf.zeros([4 * n]);
      const tNormals = tf.zeros([4 * n]);
      runWGSL({
        key: 'test-philox-wgsl',
        code: PROBE,
        bindings: [
          { tensor: tCtr, access: 'read' },
          { tensor: tKey, access: 'read' },
          { tensor: tWords, access: 'read_write' },
          { tensor: tUnits, access: 'read_write' },
          { tensor: tNormals, access: 'read_write' },
        ],
        workgroups: [Math.ceil(n / 64)],
      });
      const words = new Uint32Array((await tWords.data()).buffer.slice(0));
      const units = await tUnits.data();
      const normals = await tNormals.data();
      tf.dispose([tCtr, tKey, tWords, tUnits, tNormals]);
      const want = new Uint32Array(4);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        philox4x32(ctr[4 * i]!, ctr[4 * i + 1]!, ctr[4 * i + 2]!, ctr[4 * i + 3]!, [key[2 * i]!, key[2 * i + 1]!], want);
        expect(Array.from(words.subarray(4 * i, 4 * i + 4)), `case ${i}`).toEqual(Array.from(want));
        const u = Array.from(want, wordToUnit23);
        expect(Array.from(units.subarray(4 * i, 4 * i + 4))).toEqual(u);
        const r0 = Math.sqrt(-2 * Math.log(u[0]!));
        const r1 = Math.sqrt(-2 * Math.log(u[2]!));
        const z = [r0 * Math.cos(2 * Math.PI * u[1]!), r0 * Math.sin(2 * Math.PI * u[1]!), r1 * Math.cos(2 * Math.PI * u[3]!), r1 * Math.sin(2 * Math.PI * u[3]!)];
        for (let j = 0; j < 4; j++) worst = Math.max(worst, Math.abs(normals[4 * i + j]! - z[j]!));
      }
      // randomNormal's tolerance: the driver's float32 log/cos/sin are good to a few ulps and |z| <= 5.8.
      expect(worst).toBeLessThan(2e-5);
    });
  },
  ['webgpu'],
);
