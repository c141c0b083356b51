import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '../../rng/rng';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { WASM_SIMD_MODULE, wasmSimdKernels, wasmSimdSupported } from './index';
import { simdUpdateFloat32, simdUpdateReference, sumSqReference } from './reference';

type RuleScalars = Record<string, number>;
/** "Off" value of ADANA's SNR clip (as @lemma/optim's NO_CLIP). */
const NO_CLIP = 3e38;

const scalars: ['adamw' | 'adana', RuleScalars][] = [
  ['adamw', { b1: 0.9, b2: 0.999, stepSize: 1e-3 / (1 - 0.9 ** 3), ibc2: 1 / Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, decay: 1 - 1e-5, gscale: 0.7 }],
  ['adana', { a: 8 / 11, lr: 1e-2, lr3: 1e-2, damp: 4 ** 0.15, clip: NO_CLIP, eps: 1e-8, decay: 0.999, gscale: 0.7 }],
  ['adana', { a: 8 / 11, lr: 1e-2, lr3: 1e-2, damp: 4 ** 0.15, clip: 0.3, eps: 1e-8, decay: 1, gscale: 1 }], // MK4 clip active
];

it('the hand-assembled SIMD module validates on this engine', () => {
  expect(WebAssembly.validate(WASM_SIMD_MODULE)).toBe(true);
  expect(wasmSimdSupported()).toBe(true);
});

describeEachBackend(
  'wasm SIMD kernels in the backend memory',
  () => {
    it('bind to the wasm backend (its exported Memory is reachable)', () => {
      expect(wasmSimdKernels(tf.backend())).not.toBeNull();
    });

    for (const [rule, k] of scalars) {
      for (const n of [4, 7, 1003]) {
        it(`${rule} (clip ${k.clip ?? '-'}) n=${n}: bit-identical to float32 arithmetic, close to the float64-then-round JS loop`, () => {
          const simd = wasmSimdKernels(tf.backend())!;
          const rng = createRng(n + (k.clip === undefined || k.clip > 1e6 ? 0 : 1));
          const p0 = Float32Array.from(rng.normalArray(n));
          const g0 = Float32Array.from(rng.normalArray(n));
          const m0 = Float32Array.from(rng.normalArray(n).map((x) => 0.3 * x));
          const v0 = Float32Array.from(rng.normalArray(n).map((x) => x * x));
          const [p, g, m, v] = [p0, g0, m0, v0].map((x) => tf.tensor1d(x));
          const out = tf.engine().makeTensorFromTensorInfo(simd.makeOutput([n]));
          simd.update(rule, simd.ptr(out), simd.ptr(p!), simd.ptr(g!), simd.ptr(m!), simd.ptr(v!), n, k);
          const got = [out, m!, v!].map((x) => x.dataSync() as Float32Array);
          // Float32 emulation, element by element (also covers the n mod 4 tail that runs in JS).
          const want = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
          for (let i = 0; i < n; i++) {
            const r = simdUpdateFloat32[rule]!(p0[i]!, g0[i]!, m0[i]!, v0[i]!, k);
            r.forEach((x, j) => (want[j]![i] = x));
          }
          got.forEach((x, j) => expect(Array.from(x)).toEqual(Array.from(want[j]!)));
          // The JS loop (float64 per coordinate, rounded when stored): a few float32 ulps apart.
          const js = [p0.slice(), m0.slice(), v0.slice()];
          simdUpdateReference[rule]!(js[0]!, g0, js[1]!, js[2]!, k);
          got.forEach((x, j) => assertAllClose(x, js[j]!, { rtol: 1e-6, atol: 1e-6, label: `${rule}[${j}]` }));
          tf.dispose([p!, g!, m!, v!, out]);
        });
      }
    }

    it('sum of squares equals the float64 sum up to summation order', () => {
      const simd = wasmSimdKernels(tf.backend())!;
      for (const n of [1, 5, 4099]) {
        const g0 = Float32Array.from(createRng(n).normalArray(n));
        const g = tf.tensor1d(g0);
        const want = sumSqReference(g0);
        expect(Math.abs(simd.sumSq(simd.ptr(g), n) - want)).toBeLessThanOrEqual(1e-13 * want);
        g.dispose();
      }
    });
  },
  ['wasm'],
);
