import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { onesVector } from './bias';
import { deepSetsBasis, maron1to2Basis, maron2to1Basis } from './closed-forms';
import { buildRandomNetwork, pruneToTarget } from './construction';
import { networkForwardF64 } from './forward-f64';
import { type EquivariantNetwork, randomLayer } from './network';
import { tolerance } from './testing/reference-tolerance';
import { networkForwardTf } from './tf-forward';

describeEachBackend('equivariant forward on tensors', () => {
  it('the Kronecker-factored tensor forward matches the float64 reference (DeepSets, 2-order, masked)', async () => {
    const rng = createRng(4);
    const n = 4;
    const nets: EquivariantNetwork[] = [
      { layers: [randomLayer(deepSetsBasis(6), 2, 3, rng), randomLayer(deepSetsBasis(6), 3, 1, rng)] },
      { layers: [randomLayer(maron1to2Basis(n), 1, 2, rng), randomLayer(maron2to1Basis(n), 2, 2, rng)] },
    ];
    const target = nets[0]!;
    nets.push(pruneToTarget(target, buildRandomNetwork(target, { samples: 5, seed: 1 })).network);
    const ones = [onesVector(6)];
    const biased: EquivariantNetwork = { layers: [randomLayer(deepSetsBasis(6), 2, 3, rng, 1, ones), randomLayer(deepSetsBasis(6), 3, 1, rng, 1, ones)] };
    nets.push(biased, pruneToTarget(biased, buildRandomNetwork(biased, { samples: 5, seed: 2 })).network);
    for (const net of nets) {
      const batch = 3;
      const d = net.layers[0]!.cIn * net.layers[0]!.basis.dIn;
      const x = createRng(2).normalArray(batch * d);
      const xt = tf.tensor2d(Float32Array.from(x), [batch, d]);
      const y = networkForwardTf(net, xt);
      const ref = networkForwardF64(net, Float64Array.from(Float32Array.from(x)), batch);
      assertAllClose(await y.data(), ref, { atol: tolerance(net, x, batch), label: 'networkForwardTf' });
      tf.dispose([xt, y]);
    }
  });
});
