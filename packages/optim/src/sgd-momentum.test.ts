import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { SgdMomentum, sgdMomentum } from './sgd-momentum';
import { runSteps, uniqueName } from './test-trajectories';

/** Runs `opt` on one variable of `shape` over the given gradients; returns the final values. */
const run = (opt: SgdMomentum, init: Float64Array, grads: Float64Array[], shape: number[]): Promise<Float32Array> => runSteps(opt, init, grads, shape, uniqueName('sgdm'));

/**
 * Plain float64 torch.optim.SGD.step (dampening 0), written from torch's `_single_tensor_sgd`: d_p = g + λθ
 * (weight_decay); buf = d_p on the first step, then μ·buf + d_p; d_p = nesterov ? d_p + μ·buf : buf; θ −= lr·d_p.
 * `decoupled`: no λθ in d_p, θ ← θ(1 − lr·λ) before the step instead (our `decoupledWeightDecay`).
 */
function sgd64(theta: number, grads: number[], lr: number, mu: number, nesterov: boolean, wd: number, decoupled = false): number {
  let buf: number | undefined;
  for (const g of grads) {
    let dp = decoupled ? g : g + wd * theta;
    if (decoupled) theta *= 1 - lr * wd;
    if (mu !== 0) {
      buf = buf === undefined ? dp : mu * buf + dp;
      dp = nesterov ? dp + mu * buf : buf;
    }
    theta -= lr * dp;
  }
  return theta;
}

describe('SgdMomentum option validation names the option and the value', () => {
  it.each([
    [{ learningRate: 0.1, momentum: -0.1 }, /SgdMomentum: momentum must be in \[0, 1\), got -0.1/],
    [{ learningRate: 0.1, weightDecay: -1 }, /SgdMomentum: weightDecay must be a finite number >= 0, got -1/],
    [{ learningRate: 0.1, weightDecay: Number.NaN }, /SgdMomentum: weightDecay must be a finite number >= 0, got NaN/],
    [{ learningRate: 0.25, weightDecay: 4 }, /SgdMomentum: learningRate·weightDecay must be < 1 .*got 0.25·4 = 1/],
    [{ learningRate: 0.1, dampening: 0.1 }, /SgdMomentum: unknown option 'dampening'/],
    [{ learningRate: 0.1, nesterov: true }, /SgdMomentum: nesterov needs momentum > 0 \(as torch.optim.SGD\), got momentum 0 \(the default is 0\)/],
    [{ learningRate: 0.1, decoupledWeightDecay: 1 }, /SgdMomentum: decoupledWeightDecay must be a boolean, got 1/],
    [{ learningRate: 0.1, decoupled_weight_decay: true }, /SgdMomentum: unknown option 'decoupled_weight_decay' \(did you mean 'decoupledWeightDecay'\?\)/],
  ])('%o', (options, message) => {
    expect(() => sgdMomentum(options as never)).toThrow(message);
  });

  it('momentum 0 and the maximum lr·λ just below 1 are accepted', () => {
    for (const o of [{ learningRate: 0.1, momentum: 0 }, { learningRate: 0.5, weightDecay: 1.98 }]) sgdMomentum(o).dispose();
  });
});

