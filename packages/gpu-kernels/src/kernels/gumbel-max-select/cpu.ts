import { keyFromSeed } from '../../rng/philox';
import { makeOutput, readValues } from '../_shared/cpu';
import type { KernelImpl } from '../_shared/kernel';
import { philoxWordsFast } from '../random/fast-philox';
import type { GumbelMaxAttrs, GumbelMaxInputs } from './kernel';

/** CPU kernel: the reference's float32-faithful arithmetic with the allocation-free Philox. */
export const gumbelMaxCpu: KernelImpl<GumbelMaxInputs, GumbelMaxAttrs> = ({ inputs: { scores: s }, backend, attrs: { seed, stream } }) => {
  const [g, k] = s.shape as [number, number];
  const scores = readValues(backend, s);
  const words = philoxWordsFast(keyFromSeed(seed), g * k, stream);
  const out = new Int32Array(g);
  for (let r = 0; r < g; r++) {
    let best = -Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const e = r * k + j;
      const u = Math.fround(((words[e]! >>> 9) + 0.5) / 8388608);
      const v = Math.fround(scores[e]! + Math.fround(-Math.log(-Math.log(u))));
      if (v > best) {
        best = v;
        arg = j;
      }
    }
    out[r] = arg;
  }
  return makeOutput(backend, [g], 'int32', out);
};
