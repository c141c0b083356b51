import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { keyFromSeed } from '../../rng/philox';
import { makeOutput } from '../_shared/cpu';
import { philoxWordsFast } from './fastPhilox';
import type { RandomDistribution } from './reference';

/** Attributes of the `LemmaPhiloxRandom` kernel. */
export interface RandomAttrs {
  shape: number[];
  seed: number;
  stream: number;
  dist: RandomDistribution;
}

const INV23 = 1 / 8388608;

/**
 * Fills `out` with the stream: uniforms ((w >>> 9) + 0.5)/2^23 (exact in float32, so they match the GPU bit
 * for bit), Box-Muller normals on word pairs (0,1), (2,3) of each block, or Gumbel -log(-log u).
 */
export function fillRandom(out: Float32Array, dist: RandomDistribution, seed: number, stream: number): void {
  const n = out.length;
  const w = philoxWordsFast(keyFromSeed(seed), n + (n % 2), stream);
  if (dist === 'uniform') {
    for (let i = 0; i < n; i++) out[i] = ((w[i]! >>> 9) + 0.5) * INV23;
  } else if (dist === 'gumbel') {
    for (let i = 0; i < n; i++) out[i] = -Math.log(-Math.log(((w[i]! >>> 9) + 0.5) * INV23));
  } else {
    for (let i = 0; i < n; i += 2) {
      const u0 = Math.fround(((w[i]! >>> 9) + 0.5) * INV23);
      const u1 = Math.fround(((w[i + 1]! >>> 9) + 0.5) * INV23);
      const r = Math.sqrt(-2 * Math.log(u0));
      const t = 2 * Math.PI * u1;
      out[i] = r * Math.cos(t);
      if (i + 1 < n) out[i + 1] = r * Math.sin(t);
    }
  }
}

/** CPU kernel (cpu, wasm, tensorflow backends). */
export const randomCpu: KernelFunc = ({ backend, attrs }) => {
  const { shape, seed, stream, dist } = attrs as unknown as RandomAttrs;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fillRandom(out, dist, seed, stream);
  return makeOutput(backend, shape, 'float32', out) as TensorInfo;
};
