import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { it } from 'vitest';
import { adana, danaStarMK4 } from './adana';
import { adamw } from './adamw';
import type { CommonOptions } from './config';
import type { FusedOptimizer } from './fused-optimizer';
import { sgdMomentum } from './sgd-momentum';

const SCALE = [0.5, 1, 2.5];
const K = SCALE.length;
const STEPS = 5;

/** Builds an optimizer from common options (the K-model one gets learningRateScale, the single ones a group lrScale). */
const makers: [string, (extra: Partial<CommonOptions>) => FusedOptimizer][] = [
  ['AdamW', (x) => adamw({ learningRate: 0.05, weightDecay: 0.1, noDecay: [], ...x })],
  ['Adana (log-time decay)', (x) => adana({ learningRate: 0.02, totalSteps: 100, noDecay: [], schedule: { kind: 'warmupCosine', totalSteps: 10, warmupSteps: 2 }, ...x })],
  ['DanaStarMK4', (x) => danaStarMK4({ learningRate: 0.02, totalSteps: 100, noDecay: [], ...x })],
  ['SgdMomentum', (x) => sgdMomentum({ learningRate: 0.1, weightDecay: 0.05, noDecay: [], ...x })],
  ['AdamW (kernel ops)', (x) => adamw({ learningRate: 0.05, weightDecay: 0.1, noDecay: [], kernel: 'ops', ...x })],
];

describeEachBackend('learningRateScale: K models in one variable equal K separate optimizers', () => {
  // [K, 4] (vec4 slices on webgpu), [K, 3, 5] (odd slices), [K] (one element per model).
  for (const inner of [[4], [3, 5], []] as number[][]) {
    for (const [label, make] of makers) {
      it(`${label}, variables [${[K, ...inner].join(', ')}]`, async () => {
        const per = inner.reduce((a, b) => a * b, 1);
        const rng = createRng(41 + per);
        const init = Float32Array.from(rng.normalArray(K * per));
        const grads = Array.from({ length: STEPS }, () => Float32Array.from(rng.normalArray(K * per)));
        const tag = `kmodels_${Math.random().toString(36).slice(2)}`;
        const joint = make({ learningRateScale: SCALE });
        const v = tf.variable(tf.tensor(init, [K, ...inner]), true, `${tag}_joint`);
        const alone = SCALE.map((s, k) => ({
          opt: make({ groups: [{ match: /.*/, lrScale: s }] }),
          v: tf.variable(tf.tensor(init.slice(k * per, (k + 1) * per), inner), true, `${tag}_${k}`),
        }));
        for (const g of grads) {
          const gt = tf.tensor(g, [K, ...inner]);
          joint.applyGradients({ [v.name]: gt });
          alone.forEach(({ opt, v: vk }, k) => {
            const gk = tf.tensor(g.slice(k * per, (k + 1) * per), inner);
            opt.applyGradients({ [vk.name]: gk });
            gk.dispose();
          });
          gt.dispose();
        }
        const got = await v.data();
        for (const [k, { opt, v: vk }] of alone.entries()) {
          // Same float32 update per slice; only the float64 product lr·s·scale is formed in another order (≤ 1 ulp),
          // so a few float32 ulps per step over 5 steps.
          assertAllClose(got.slice(k * per, (k + 1) * per), await vk.data(), { rtol: 2e-6, atol: 1e-7, label: `model ${k}` });
          opt.dispose();
          vk.dispose();
        }
        joint.dispose();
        v.dispose();
      });
    }
  }
});
