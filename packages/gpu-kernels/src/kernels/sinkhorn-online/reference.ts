import { pairwiseReference } from '../pairwise/reference';
import { sinkhornHalfStepReference } from '../sinkhorn/reference';

/**
 * float64 reference of the online half step, built from the materialised references: C_ij = ‖x_i − y_j‖² in
 * float64 (x [n, d], y [m, d] row-major), then the log-domain half step of `sinkhornHalfStepReference` on C.
 * Tests only: it allocates the n×m matrix the online kernels never form.
 */
export function sinkhornOnlineHalfStepReference(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  m: number,
  d: number,
  potential: ArrayLike<number>,
  logMarginal: ArrayLike<number> | null,
  eps: number,
  axis: 'rows' | 'cols',
  logWeights: ArrayLike<number> | null = null,
): Float64Array {
  const c = pairwiseReference('sqdist', x, y, 1, n, m, d);
  return sinkhornHalfStepReference(c, n, m, potential, logMarginal, eps, axis, logWeights);
}
