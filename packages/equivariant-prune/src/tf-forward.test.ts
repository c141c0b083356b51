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
import { biasFromCoeffs, biasVectorsTensor, kBiasFromCoeffs, kLayerForwardFromCoeffs, layerForwardFromCoeffs, networkForwardTf } from './tf-forward';

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

  it('K models at once: slice m of kLayerForwardFromCoeffs / kBiasFromCoeffs is model m alone (DeepSets and 1→2 bases)', async () => {
    const rng = createRng(9);
    const M = 3;
    for (const [basis, cIn, cOut] of [[deepSetsBasis(5), 2, 3], [maron1to2Basis(4), 3, 2]] as const) {
      const E = basis.elements.length;
      const batch = 4;
      const x = tf.tensor3d(Float32Array.from(rng.normalArray(M * batch * cIn * basis.dIn)), [M, batch, cIn * basis.dIn]);
      const c = tf.tensor2d(Float32Array.from(rng.normalArray(M * cOut * cIn * E)), [M, cOut * cIn * E]);
      const y = kLayerForwardFromCoeffs(basis, cIn, cOut, c, x);
      const vectors = biasVectorsTensor([onesVector(basis.dOut)]);
      const cb = tf.tensor2d(Float32Array.from(rng.normalArray(M * cOut)), [M, cOut]);
      const b = kBiasFromCoeffs(cOut, cb, vectors);
      for (let m = 0; m < M; m++) {
        const alone = tf.tidy(() => layerForwardFromCoeffs(basis, cIn, cOut, tf.squeeze(tf.slice(c, [m], [1]), [0]), tf.squeeze(tf.slice(x, [m], [1]), [0]) as tf.Tensor2D));
        const mine = tf.tidy(() => tf.squeeze(tf.slice(y, [m], [1]), [0]));
        // Same products, summed in another grouping by the batched matMul: float32 rounding only.
        assertAllClose(await mine.data(), await alone.data(), { atol: 1e-5, rtol: 1e-5, label: `layer, model ${m}` });
        const bAlone = tf.tidy(() => biasFromCoeffs(cOut, tf.squeeze(tf.slice(cb, [m], [1]), [0]), vectors));
        const bMine = tf.tidy(() => tf.reshape(tf.slice(b, [m], [1]), [1, -1]));
        assertAllClose(await bMine.data(), await bAlone.data(), { atol: 1e-6, label: `bias, model ${m}` });
        tf.dispose([alone, mine, bAlone, bMine]);
      }
      tf.dispose([x, c, y, vectors, cb, b]);
    }
  });
});
