/** Limited-memory BFGS on Float64Arrays (two-loop recursion, backtracking Armijo line search). */
// Standard L-BFGS (Nocedal's two-loop recursion); used for Chinchilla Approach 3's Huber fit.

/** Objective: returns f(x) and writes the gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** History length m (default 10). */
  memory?: number;
  /** Maximum iterations (default 500). */
  maxIterations?: number;
  /** Stop when ||grad||_inf <= gradTol (default 1e-10). */
  gradTol?: number;
  /** Stop when the relative decrease of f over one iteration is below fTol (default 1e-14). */
  fTol?: number;
}

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
}

/** Minimises `objective` from `x0` with L-BFGS. */
export function minimizeLbfgs(objective: Objective, x0: ArrayLike<number>, opts: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const m = opts.memory ?? 10;
  const maxIt = opts.maxIterations ?? 500;
  const gTol = opts.gradTol ?? 1e-10;
  const fTol = opts.fTol ?? 1e-14;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  if (!Number.isFinite(f)) throw new Error(`minimizeLbfgs: objective must be finite at x0, got ${f}`);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rhos: number[] = [];
  const dir = new Float64Array(n);
  const alphas = new Float64Array(m);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax <= gTol) {
      converged = true;
      break;
    }
    // Two-loop recursion: dir = -H g.
    for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      let a = 0;
      for (let i = 0; i < n; i++) a += S[k]![i]! * dir[i]!;
      a *= rhos[k]!;
      alphas[k] = a;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! - a * Y[k]![i]!;
    }
    if (S.length > 0) {
      const k = S.length - 1;
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k]![i]! * Y[k]![i]!;
        yy += Y[k]![i]! * Y[k]![i]!;
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * gamma;
    } else {
      // First step: unit-length steepest descent scaled to the gradient.
      const s = 1 / Math.max(1, gmax);
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * s;
    }
    for (let k = 0; k < S.length; k++) {
      let b = 0;
      for (let i = 0; i < n; i++) b += Y[k]![i]! * dir[i]!;
      b *= rhos[k]!;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! + S[k]![i]! * (alphas[k]! - b);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i]! * dir[i]!;
    if (!(slope < 0)) {
      // Not a descent direction: reset the memory and use steepest descent.
      S.length = 0;
      Y.length = 0;
      rhos.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]! / Math.max(1, gmax);
      slope = 0;
      for (let i = 0; i < n; i++) slope += g[i]! * dir[i]!;
    }
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = objective(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f)) break; // line search failed: at numerical optimum
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    const rel = (f - fNew) / Math.max(Math.abs(f), 1e-300);
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (sy > 1e-300) {
      S.push(s);
      Y.push(y);
      rhos.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rhos.shift();
      }
    }
    if (rel < fTol) {
      converged = true;
      it++;
      break;
    }
  }
  return { x, f, iterations: it, converged };
}
