import { keyFromSeed, philoxWords } from '../../rng/philox';
import { wordToUnit23 } from '../../rng/gpu-philox';
import type { RandomDistribution } from './kernel';

/**
 * float64 reference for element i of a random tensor: uniforms u_i = ((w_i >>> 9) + 0.5) / 2^23 from the Philox
 * stream (element i = word i%4 of block i/4); normals by Box-Muller on the word pairs (0,1), (2,3) of each
 * block (cos for the even element, sin for the odd one); Gumbel = -log(-log u_i).
 */
export function randomReference(dist: RandomDistribution, n: number, seed: number, stream = 0): Float64Array {
  const words = philoxWords(keyFromSeed(seed), n + (n % 2), stream);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.fround(wordToUnit23(words[i]!));
    if (dist === 'uniform') out[i] = u;
    else if (dist === 'gumbel') out[i] = -Math.log(-Math.log(u));
    else {
      const e = i - (i % 2);
      const u0 = Math.fround(wordToUnit23(words[e]!));
      const u1 = Math.fround(wordToUnit23(words[e + 1]!));
      const r = Math.sqrt(-2 * Math.log(u0));
      out[i] = i % 2 === 0 ? r * Math.cos(2 * Math.PI * u1) : r * Math.sin(2 * Math.PI * u1);
    }
  }
  return out;
}
