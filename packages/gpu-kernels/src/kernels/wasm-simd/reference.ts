/** Scalars of one update, by name (those of the SIMD kernels: see `WasmSimdKernels.update`). */
type RuleScalars = Readonly<Record<string, number>>;

/** An update of (p, m, v) in place from g. */
type Update = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: RuleScalars) => void;

/**
 * The float64 references of the SIMD updates: the JavaScript loops of @lemma/optim's adamwRule / adanaRule `cpu`
 * (float64 per coordinate, rounded once when stored), restated here because gpu-kernels cannot import optim;
 * optim's own tests run its rules through these kernels.
 */
export const simdUpdateReference: Record<'adamw' | 'adana', Update> = {
  adamw(p, g, m, v, k) {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * k.gscale!;
      const mi = k.b1! * m[i]! + (1 - k.b1!) * gi;
      const vi = k.b2! * v[i]! + (1 - k.b2!) * gi * gi;
      p[i] = p[i]! * k.decay! - (k.stepSize! * mi) / (Math.sqrt(vi) * k.ibc2! + k.eps!);
      m[i] = mi;
      v[i] = vi;
    }
  },
  adana(p, g, m, v, k) {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * k.gscale!;
      const mi = m[i]! + k.a! * (gi - m[i]!);
      const vi = (1 - k.a!) * v[i]! + k.a! * gi * gi;
      const inv = 1 / (Math.sqrt(vi) + k.eps!);
      const r = mi * inv;
      const x = k.damp! * r;
      const c = x > k.clip! ? k.clip! : x < -k.clip! ? -k.clip! : x;
      p[i] = (p[i]! - k.lr! * gi * inv - k.lr3! * (c + r)) * k.decay!;
      m[i] = mi;
      v[i] = vi;
    }
  },
};

const f = Math.fround;

/**
 * The same updates of one coordinate in float32 (Math.fround after every operation, in the rules' `cpu`
 * operation order): what the SIMD lanes compute bit for bit. Returns [p, m, v].
 */
export const simdUpdateFloat32: Record<'adamw' | 'adana', (p: number, g: number, m: number, v: number, k: RuleScalars) => [number, number, number]> = {
  adamw(p, g, m, v, k) {
    const [b1, b2, sc, ib, ep, dc, gs, c1, c2] = [k.b1!, k.b2!, k.stepSize!, k.ibc2!, k.eps!, k.decay!, k.gscale!, 1 - k.b1!, 1 - k.b2!].map(f) as number[];
    const gi = f(g * gs!);
    const mi = f(f(b1! * m) + f(c1! * gi));
    const vi = f(f(b2! * v) + f(f(c2! * gi) * gi));
    return [f(f(p * dc!) - f(f(sc! * mi) / f(f(f(Math.sqrt(vi)) * ib!) + ep!))), mi, vi];
  },
  adana(p, g, m, v, k) {
    const [a, kA, lr, lr3, damp, clip, ep, dc, gs] = [k.a!, 1 - k.a!, k.lr!, k.lr3!, k.damp!, k.clip!, k.eps!, k.decay!, k.gscale!].map(f) as number[];
    const gi = f(g * gs!);
    const mi = f(m + f(a! * f(gi - m)));
    const vi = f(f(kA! * v) + f(f(a! * gi) * gi));
    const inv = f(1 / f(f(Math.sqrt(vi)) + ep!));
    const r = f(mi * inv);
    const x = f(damp! * r);
    const c = Math.min(clip!, Math.max(-clip!, x));
    return [f(f(f(p - f(f(lr! * gi) * inv)) - f(lr3! * f(c + r))) * dc!), mi, vi];
  },
};

/** Σ g² in float64 (left to right). */
export function sumSqReference(g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return s;
}