describeEachBackend('SgdMomentum update (plain and Nesterov) against a float64 reference', () => {
  it('constant gradient 1, lr 0.1, μ 0.9: plain steps lr·(1, 1.9, 2.71), Nesterov lr·(1.9, 2.71, 3.439)', async () => {
    const ones = [1, 2, 3].map(() => Float64Array.from([1, 1, 1, 1]));
    const plain = await run(sgdMomentum({ learningRate: 0.1, momentum: 0.9 }), new Float64Array(4), ones, [2, 2]);
    const nest = await run(sgdMomentum({ learningRate: 0.1, momentum: 0.9, nesterov: true }), new Float64Array(4), ones, [2, 2]);
    // θ3 by hand: −0.1·(1 + 1.9 + 2.71) and −0.1·(1.9 + 2.71 + 3.439); float32 sums of three O(0.1) terms: 1e-6.
    for (const x of plain) expect(x).toBeCloseTo(-0.561, 6);
    for (const x of nest) expect(x).toBeCloseTo(-0.8049, 6);
  });

  const cases = [
    ["defaults (torch's: μ 0, plain, no decay)", { learningRate: 0.05 }],
    ['μ 0.5, Nesterov, coupled λ 0.2', { learningRate: 0.05, momentum: 0.5, nesterov: true, weightDecay: 0.2 }],
    ['μ 0.99, plain, coupled λ 0.1', { learningRate: 0.02, momentum: 0.99, nesterov: false, weightDecay: 0.1 }],
    ['μ 0 (torch default), coupled λ 0.3', { learningRate: 0.05, weightDecay: 0.3 }],
    ['μ 0.9, Nesterov, decoupled λ 0.2', { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.2, decoupledWeightDecay: true }],
  ] as const;
  for (const [k, [label, o]] of cases.entries()) {
    it(`${label}: 6 steps on a [4, 3] weight`, async () => {
      const rng = createRng(31 + k); // a seed of its own per case
      const init = Float64Array.from(rng.normalArray(12), Math.fround);
      const grads = Array.from({ length: 6 }, () => Float64Array.from(rng.normalArray(12), Math.fround));
      const got = await run(sgdMomentum({ ...o }), init, grads, [4, 3]);
      const want = Array.from(init, (x, j) =>
        sgd64(
          x,
          grads.map((g) => g[j]!),
          o.learningRate,
          'momentum' in o ? o.momentum : 0,
          'nesterov' in o ? o.nesterov : false,
          'weightDecay' in o ? o.weightDecay : 0,
          'decoupledWeightDecay' in o ? o.decoupledWeightDecay : false,
        ),
      );
      // 6 steps of ~5 float32 ops on O(1) weights with |buf| ≲ 1/(1 − μ) = 100: 1e-5 relative + 2e-6 absolute.
      assertAllClose(got, want, { rtol: 1e-5, atol: 2e-6, label });
    });
  }

  it('decoupledWeightDecay: with zero gradients θ_t = θ0·(1 − lr·λ)^t whatever μ; a noDecay variable keeps θ0', async () => {
    const zeros = Array.from({ length: 5 }, () => new Float64Array(6));
    const init = Float64Array.from([1, -2, 3, -4, 0.5, 8]);
    const got = await run(sgdMomentum({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.5, decoupledWeightDecay: true }), init, zeros, [2, 3]);
    // Five float32 multiplications by 0.95: ≤ 5 ulp relative (3e-7), so 1e-6 relative.
    assertAllClose(got, Array.from(init, (x) => x * 0.95 ** 5), { rtol: 1e-6, atol: 0, label: 'decay only' });
    const kept = await run(sgdMomentum({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.5, noDecay: /.*/ }), init, zeros, [2, 3]);
    expect(Array.from(kept)).toEqual(Array.from(init));
  });

  it("weight decay is coupled by default, as torch's: θ0 = 1, lr 0.1, μ 0.9, λ 0.5, zero gradients → 0.731375 after 3 steps", async () => {
    const zeros = Array.from({ length: 3 }, () => new Float64Array(4));
    const init = Float64Array.from([1, 1, 1, 1]);
    // torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.5) by hand: d = λθ enters the buffer:
    // θ1 = 1 − 0.1·0.5 = 0.95; buf2 = 0.45 + 0.475, θ2 = 0.8575; buf3 = 0.8325 + 0.42875, θ3 = 0.731375.
    const coupled = await run(sgdMomentum({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.5 }), init, zeros, [2, 2]);
    const decoupled = await run(sgdMomentum({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.5, decoupledWeightDecay: true }), init, zeros, [2, 2]);
    // ~10 float32 ops of O(1) values: 1e-6.
    for (const x of coupled) expect(x).toBeCloseTo(0.731375, 6);
    for (const x of decoupled) expect(x).toBeCloseTo(0.95 ** 3, 6); // 0.857375: the 0.1.x default
    expect(sgd64(1, [0, 0, 0], 0.1, 0.9, false, 0.5)).toBeCloseTo(0.731375, 14);
  });

  it('the decay is coupled after clipping, as torch (clip_grad_norm_ before step): g·clip + λθ enters the buffer', async () => {
    const init = Float64Array.from([3, 4]); // with g = θ, ‖g‖ = 5
    const g = [Float64Array.from([3, 4])];
    const got = await run(sgdMomentum({ learningRate: 0.1, weightDecay: 0.2, clipNorm: 1 }), init, g, [2]);
    const clip = 1 / (5 + 1e-6); // the guard's factor min(1, clipNorm/(‖g‖ + 1e-6))
    assertAllClose(got, Array.from(init, (x) => x - 0.1 * (x * clip + 0.2 * x)), { rtol: 1e-6, atol: 1e-7, label: 'clip then coupled decay' });
  });
});
