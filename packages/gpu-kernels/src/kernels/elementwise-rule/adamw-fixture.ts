import type { ElementwiseRule } from './kernel';

// A fixture for this folder's tests and bench/gpu.ts only (not exported): the library's AdamW is @lemma/optim's
// `adamwRule`, which gpu-kernels cannot import (optim depends on gpu-kernels).

/**
 * AdamW (Loshchilov & Hutter 2019, Algorithm 2) in PyTorch's form: p ← p·(1 − lr·wd) − (lr/bc1)·m/(√(v/bc2) + eps),
 * with m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², bc_k = 1 − β_k^step (step starts at 1).
 * Slots: m, v (zeros initially). Scalars: lr, beta1, beta2, eps, weightDecay, step.
 */
export const adamWRule: ElementwiseRule = {
  name: 'adamw',
  slots: ['m', 'v'],
  scalars: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'step'],
  // 1 - beta and the bias corrections in float64 on the host, as PyTorch does (f32 1 - 0.999 is off by 5e-5).
  derived: {
    names: ['oneMinusBeta1', 'oneMinusBeta2', 'stepSize', 'invSqrtBc2', 'decay'],
    compute: ({ lr, beta1, beta2, weightDecay, step }) => ({
      oneMinusBeta1: 1 - beta1!,
      oneMinusBeta2: 1 - beta2!,
      stepSize: lr! / (1 - beta1! ** step!),
      invSqrtBc2: 1 / Math.sqrt(1 - beta2! ** step!),
      decay: 1 - lr! * weightDecay!,
    }),
  },
  wgsl: /* wgsl */ `
    m = s.beta1 * m + s.oneMinusBeta1 * g;
    v = s.beta2 * v + s.oneMinusBeta2 * (g * g);
    p = p * s.decay - s.stepSize * m / (sqrt(v) * s.invSqrtBc2 + V(s.eps));`,
  cpu(p, g, [m, v], s) {
    const { lr, beta1, beta2, eps, weightDecay, step } = s as Record<string, number>;
    const bc1 = 1 - beta1! ** step!;
    const bc2 = 1 - beta2! ** step!;
    const decay = 1 - lr! * weightDecay!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const mi = beta1! * m![i]! + (1 - beta1!) * gi;
      const vi = beta2! * v![i]! + (1 - beta2!) * gi * gi;
      m![i] = mi;
      v![i] = vi;
      p[i] = p[i]! * decay - ((lr! / bc1) * mi) / (Math.sqrt(vi / bc2) + eps!);
    }
  },
};
