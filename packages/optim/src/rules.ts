/**
 * The per-coordinate update of every optimizer as one fused rule, in three forms that must agree:
 * a typed-array loop (cpu/wasm/tensorflow backends), a WGSL body (webgpu, through `@lemma/gpu-kernels`'
 * `applyElementwiseRule`: every variable of a step in a few dispatches of one compute pass) and tfjs ops (any
 * other backend). Every coefficient that depends on the step only is computed on the host in float64 (the
 * optimizers' scalars, plus each rule's `derived` scalars such as 1 − β), so the WGSL body computes nothing
 * per element in float32 that is not per coordinate. On webgpu the optimizers pass `gscale` = 1 and give the
 * clip factor / non-finite skip to `applyElementwiseRule` as a device tensor (`gradScale`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ElementwiseRule } from '@lemma/gpu-kernels';

/** Scalars of one step, by name (see each rule's `scalars`). `gscale` multiplies the raw gradient (clipping). */
export type RuleScalars = Record<string, number>;

/**
 * A fused elementwise optimizer update: `@lemma/gpu-kernels`' {@link ElementwiseRule} (a WGSL body over `p`, `g`,
 * the slots and uniforms `s.<scalar>`, plus an in-place typed-array `cpu` loop, also usable in float64) extended
 * with `tf`, the same update as tfjs ops returning fresh tensors `[p', ...slots']` (for backends without WGSL).
 */
export interface FusedRule extends ElementwiseRule {
  /** The update needs more than elementwise work (Muon's matrix products): it always runs as tfjs ops. */
  opsOnly?: boolean;
  cpu(p: Float32Array | Float64Array, g: ArrayLike<number>, slots: (Float32Array | Float64Array)[], k: Readonly<RuleScalars>): void;
  tf(p: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], k: RuleScalars): tf.Tensor[];
}

/**
 * ADANA / Dana-MK4 (authors' mlexpos/adana `src/optim/adana.py::ADana._update_param_compiled`; arXiv 2602.05298's
 * text was not reachable, so no equation number). Scalars: a = δ/(δ+t), lr, lr3 = lr·γ3f, damp = (1+t)^(1−κ),
 * clip (3e38 = off), eps, decay = 1 − λ(t)·s(t), gscale.
 */
export const adanaRule: FusedRule = {
  name: 'adana',
  wasmSimd: 'adana',
  slots: ['m', 'v'],
  scalars: ['a', 'lr', 'lr3', 'damp', 'clip', 'eps', 'decay', 'gscale'],
  derived: { names: ['keepA'], compute: ({ a }) => ({ keepA: 1 - a! }) },
  wgsl: /* wgsl */ `
  let gi = g * s.gscale;
  m = m + s.a * (gi - m);
  v = s.keepA * v + s.a * (gi * gi);
  let D = sqrt(v) + V(s.eps);
  let A = min(s.damp * abs(m) / D, V(s.clip));
  p = (p - s.lr * gi / D - s.lr3 * (sign(m) * A + m / D)) * s.decay;`,
  cpu(p, g, [m, v], k) {
    const { a, lr, lr3, damp, clip, eps, decay, gscale } = k as Record<string, number>;
    const b = 1 - a!;
    const M = m!;
    const S = v!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * gscale!;
      // β1(t) = β2(t) = 1 − δ/(δ+t) (ADANA README "log-time momentum"; adana.py m.lerp_, v.mul_/addcmul_).
      const mi = M[i]! + a! * (gi - M[i]!);
      const vi = b * S[i]! + a! * gi * gi;
      const inv = 1 / (Math.sqrt(vi) + eps!);
      const r = mi * inv;
      // sign(m)·min(damp·|m|/D, clip) as one clamp of damp·m/D.
      const x = damp! * r;
      const c = x > clip! ? clip! : x < -clip! ? -clip! : x;
      // adana.py `g3_term`, then `p.mul_(1 + wd_factor)`; the "+ m/D" is in the code only, not the README rule.
      p[i] = (p[i]! - lr! * gi * inv - lr3! * (c + r)) * decay!;
      M[i] = mi;
      S[i] = vi;
    }
  },
  tf(p, g, [m, v], k) {
    const gi = tf.mul(g, k.gscale!);
    const mi = tf.add(m!, tf.mul(tf.sub(gi, m!), k.a!));
    const vi = tf.add(tf.mul(v!, 1 - k.a!), tf.mul(tf.square(gi), k.a!));
    const D = tf.add(tf.sqrt(vi), k.eps!);
    const A = tf.minimum(tf.div(tf.mul(tf.abs(mi), k.damp!), D), k.clip!);
    const mom = tf.mul(tf.add(tf.mul(tf.sign(mi), A), tf.div(mi, D)), k.lr3!);
    const step = tf.add(tf.div(tf.mul(gi, k.lr!), D), mom);
    return [tf.mul(tf.sub(p, step), k.decay!), mi, vi];
  },
};

