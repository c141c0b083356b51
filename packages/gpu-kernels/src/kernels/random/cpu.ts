import { NormalStream } from '../../rng/normal-stream';
import { keyFromSeed } from '../../rng/philox';
import { makeOutput } from '../_shared/cpu';
import type { KernelImpl, NoInputs } from '../_shared/kernel';
import { philoxWordsFast } from './fast-philox';
import type { RandomAttrs, RandomDistribution } from './kernel';

const INV23 = 1 / 8388608;

/**
 * Fills `out` with the stream: uniforms ((w >>> 9) + 0.5)/2^23 (exact in float32, so they match the GPU bit
 * for bit), Gumbel -log(-log u), or the normals of {@link NormalStream} (Box-Muller on word pairs (0,1), (2,3) of
 * each block, in float64, rounded once to float32; the GPU's float32 Box-Muller agrees to a few ulps).
 */
export function fillRandom(out: Float32Array, dist: RandomDistribution, seed: number, stream: number): void {
  if (dist === 'normal') {
    new NormalStream(seed, stream).fill(out);
    return;
  }
  const n = out.length;
  const w = philoxWordsFast(keyFromSeed(seed), n, stream);
  if (dist === 'uniform') {
    for (let i = 0; i < n; i++) out[i] = ((w[i]! >>> 9) + 0.5) * INV23;
  } else {
    for (let i = 0; i < n; i++) out[i] = -Math.log(-Math.log(((w[i]! >>> 9) + 0.5) * INV23));
  }
}

/** CPU kernel (cpu, wasm, tensorflow backends). */
export const randomCpu: KernelImpl<NoInputs, RandomAttrs> = ({ backend, attrs: { shape, seed, stream, dist } }) => {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fillRandom(out, dist, seed, stream);
  return makeOutput(backend, shape, 'float32', out);
};
