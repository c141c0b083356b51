/** AdamW hyperparameters of {@link adamWReference}. */
export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/**
 * float64 AdamW over a sequence of gradients, with torch.optim.AdamW's semantics (Loshchilov & Hutter 2019,
 * Algorithm 2; decoupled decay applied first, bias-corrected moments, step counted from 1), written independently
 * of the rules' `cpu` loops: p ← p − lr·wd·p; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + eps). Returns the parameters after the last step.
 */
export function adamWReference(p0: ArrayLike<number>, gs: readonly ArrayLike<number>[], h: AdamWHyper): Float64Array {
  const p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  gs.forEach((g, t) => {
    const step = t + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] = p[i]! - h.lr * h.weightDecay * p[i]!;
      m[i] = h.beta1 * m[i]! + (1 - h.beta1) * g[i]!;
      v[i] = h.beta2 * v[i]! + (1 - h.beta2) * g[i]! ** 2;
      const mHat = m[i]! / (1 - h.beta1 ** step);
      const vHat = v[i]! / (1 - h.beta2 ** step);
      p[i] = p[i]! - (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
    }
  });
  return p;
}

/** float64 exponential moving average m ← β m + (1 − β) g over the gradients from m = 0 (AdamW's first moment). */
export function emaReference(gs: readonly ArrayLike<number>[], beta: number): Float64Array {
  const m = new Float64Array(gs[0]?.length ?? 0);
  for (const g of gs) for (let k = 0; k < m.length; k++) m[k] = beta * m[k]! + (1 - beta) * g[k]!;
  return m;
}

/**
 * float64 heavy-ball momentum (the tests' custom rule): buf ← μ·buf + g; p ← p − lr·buf, per step with its own
 * (lr, μ). Returns the parameters and the buffer after the last step.
 */
export function momentumReference(p0: ArrayLike<number>, gs: readonly ArrayLike<number>[], steps: readonly { lr: number; mu: number }[]): { p: Float64Array; buf: Float64Array } {
  const p = Float64Array.from(p0);
  const buf = new Float64Array(p.length);
  gs.forEach((g, t) => {
    const { lr, mu } = steps[t]!;
    for (let i = 0; i < p.length; i++) {
      buf[i] = mu * buf[i]! + g[i]!;
      p[i] = p[i]! - lr * buf[i]!;
    }
  });
  return { p, buf };
}