/**
 * Dana-Star(-MK4) (authors' `src/optim/dana_star_mk4.py::DANA_STAR_MK4._update_param_compiled`; no equation
 * number, paper text not reachable): per-coordinate τ estimates how often a gradient is nonzero and rescales
 * time. Scalars: a, lr, lr3, t, ek = 1 − κ, clip, eps, decay, tmin = 1/(1+t), gscale.
 */
export const danaStarRule: FusedRule = {
  name: 'dana_star',
  slots: ['m', 'v', 'tau'],
  scalars: ['a', 'lr', 'lr3', 't', 'ek', 'clip', 'eps', 'decay', 'tmin', 'gscale'],
  derived: { names: ['keepA'], compute: ({ a }) => ({ keepA: 1 - a! }) },
  wgsl: /* wgsl */ `
  let gi = g * s.gscale;
  m = m + s.a * (gi - m);
  v = s.keepA * v + s.a * (gi * gi);
  let sv = sqrt(v);
  tau = s.keepA * tau + s.a * (abs(gi) / (abs(gi) + sv + V(s.eps)));
  let tc = min(tau, V(0.5));
  let treg = max(tc / (V(1.0) - tc), V(s.tmin));
  let effT = max(tau * s.t, V(1.0));
  let N = sqrt(treg) / (sv + V(s.eps));
  let A = min(pow(effT, V(s.ek)) * abs(m) * N / treg, V(s.clip));
  p = (p - s.lr * gi * N - s.lr3 * (treg * sign(m) * A + m * N)) * s.decay;`,
  cpu(p, g, [m, v, tau], k) {
    const { a, lr, lr3, t, ek, clip, eps, decay, tmin, gscale } = k as Record<string, number>;
    const b = 1 - a!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * gscale!;
      const mi = m![i]! + a! * (gi - m![i]!);
      const vi = b * v![i]! + a! * gi * gi;
      const sv = Math.sqrt(vi);
      // τ ← lerp(τ, |g|/(|g|+√v+ε), a), τ_reg, eff_t: dana_star_mk4.py (`tau.lerp_`, `p_estimate`, `effective_time`).
      const ti = b * tau![i]! + a! * (Math.abs(gi) / (Math.abs(gi) + sv + eps!));
      const tc = Math.min(ti, 0.5);
      const treg = Math.max(tc / (1 - tc), tmin!);
      const effT = Math.max(ti * t!, 1);
      const N = Math.sqrt(treg) / (sv + eps!);
      const A = Math.min((Math.pow(effT, ek!) * Math.abs(mi) * N) / treg, clip!);
      p[i] = (p[i]! - lr! * gi * N - lr3! * (treg * Math.sign(mi) * A + mi * N)) * decay!;
      m![i] = mi;
      v![i] = vi;
      tau![i] = ti;
    }
  },
  tf(p, g, [m, v, tau], k) {
    const a = k.a!;
    const b = 1 - k.a!;
    const gi = tf.mul(g, k.gscale!);
    const mi = tf.add(m!, tf.mul(tf.sub(gi, m!), a));
    const vi = tf.add(tf.mul(v!, b), tf.mul(tf.square(gi), a));
    const sv = tf.sqrt(vi);
    const ag = tf.abs(gi);
    const ti = tf.add(tf.mul(tau!, b), tf.mul(tf.div(ag, tf.add(tf.add(ag, sv), k.eps!)), a));
    const tc = tf.minimum(ti, 0.5);
    const treg = tf.maximum(tf.div(tc, tf.sub(1, tc)), k.tmin!);
    const effT = tf.maximum(tf.mul(ti, k.t!), 1);
    const N = tf.div(tf.sqrt(treg), tf.add(sv, k.eps!));
    const A = tf.minimum(tf.div(tf.mul(tf.mul(tf.pow(effT, k.ek!), tf.abs(mi)), N), treg), k.clip!);
    const mom = tf.mul(tf.add(tf.mul(tf.mul(treg, tf.sign(mi)), A), tf.mul(mi, N)), k.lr3!);
    const step = tf.add(tf.mul(tf.mul(gi, N), k.lr!), mom);
    return [tf.mul(tf.sub(p, step), k.decay!), mi, vi, ti];
  },
};

