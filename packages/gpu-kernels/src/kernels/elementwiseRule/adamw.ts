import type { ElementwiseRule } from './types';

/**
 * AdamW (Loshchilov & Hutter 2019, Algorithm 2) in PyTorch's form: p ← p·(1 − lr·wd) − (lr/bc1)·m/(√(v/bc2) + eps),
 * with m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², bc_k = 1 − β_k^step (step starts at 1).
 * Slots: m, v (zeros initially). Scalars: lr, beta1, beta2, eps, weightDecay, step.
 */
export const adamWRule: ElementwiseRule = {
  name: 'adamw',
  slots: ['m', 'v'],
  scalars: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'step'],
  wgsl: /* wgsl */ `
    m = s.beta1 * m + (1.0 - s.beta1) * g;
    v = s.beta2 * v + (1.0 - s.beta2) * (g * g);
    let bc1 = 1.0 - pow(s.beta1, s.step);
    let bc2 = 1.0 - pow(s.beta2, s.step);
    p = p * (1.0 - s.lr * s.weightDecay) - (s.lr / bc1) * m / (sqrt(v / bc2) + V(s.eps));`,
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
