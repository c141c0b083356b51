import { describe, expect, it } from 'vitest';
import { keyFromSeed, philoxWords } from '../../rng/philox';
import { philoxWordsFast } from './fast-philox';

describe('philoxWordsFast', () => {
  it('equals philoxWords (the Random123-verified generator) for several keys, streams and lengths', () => {
    for (const [seed, stream, n] of [[0, 0, 9], [42, 7, 64], [5, 0xffffffff, 13], [2 ** 40 + 3, 1, 4]] as const) {
      const key = keyFromSeed(seed);
      expect(Array.from(philoxWordsFast(key, n, stream).subarray(0, n))).toEqual(Array.from(philoxWords(key, n, stream)));
    }
  });
});
