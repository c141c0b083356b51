import { keyFromSeed, philoxWords } from '../../rng/philox';
import { wordToUnit23 } from '../../rng/gpu-philox';

/**
 * float64 reference of grouped Gumbel-max: for group g, argmax_k scores[g,k] + G_{gK+k} where G is the Gumbel
 * stream of `randomGumbel` (element gK+k). Picks k with probability softmax(scores[g,:])_k. Ties go to the lower k.
 */
export function gumbelMaxReference(scores: ArrayLike<number>, groups: number, k: number, seed: number, stream = 0): Int32Array {
  const words = philoxWords(keyFromSeed(seed), groups * k, stream);
  const out = new Int32Array(groups);
  for (let g = 0; g < groups; g++) {
    let best = -Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const u = Math.fround(wordToUnit23(words[g * k + j]!));
      // float32 arithmetic as on the GPU, so backends agree except on near-ties of a few ulps.
      const v = Math.fround(scores[g * k + j]! + Math.fround(-Math.log(-Math.log(u))));
      if (v > best) {
        best = v;
        arg = j;
      }
    }
    out[g] = arg;
  }
  return out;
}
