import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { keyFromSeed, philoxWords } from '../../rng/philox';
import { wordToUnit23 } from '../../rng/gpu-philox';
import { randomGumbel, randomNormal, randomUniform } from './index';
import { randomReference } from './reference';

describeEachBackend('random tensors', (backend) => {
  it('uniforms equal the philoxWords stream bit for bit (odd and multiple-of-4 sizes, several seeds and streams)', async () => {
    // 1028 and 8: sizes that take the webgpu kernel's vec4-store path.
    for (const [n, seed, stream] of [[1, 0, 0], [7, 42, 0], [1030, 3, 5], [33, 2 ** 40 + 7, 1], [1028, 11, 2], [8, 5, 0]] as const) {
      const u = randomUniform([n], seed, { stream });
      const got = await u.data();
      u.dispose();
      const words = philoxWords(keyFromSeed(seed), n, stream);
      const expected = Float32Array.from(words, wordToUnit23);
      expect(Array.from(got)).toEqual(Array.from(expected));
      expect(Array.from(got)).toEqual(Array.from(randomReference('uniform', n, seed, stream)));
    }
  });

  it('normal and Gumbel match the float64 reference within a few float32 ulps', async () => {
    // [5, 13]: scalar stores; [4, 12]: the vec4-store path on webgpu.
    for (const shape of [[5, 13], [4, 12]]) {
      for (const [fn, dist] of [[randomNormal, 'normal'], [randomGumbel, 'gumbel']] as const) {
        const t = fn(shape, 123, { stream: 2 });
        expect(t.shape).toEqual(shape);
        // log/cos/sin of GPU drivers are accurate to a few ulps; |value| <= ~6 so 1e-5 absolute covers it.
        assertAllClose(await t.data(), randomReference(dist, shape[0]! * shape[1]!, 123, 2), { rtol: 1e-5, atol: 2e-5, label: dist });
        t.dispose();
      }
    }
  });

  it('moments: mean and variance within 5 standard errors', async () => {
    const n = 4096;
    const cases = [
      [randomUniform, 0.5, 1 / 12, 1 / 80],
      [randomNormal, 0, 1, 2],
      [randomGumbel, 0.5772156649, Math.PI ** 2 / 6, 2 * (Math.PI ** 2 / 6) ** 2 * 2.7],
    ] as const;
    for (const [fn, mean, variance, varOfSqDev] of cases) {
      const v = Array.from((await tf.tidy(() => fn([n], 9)).data()) as Float32Array);
      const m = v.reduce((a, b) => a + b, 0) / n;
      const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
      // Var of the sample variance ~ (mu4 - sigma^4)/n; varOfSqDev is a bound on mu4 - sigma^4.
      expect(Math.abs(s2 - variance)).toBeLessThan(5 * Math.sqrt(varOfSqDev / n));
    }
  });

  it('different seeds and streams give different streams; empty shapes work', async () => {
    const a = await randomUniform([8], 1).data();
    const b = await randomUniform([8], 2).data();
    const c = await randomUniform([8], 1, { stream: 1 }).data();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(randomUniform([0, 3], 1).shape).toEqual([0, 3]);
  });

  it('on webgpu, a tensor larger than the device can bind is an error, not a silent tensor of zeros', () => {
    if (backend !== 'webgpu') return;
    const limit = (tf.backend() as unknown as { device: GPUDevice }).device.limits.maxStorageBufferBindingSize;
    // Only where the limit is small enough to test cheaply (lavapipe: 128 MiB).
    if (limit > 2 ** 28) return;
    const n = limit / 4 + 4;
    expect(() => randomNormal([n], 1)).toThrow(new RegExp(`shape \\[${n}\\] \\(${4 * n} bytes\\) exceeds this GPU device's maxStorageBufferBindingSize \\(${limit} bytes\\)`));
  });

  it('rejects bad arguments', () => {
    expect(() => randomUniform([2, -1], 1)).toThrow(/randomUniform: shape must be an array of non-negative integers/);
    expect(() => randomNormal([2], Number.NaN)).toThrow(/randomNormal: seed must be a safe non-negative integer .*, got NaN/);
    expect(() => randomGumbel([2], 1, { stream: -1 })).toThrow(/stream must be an integer/);
  });
});
