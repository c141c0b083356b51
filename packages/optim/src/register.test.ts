import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadSecondTfjsCore } from '@lemma/gpu-kernels/testing';
import { Adana, DanaMK4, DanaStar, DanaStarMK4 } from './adana';
import { AdamW } from './adamw';
import { AdEMAMix } from './ademamix';
import { Dana } from './dana';
import { Muon } from './muon';
import { checkTfjsCore, registerOptimizer } from './register';
import { SgdMomentum } from './sgd-momentum';

describe('optimizer registration checks for one tfjs-core of the peer version', () => {
  it('passes on the single peer copy, and every optimizer module registered its classes through it', () => {
    expect(() => checkTfjsCore()).not.toThrow();
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const cls of [Adana, DanaMK4, DanaStar, DanaStarMK4, Dana, AdamW, AdEMAMix, SgdMomentum, Muon]) expect(map[cls.className]).toBeDefined();
  });

  it('reports a second copy (a separately loaded tfjs-core bundle) with the fix, naming @lemma/optim', () => {
    const second = loadSecondTfjsCore(); // a second module instance, like a second install
    expect(() => checkTfjsCore(second)).toThrow(/^@lemma\/optim: a second copy of @tensorflow\/tfjs-core is loaded.*npm ls @tensorflow\/tfjs-core.*"overrides": \{ "@tensorflow\/tfjs-core": "4\.22\.0" \}/);
  });

  it('reports a tfjs-core version other than the peer', () => {
    const fake = { ...tf, version_core: '4.21.0' } as unknown as typeof tf;
    expect(() => checkTfjsCore(fake)).toThrow(/^@lemma\/optim: @lemma packages need @tensorflow\/tfjs-core 4\.22\.0, this app loads 4\.21\.0\. Install exactly one copy/);
  });

  it('registerOptimizer registers a class under its className (the check ran once, at the first registration)', () => {
    class Probe extends tf.serialization.Serializable {
      static readonly className = 'OptimRegisterProbe';
      getConfig(): tf.serialization.ConfigDict {
        return {};
      }
    }
    registerOptimizer(Probe);
    expect(tf.serialization.SerializationMap.getMap().classNameMap.OptimRegisterProbe?.[0]).toBe(Probe);
  });
});
