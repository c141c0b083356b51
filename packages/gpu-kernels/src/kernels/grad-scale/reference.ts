/**
 * float64 reference of a step's gradient scale: min(1, clipNorm/(‖g‖ + 1e-6)) over all gradients together (1
 * without clipping), and 0 when any entry is NaN or ±Inf (the step is skipped).
 */
export function gradScaleReference(grads: readonly ArrayLike<number>[], clipNorm: number | undefined): number {
  let sumSq = 0;
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      const x = g[i]!;
      if (!Number.isFinite(x)) return 0;
      sumSq += x * x;
    }
  }
  return clipNorm === undefined ? 1 : Math.min(1, clipNorm / (Math.sqrt(sumSq) + 1e-6));
}
