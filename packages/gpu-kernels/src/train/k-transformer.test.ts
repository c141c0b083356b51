import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { assertAllClose } from '../testing/numeric';
import { randomNormal } from '../kernels/random/index';
import { kLayerNorm, kTransformerBlock, kTransformerBlockVariableList, kTransformerBlockVariables } from './k-transformer';
import type { KTransformerBlockParams } from './k-transformer';
import { kMeanSquaredError } from './k-loss';

type Vec = ArrayLike<number>;
/** float64 y = x·W + b for one model: x [N, din] row-major, w [din, dout]. */
function lin(x: number[][], w: Vec, b: Vec, dout: number): number[][] {
  return x.map((row) => Array.from({ length: dout }, (_, o) => row.reduce((s, xi, i) => s + xi * w[i * dout + o]!, b[o]!)));
}
function layerNorm(x: number[][], g: Vec, bt: Vec): number[][] {
  return x.map((r) => {
    const m = r.reduce((a, v) => a + v, 0) / r.length;
    const v = r.reduce((a, u) => a + (u - m) ** 2, 0) / r.length;
    return r.map((u, i) => ((u - m) / Math.sqrt(v + 1e-5)) * g[i]! + bt[i]!);
  });
}
const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** float64 GPT-2 block of one model on one sequence x [T, D]; `p` holds model m's slices. */
function block64(x: number[][], p: Record<string, Float32Array>, H: number, causal: boolean): number[][] {
  const T = x.length;
  const D = x[0]!.length;
  const F = p.fc1b!.length;
  const dh = D / H;
  const qkv = lin(layerNorm(x, p.g1!, p.b1!), p.qkvw!, p.qkvb!, 3 * D);
  const att = x.map(() => new Array<number>(D).fill(0));
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      const s = Array.from({ length: T }, (_, j) => {
        if (causal && j > i) return -Infinity;
        let d = 0;
        for (let c = 0; c < dh; c++) d += qkv[i]![h * dh + c]! * qkv[j]![D + h * dh + c]!;
        return d / Math.sqrt(dh);
      });
      const mx = Math.max(...s);
      const e = s.map((v) => Math.exp(v - mx));
      const z = e.reduce((a, v) => a + v, 0);
      for (let c = 0; c < dh; c++) att[i]![h * dh + c] = e.reduce((a, w, j) => a + (w / z) * qkv[j]![2 * D + h * dh + c]!, 0);
    }
  }
  const hh = lin(att, p.projw!, p.projb!, D).map((r, i) => r.map((v, c) => v + x[i]![c]!));
  const m = lin(lin(layerNorm(hh, p.g2!, p.b2!), p.fc1w!, p.fc1b!, F).map((r) => r.map(gelu)), p.fc2w!, p.fc2b!, D);
  return hh.map((r, i) => r.map((v, c) => v + m[i]![c]!));
}

const NAMES = ['g1', 'b1', 'qkvw', 'qkvb', 'projw', 'projb', 'g2', 'b2', 'fc1w', 'fc1b', 'fc2w', 'fc2b'];
async function modelSlices(p: KTransformerBlockParams, K: number, m: number): Promise<Record<string, Float32Array>> {
  const vals = (await Promise.all(kTransformerBlockVariableList(p).map((v) => v.data()))) as Float32Array[];
  return Object.fromEntries(vals.map((v, i) => [NAMES[i]!, v.subarray((m * v.length) / K, ((m + 1) * v.length) / K)]));
}

