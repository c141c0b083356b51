/**
 * float64 log-domain Sinkhorn half step (ot-matching notes §5.9):
 * rows: f_i = eps·log a_i − eps·LSE_j((g_j − C_ij)/eps); cols: g_j = eps·log b_j − eps·LSE_i((f_i − C_ij)/eps).
 */
export function sinkhornHalfStepReference(
  c: ArrayLike<number>,
  n: number,
  m: number,
  potential: ArrayLike<number>,
  logMarginal: ArrayLike<number>,
  eps: number,
  axis: 'rows' | 'cols',
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
      v[k] = (potential[k]! - cij) / eps;
      mx = Math.max(mx, v[k]!);
    }
    let s = 0;
    for (let k = 0; k < inner; k++) s += Math.exp(v[k]! - mx);
    out[o] = eps * logMarginal[o]! - eps * (mx + Math.log(s));
  }
  return out;
}

/** float64 transport plan P_ij = exp((f_i + g_j − C_ij)/eps). */
export function sinkhornPlanReference(c: ArrayLike<number>, n: number, m: number, f: ArrayLike<number>, g: ArrayLike<number>, eps: number): Float64Array {
  const p = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) p[i * m + j] = Math.exp((f[i]! + g[j]! - c[i * m + j]!) / eps);
  return p;
}