/**
 * DANA (2505.16098): y ← keep·y + γ1 g; θ ← (θ − γ2 g − γ3 y)·decay. Scalars: keep = 1 − Δ(t), g1, g2, g3, decay, gscale.
 * The paper's Gen-Mom-SGD (equation number unknown: paper text not reachable), as LosVolterrosHermanos/Experimental
 * `power_law_rf/optimizers.py::dana_optimizer` `update_fn`; `decay` is ours (that code has no weight decay).
 */
export const danaRule: FusedRule = {
  name: 'dana',
  slots: ['y'],
  scalars: ['keep', 'g1', 'g2', 'g3', 'decay', 'gscale'],
  wgsl: /* wgsl */ `
  let gi = g * s.gscale;
  y = s.keep * y + s.g1 * gi;
  p = (p - s.g2 * gi - s.g3 * y) * s.decay;`,
  cpu(p, g, [y], k) {
    const { keep, g1, g2, g3, decay, gscale } = k as Record<string, number>;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * gscale!;
      const yi = keep! * y![i]! + g1! * gi;
      p[i] = (p[i]! - g2! * gi - g3! * yi) * decay!;
      y![i] = yi;
    }
  },
  tf(p, g, [y], k) {
    const gi = tf.mul(g, k.gscale!);
    const yi = tf.add(tf.mul(y!, k.keep!), tf.mul(gi, k.g1!));
    return [tf.mul(tf.sub(tf.sub(p, tf.mul(gi, k.g2!)), tf.mul(yi, k.g3!)), k.decay!), yi];
  },
};

/**
 * AdamW in PyTorch's form: θ ← θ·decay − stepSize·m/(√v·ibc2 + ε), decay = 1 − lr·λ, stepSize = lr/(1−β1^t),
 * ibc2 = 1/√(1−β2^t). Scalars: b1, b2, stepSize, ibc2, eps, decay, gscale.
 * Source: torch.optim.AdamW docs' algorithm (no paper equation; not from the ADANA/DANA papers).
 */
export const adamwRule: FusedRule = {
  name: 'adamw',
  wasmSimd: 'adamw',
  slots: ['m', 'v'],
  scalars: ['b1', 'b2', 'stepSize', 'ibc2', 'eps', 'decay', 'gscale'],
  derived: { names: ['c1', 'c2'], compute: ({ b1, b2 }) => ({ c1: 1 - b1!, c2: 1 - b2! }) },
  wgsl: /* wgsl */ `
  let gi = g * s.gscale;
  m = s.b1 * m + s.c1 * gi;
  v = s.b2 * v + s.c2 * (gi * gi);
  p = p * s.decay - s.stepSize * m / (sqrt(v) * s.ibc2 + V(s.eps));`,
  cpu(p, g, [m, v], k) {
    const { b1, b2, stepSize, ibc2, eps, decay, gscale } = k as Record<string, number>;
    const c1 = 1 - b1!;
    const c2 = 1 - b2!;
    const M = m!;
    const S = v!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * gscale!;
      const mi = b1! * M[i]! + c1 * gi;
      const vi = b2! * S[i]! + c2 * gi * gi;
      p[i] = p[i]! * decay! - (stepSize! * mi) / (Math.sqrt(vi) * ibc2! + eps!);
      M[i] = mi;
      S[i] = vi;
    }
  },
  tf(p, g, [m, v], k) {
    const gi = tf.mul(g, k.gscale!);
    const mi = tf.add(tf.mul(m!, k.b1!), tf.mul(gi, 1 - k.b1!));
    const vi = tf.add(tf.mul(v!, k.b2!), tf.mul(tf.square(gi), 1 - k.b2!));
    const denom = tf.add(tf.mul(tf.sqrt(vi), k.ibc2!), k.eps!);
    return [tf.sub(tf.mul(p, k.decay!), tf.div(tf.mul(mi, k.stepSize!), denom)), mi, vi];
  },
};

/**
 * AdEMAMix (2409.03137, official PyTorch): θ ← θ·decay − lr·(m1·ibc1 + α·m2)/(√v·ibc2 + ε).
 * Scalars: b1, b2, b3, alpha, lr, ibc1 = 1/(1−β1^t), ibc2, eps, decay, gscale.
 */
