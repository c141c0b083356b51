import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { categoricalModel } from './categorical';
import { toSamples } from '../samples';

describe('collapse controls without curation', () => {
  it('discrete refitting is absorbed in state i with probability p_0(i)', () => {
    const p0 = [0.5, 0.3, 0.2];
    const R2 = 2000;
    const rng = createRng(5);
    const hits = [0, 0, 0];
    for (let rep = 0; rep < R2; rep++) {
      const m = categoricalModel({ numClasses: 3, probs: p0 });
      for (let it = 0; it < 10000 && Math.max(...m.probs) < 1; it++) m.fit(m.sample(10, rng));
      hits[m.probs.indexOf(1)]! += 1 / R2;
    }
    for (let i = 0; i < 3; i++) expect(Math.abs(hits[i]! - p0[i]!)).toBeLessThan(4 * Math.sqrt((p0[i]! * (1 - p0[i]!)) / R2));
  });
});

describe('categoricalModel', () => {
  it('categorical fit is the exact empirical frequency and logProb is its log', () => {
    const m = categoricalModel({ numClasses: 3 });
    m.fit(toSamples([0, 2, 2, 2], 1));
    expect(Array.from(m.probs)).toEqual([0.25, 0, 0.75]);
    expect(Array.from(m.logProb(toSamples([0, 1], 1)))).toEqual([Math.log(0.25), -Infinity]);
    expect(new Set(m.sample(200, createRng(1)).data)).toEqual(new Set([0, 2]));
    expect(() => m.fit(toSamples([3], 1))).toThrow(/class indices in \[0, 2\], got 3/);
  });
});