describeEachBackend('kTransformerBlock', (backend) => {
  it('each model equals a float64 GPT-2 block (causal and not, 1 and 2 heads)', async () => {
    for (const [H, causal] of [[2, true], [1, false]] as const) {
      const [K, B, T, D] = [2, 2, 3, 4];
      const p = kTransformerBlockVariables({ K, seeds: [7, 8], dModel: D, dFF: 6, firstLayer: 0 });
      // Non-trivial LayerNorm parameters, so their broadcast over the model axis is checked too.
      for (const ln of [p.ln1, p.ln2]) {
        ln.gamma.assign(tf.add(randomNormal([K, D], 3), 1));
        ln.beta.assign(randomNormal([K, D], 4));
      }
      const x = randomNormal([K, B, T, D], 5);
      const y = (await kTransformerBlock(p, x, { heads: H, causal }).data()) as Float32Array;
      const xv = (await x.data()) as Float32Array;
      for (let m = 0; m < K; m++) {
        const pm = await modelSlices(p, K, m);
        for (let b = 0; b < B; b++) {
          const off = (m * B + b) * T * D;
          const seq = Array.from({ length: T }, (_, t) => Array.from(xv.subarray(off + t * D, off + (t + 1) * D)));
          // O(1) activations through ~6 sums of <= 24 terms, rsqrt, exp and tanh in float32: 1e-4 covers it.
          assertAllClose(y.subarray(off, off + T * D), block64(seq, pm, H, causal).flat(), { rtol: 1e-4, atol: 1e-4, label: `H=${H} causal=${causal} model ${m} seq ${b}` });
        }
      }
      kTransformerBlockVariableList(p).forEach((v) => v.dispose());
      x.dispose();
    }
  });

  it('K blocks trained together give each block the parameters it gets trained alone (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          K: fc.integer({ min: 1, max: 3 }),
          H: fc.constantFrom(1, 2),
          dh: fc.integer({ min: 1, max: 3 }),
          T: fc.integer({ min: 1, max: 4 }),
          B: fc.integer({ min: 1, max: 2 }),
          steps: fc.integer({ min: 1, max: 2 }),
          seed0: fc.integer({ min: 0, max: 2 ** 31 }),
        }),
        async ({ K, H, dh, T, B, steps, seed0 }) => {
          const D = H * dh;
          const seeds = Array.from({ length: K }, (_, k) => seed0 + 13 * k);
          const make = (ss: number[]) => kTransformerBlockVariables({ K: ss.length, seeds: ss, dModel: D, firstLayer: 0 });
          const together = make(seeds);
          const alone = seeds.map((s) => make([s]));
          const opt = tf.train.sgd(0.1);
          const loss = (p: KTransformerBlockParams, x: tf.Tensor, y: tf.Tensor) => () => {
            const out = kTransformerBlock(p, x, { heads: H });
            return kMeanSquaredError(tf.reshape(out, [x.shape[0]!, B * T, D]), tf.reshape(y, [x.shape[0]!, B * T, D]));
          };
          for (let t = 0; t < steps; t++) {
            const x = randomNormal([K, B, T, D], seed0 + t + 1);
            const y = randomNormal([K, B, T, D], seed0 + t + 100);
            opt.minimize(loss(together, x, y), false, kTransformerBlockVariableList(together));
            alone.forEach((p, k) => {
              const [xk, yk] = [x, y].map((u) => tf.slice(u, [k], [1]));
              opt.minimize(loss(p, xk!, yk!), false, kTransformerBlockVariableList(p));
            });
            x.dispose();
            y.dispose();
          }
          const all = (await Promise.all(kTransformerBlockVariableList(together).map((v) => v.data()))) as Float32Array[];
          for (let k = 0; k < K; k++) {
            const mine = (await Promise.all(kTransformerBlockVariableList(alone[k]!).map((v) => v.data()))) as Float32Array[];
            // Same float32 ops per model; only a backend's matmul tiling may reorder sums (see k-mlp.test.ts).
            mine.forEach((mv, i) => assertAllClose(all[i]!.subarray(k * mv.length, (k + 1) * mv.length), mv, { rtol: 2e-5, atol: 2e-6, label: `model ${k} ${NAMES[i]}` }));
          }
          [together, ...alone].forEach((p) => kTransformerBlockVariableList(p).forEach((v) => v.dispose()));
          opt.dispose();
        },
      ),
      { numRuns: backend === 'cpu' ? 12 : 3, seed: 20261207 },
    );
  });

  it('validates its inputs, naming the argument', () => {
    const p = kTransformerBlockVariables({ K: 2, seeds: [1, 2], dModel: 4, firstLayer: 0 });
    expect(() => kTransformerBlock(p, tf.zeros([2, 1, 3, 4]), { heads: 3 })).toThrow(/kTransformerBlock: heads must divide dModel = 4, got 3/);
    expect(() => kTransformerBlock(p, tf.zeros([1, 1, 3, 4]), { heads: 2 })).toThrow(/kTransformerBlock: x must be a float32 \[2, B, T, 4\] tensor, got float32 shape \[1, 1, 3, 4\]/);
    expect(() => kTransformerBlock(p, tf.zeros([2, 1, 3, 4]), { heads: 2, dropout: 0.1 } as never)).toThrow(/unknown key 'dropout'/);
    expect(() => kTransformerBlockVariables({ K: 2, seeds: [1, 2], dModel: 4, firstLayer: 0.5 })).toThrow(/kTransformerBlockVariables: firstLayer must be a non-negative integer, got 0.5/);
    expect(() => kLayerNorm(tf.zeros([2, 3, 4]) as tf.Tensor3D, { gamma: tf.ones([2, 3]), beta: p.ln1.beta })).toThrow(/kLayerNorm: ln.gamma must be \[2, 4\], got shape \[2, 3\]/);
    kTransformerBlockVariableList(p).forEach((v) => v.dispose());
  });
});