export const ademamixRule: FusedRule = {
  // AdEMAMix paper (arXiv 2409.03137) Alg. 1, terms as apple/ml-ademamix `pytorch/ademamix.py::AdEMAMix.step`; α(t), β3(t) from the caller.
  name: 'ademamix',
  slots: ['m1', 'm2', 'v'],
  scalars: ['b1', 'b2', 'b3', 'alpha', 'lr', 'ibc1', 'ibc2', 'eps', 'decay', 'gscale'],
  derived: { names: ['c1', 'c2', 'c3'], compute: ({ b1, b2, b3 }) => ({ c1: 1 - b1!, c2: 1 - b2!, c3: 1 - b3! }) },
  wgsl: /* wgsl */ `
  let gi = g * s.gscale;
  m1 = s.b1 * m1 + s.c1 * gi;
  m2 = s.b3 * m2 + s.c3 * gi;
  v = s.b2 * v + s.c2 * (gi * gi);
  p = p * s.decay - s.lr * (m1 * s.ibc1 + s.alpha * m2) / (sqrt(v) * s.ibc2 + V(s.eps));`,
  cpu(p, g, [m1, m2, v], k) {
    const { b1, b2, b3, alpha, lr, ibc1, ibc2, eps, decay, gscale } = k as Record<string, number>;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * gscale!;
      const a1 = b1! * m1![i]! + (1 - b1!) * gi;
      const a2 = b3! * m2![i]! + (1 - b3!) * gi;
      const vi = b2! * v![i]! + (1 - b2!) * gi * gi;
      p[i] = p[i]! * decay! - (lr! * (a1 * ibc1! + alpha! * a2)) / (Math.sqrt(vi) * ibc2! + eps!);
      m1![i] = a1;
      m2![i] = a2;
      v![i] = vi;
    }
  },
  tf(p, g, [m1, m2, v], k) {
    const gi = tf.mul(g, k.gscale!);
    const a1 = tf.add(tf.mul(m1!, k.b1!), tf.mul(gi, 1 - k.b1!));
    const a2 = tf.add(tf.mul(m2!, k.b3!), tf.mul(gi, 1 - k.b3!));
    const vi = tf.add(tf.mul(v!, k.b2!), tf.mul(tf.square(gi), 1 - k.b2!));
    const num = tf.mul(tf.add(tf.mul(a1, k.ibc1!), tf.mul(a2, k.alpha!)), k.lr!);
    const denom = tf.add(tf.mul(tf.sqrt(vi), k.ibc2!), k.eps!);
    return [tf.sub(tf.mul(p, k.decay!), tf.div(num, denom)), a1, a2, vi];
  },
};

/**
 * SGD with (Nesterov) momentum, torch.optim.SGD's form (dampening 0), with both kinds of weight decay: g ← g·gscale
 * + wd·θ (torch's coupled `weight_decay`), buf ← μ·buf + g, θ ← θ·decay − lr·(nesterov ? g + μ·buf : buf) (decay =
 * 1 − lr·λ for decoupled decay). Scalars: mu, lr, nesterov (0|1), decay, wd, gscale.
 * torch.optim.SGD's buffer (also Muon's, mlexpos/adana `src/optim/muon.py::Muon.step`); no paper equation.
 */
export const sgdMomentumRule: FusedRule = {
  name: 'sgd_momentum',
  slots: ['buf'],
  scalars: ['mu', 'lr', 'nesterov', 'decay', 'wd', 'gscale'],
  wgsl: /* wgsl */ `
  let gi = g * s.gscale + s.wd * p;
  buf = s.mu * buf + gi;
  var d = buf;
  if (s.nesterov > 0.5) { d = gi + s.mu * buf; }
  p = p * s.decay - s.lr * d;`,
  cpu(p, g, [buf], k) {
    const { mu, lr, nesterov, decay, wd, gscale } = k as Record<string, number>;
    const nest = nesterov! > 0.5;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * gscale! + wd! * p[i]!;
      const bi = mu! * buf![i]! + gi;
      const d = nest ? gi + mu! * bi : bi;
      p[i] = p[i]! * decay! - lr! * d;
      buf![i] = bi;
    }
  },
  tf(p, g, [buf], k) {
    const gi = tf.add(tf.mul(g, k.gscale!), tf.mul(p, k.wd!));
    const bi = tf.add(tf.mul(buf!, k.mu!), gi);
    const d = k.nesterov! > 0.5 ? tf.add(gi, tf.mul(bi, k.mu!)) : bi;
    return [tf.sub(tf.mul(p, k.decay!), tf.mul(d, k.lr!)), bi];
  },
};

/** Largest float32 value: stands for "no clip" in uniforms, where Infinity is awkward. */
export const NO_CLIP = 3.4e38;
