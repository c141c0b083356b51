/**
 * float64 log-domain Sinkhorn half step of the kernel (ot-matching notes §5.9), used by the kernel-level tests:
 * rows: f_i = eps·logm_i − eps·LSE_j(logw_j + (g_j − C_ij)/eps), cols likewise over i, with `logMarginal` (logm,
 * the absorbed form) and `logWeights` (logw, the KL form of ot-matching) each 0 when null / omitted. The solver's
 * float64 reference is ot-matching's `sinkhornF64`.
 */
export function sinkhornHalfStepReference(
  c: ArrayLike<number>,
  n: number,
  m: number,
  potential: ArrayLike<number>,
  logMarginal: ArrayLike<number> | null,
  eps: number,
  axis: 'rows' | 'cols',
  logWeights: ArrayLike<number> | null = null,
): Float64Array {
  const rows = axis === 'rows';
  const outLen = rows ? n : m;
  const inner = rows ? m : n;
  const out = new Float64Array(outLen);
  for (let o = 0; o < outLen; o++) {
    let mx = -Infinity;
    const v = new Float64Array(inner);
    for (let k = 0; k < inner; k++) {
      const cij = rows ? c[o * m + k]! : c[k * m + o]!;
      v[k] = (potential[k]! - cij) / eps + (logWeights ? logWeights[k]! : 0);
      mx = Math.max(mx, v[k]!);
    }
    let s = 0;
    for (let k = 0; k < inner; k++) s += Math.exp(v[k]! - mx);
    out[o] = eps * (logMarginal ? logMarginal[o]! : 0) - eps * (mx + Math.log(s));
  }
  return out;
}

/** float64 transport plan P_ij = exp((f_i + g_j − C_ij)/eps). */
export function sinkhornPlanReference(c: ArrayLike<number>, n: number, m: number, f: ArrayLike<number>, g: ArrayLike<number>, eps: number): Float64Array {
  const p = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) p[i * m + j] = Math.exp((f[i]! + g[j]! - c[i * m + j]!) / eps);
  return p;
}

/**
 * float64 `iterations` alternating half steps ('rows' then 'cols') from g0 (zeros when omitted), the reference of
 * the `sinkhornIterations` kernel in either potential convention ('absorbed' by default, or 'kl').
 */
export function sinkhornIterationsReference(
  c: ArrayLike<number>,
  n: number,
  m: number,
  logA: ArrayLike<number>,
  logB: ArrayLike<number>,
  eps: number,
  iterations: number,
  g0?: ArrayLike<number>,
  convention: 'kl' | 'absorbed' = 'absorbed',
): { f: Float64Array; g: Float64Array } {
  let g: Float64Array = Float64Array.from(g0 ?? new Float64Array(m));
  let f: Float64Array = new Float64Array(n);
  const kl = convention === 'kl';
  for (let k = 0; k < iterations; k++) {
    f = kl ? sinkhornHalfStepReference(c, n, m, g, null, eps, 'rows', logB) : sinkhornHalfStepReference(c, n, m, g, logA, eps, 'rows');
    g = kl ? sinkhornHalfStepReference(c, n, m, f, null, eps, 'cols', logA) : sinkhornHalfStepReference(c, n, m, f, logB, eps, 'cols');
  }
  return { f, g };
}

/** float64 L1 marginal violations ‖P·1 − a‖₁ and ‖Pᵀ·1 − b‖₁ of P_ij = exp((f_i + g_j − C_ij)/eps). */
export function sinkhornMarginalErrorsReference(
  c: ArrayLike<number>,
  n: number,
  m: number,
  f: ArrayLike<number>,
  g: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  eps: number,
): { rows: number; cols: number } {
  const col = new Float64Array(m);
  let rows = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      const p = Math.exp((f[i]! + g[j]! - c[i * m + j]!) / eps);
      s += p;
      col[j] += p;
    }
    rows += Math.abs(s - a[i]!);
  }
  let cols = 0;
  for (let j = 0; j < m; j++) cols += Math.abs(col[j]! - b[j]!);
  return { rows, cols };
}
