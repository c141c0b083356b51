import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadSecondTfjsCore } from '../testing/second-tfjs-core';
import { assertSingleTfjsCore, TFJS_CORE_VERSION, tfjsCoreProblems } from './tfjs-copies';

describe('one tfjs-core', () => {
  it('finds nothing wrong with the single peer copy', () => {
    expect(tf.version_core).toBe(TFJS_CORE_VERSION);
    expect(tfjsCoreProblems()).toEqual([]);
    expect(() => assertSingleTfjsCore('test')).not.toThrow();
  });

  it('detects a second copy (a separately loaded tfjs-core bundle) and names the fix', () => {
    const second = loadSecondTfjsCore(); // a second module instance, like a second install
    expect(tfjsCoreProblems(second)).toEqual(['a second copy of @tensorflow/tfjs-core is loaded and created the engine first']);
    expect(() => assertSingleTfjsCore('@lemma/optim', second)).toThrow(/@lemma\/optim: a second copy.*npm ls @tensorflow\/tfjs-core.*overrides/);
  });

  it('reports a version other than the peer', () => {
    const fake = { ...tf, version_core: '4.21.0' } as unknown as typeof tf;
    expect(tfjsCoreProblems(fake)).toEqual([`@lemma packages need @tensorflow/tfjs-core ${TFJS_CORE_VERSION}, this app loads 4.21.0`]);
  });
});
