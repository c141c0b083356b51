/**
 * float64 log-sum-exp of a row-major [n, m] matrix along `axis` (1: per row → [n], 0: per column → [m]),
 * stabilised by the maximum: LSE(v) = max v + log Σ exp(v − max v).
 */
export function logSumExpReference(x: ArrayLike<number>, n: number, m: number, axis: 0 | 1): Float64Array {
  const outLen = axis === 1 ? n : m;
  const inner = axis === 1 ? m : n;
  const out = new Float64Array(outLen);
  for (let o = 0; o < outLen; o++) {
    let mx = -Infinity;
    for (let k = 0; k < inner; k++) mx = Math.max(mx, axis === 1 ? x[o * m + k]! : x[k * m + o]!);
    let s = 0;
    for (let k = 0; k < inner; k++) s += Math.exp((axis === 1 ? x[o * m + k]! : x[k * m + o]!) - mx);
    out[o] = mx + Math.log(s);
  }
  return out;
}
