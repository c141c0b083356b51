import { expectFiniteValues, expectInteger, expectNumberArray, expectObject } from '@lemma/gpu-kernels/validate';
import type { Params } from './params';
import { checkSpec, type PermutationSpec } from './permutation-spec';
import { viewShape } from './permute';
import { unitRows } from './weight-matching';

/** Dim(S) = tr(S)² / tr(S²) of a symmetric positive semi-definite n x n matrix (the participation ratio). */
// Ferbach et al.'s "approximate dimension" (experiments; damienferbach/OT_LMC notebook); no equation number in the notes.
export function approximateDimension(n: number, S: ArrayLike<number>): number {
  expectInteger('approximateDimension', 'n', n, { min: 0 });
  expectNumberArray('approximateDimension', 'S', S);
  if (S.length !== n * n) throw new Error(`approximateDimension: S must be ${n}x${n} (${n * n} values), got ${S.length}`);
  expectFiniteValues('approximateDimension', 'S', S);
  let tr = 0;
  let tr2 = 0;
  for (let i = 0; i < n; i++) tr += S[i * n + i]!;
  // tr(S²) = ||S||_F² for symmetric S.
  for (let k = 0; k < S.length; k++) tr2 += S[k]! * S[k]!;
  return tr2 === 0 ? 0 : (tr * tr) / tr2;
}

/**
 * Approximate dimension of the support of a layer's weight rows w_1..w_n ∈ R^d (Ferbach et al.'s experiments):
 * Dim(S) with S = (1/n) Σ_i w_i w_iᵀ (∝ WᵀW of the OT_LMC notebook), computed through the smaller of the two Gram matrices (same nonzero spectrum).
 * Between 1 (all rows on one line) and min(n, d) (isotropic).
 */
export function weightSupportDimension(rows: number, cols: number, W: ArrayLike<number>): number {
  // Ferbach et al. Thm 5.4: weights near a k-dim subspace (Assumption 8) need widths set by k, not the input dimension.
  expectInteger('weightSupportDimension', 'rows', rows, { min: 0 });
  expectInteger('weightSupportDimension', 'cols', cols, { min: 0 });
  expectNumberArray('weightSupportDimension', 'W', W);
  if (W.length !== rows * cols) throw new Error(`weightSupportDimension: W must have rows*cols = ${rows * cols} values, got ${W.length}`);
  expectFiniteValues('weightSupportDimension', 'W', W);
  const byRows = rows <= cols;
  const m = byRows ? rows : cols;
  const G = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = a; b < m; b++) {
      let s = 0;
      if (byRows) for (let k = 0; k < cols; k++) s += W[a * cols + k]! * W[b * cols + k]!;
      else for (let k = 0; k < rows; k++) s += W[k * cols + a]! * W[k * cols + b]!;
      G[a * m + b] = s;
      G[b * m + a] = s;
    }
  return approximateDimension(m, G);
}

/** Dim(S) of the incoming weights (kernel rows, one per unit) of every permutation's producing layer. */
export function layerDimensions(params: Params, spec: PermutationSpec): Record<string, number> {
  checkSpec('layerDimensions', 'spec', spec);
  expectObject('layerDimensions', 'params', params, 'a Params record');
  const out: Record<string, number> = {};
  for (const name of Object.keys(spec.perms)) {
    // The kernel: the first parameter with `name` on its last axis and more than one axis.
    const entry = Object.entries(spec.params).find(([, pa]) => pa.axes.length > 1 && pa.axes[pa.axes.length - 1] === name);
    if (!entry) continue;
    const [key, pa] = entry;
    const p = params[key];
    if (!p) throw new Error(`layerDimensions: params is missing '${key}'`);
    const view = viewShape('layerDimensions', key, p, pa);
    expectFiniteValues('layerDimensions', `params['${key}'].values`, p.values);
    const r = unitRows(p.values, view, view.length - 1);
    out[name] = weightSupportDimension(r.n, r.r, r.data);
  }
  return out;
}
