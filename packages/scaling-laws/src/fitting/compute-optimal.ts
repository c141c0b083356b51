/**
 * Compute-optimal frontier by isoFLOP minimisation: with flops f = t d, P*(f) = min_d P_d(f / d) over a
 * family of loss curves (one per model size d), and d*(f) its argmin (refined by a parabola in log d).
 * The isoFLOP envelope is Chinchilla Approach 1 as 4+3 used it (no equation number); the parabola refinement is ours.
 */
import { fitPowerLaw, interpLogLog, type PowerLawFit } from './powerlaw-fit';

/** One model size's loss curve. */
export interface SizedCurve {
  d: number;
  steps: ArrayLike<number>;
  risk: ArrayLike<number>;
}

/** The frontier on a flop grid. */
export interface ComputeOptimalFrontier {
  flops: Float64Array;
  /** min_d P(f/d, d). */
  risk: Float64Array;
  /** Argmin d (continuous: parabola through the three best sizes in log-log). */
  dStar: Float64Array;
  /** True where the minimum is at an interior size (not the smallest or largest d tried). */
  interior: Uint8Array;
}

/** Options of {@link computeOptimalFrontier}. */
export interface FrontierOptions {
  /** Flop grid; default 40 log-spaced points spanning the curves. */
  flops?: number[];
}

/** isoFLOP minimisation over the sizes in `curves` (sorted by d internally). */
export function computeOptimalFrontier(curves: SizedCurve[], opts: FrontierOptions = {}): ComputeOptimalFrontier {
  const fn = 'computeOptimalFrontier';
  if (curves.length < 3) throw new Error(`${fn}: curves must hold at least 3 model sizes, got ${curves.length}`);
  const cs = [...curves].sort((a, b) => a.d - b.d);
  // Grid from the largest size's first step to the furthest horizon; sizes beyond their horizon drop out.
  const fLo = cs[cs.length - 1]!.d;
  const fHi = Math.max(...cs.map((c) => c.d * c.steps[c.steps.length - 1]!));
  const grid = opts.flops ?? Array.from({ length: 40 }, (_, i) => fLo * Math.pow(fHi / fLo, i / 39));
  const n = grid.length;
  const risk = new Float64Array(n);
  const dStar = new Float64Array(n);
  const interior = new Uint8Array(n);
  const vals = new Float64Array(cs.length);
  for (let i = 0; i < n; i++) {
    const f = grid[i]!;
    let best = -1;
    for (let j = 0; j < cs.length; j++) {
      const c = cs[j]!;
      const t = f / c.d;
      const tMax = c.steps[c.steps.length - 1]!;
      // Beyond a curve's horizon its loss is unknown: treat as unavailable.
      vals[j] = t >= 1 && t <= tMax ? interpLogLog(c.steps, c.risk, t) : Infinity;
      if (vals[j]! < (best >= 0 ? vals[best]! : Infinity)) best = j;
    }
    if (best < 0) throw new Error(`${fn}: no curve covers flops ${f}`);
    risk[i] = vals[best]!;
    dStar[i] = cs[best]!.d;
    if (best > 0 && best < cs.length - 1 && Number.isFinite(vals[best - 1]!) && Number.isFinite(vals[best + 1]!)) {
      interior[i] = 1;
      // Parabola through (log d, log P) at best-1, best, best+1.
      const x0 = Math.log(cs[best - 1]!.d), x1 = Math.log(cs[best]!.d), x2 = Math.log(cs[best + 1]!.d);
      const y0 = Math.log(vals[best - 1]!), y1 = Math.log(vals[best]!), y2 = Math.log(vals[best + 1]!);
      const den = (x0 - x1) * (x0 - x2) * (x1 - x2);
      const A = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den;
      const Bc = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / den;
      if (A > 0) {
        const xm = Math.min(x2, Math.max(x0, -Bc / (2 * A)));
        dStar[i] = Math.exp(xm);
        const Cc = y1 - A * x1 * x1 - Bc * x1;
        risk[i] = Math.min(risk[i]!, Math.exp(A * xm * xm + Bc * xm + Cc));
      }
    }
  }
  return { flops: Float64Array.from(grid), risk, dStar, interior };
}

/** Fitted compute-optimal exponents: P* ~ f^-eta and d* ~ f^xi over the interior part of the frontier. */
export interface ComputeOptimalExponents {
  eta: PowerLawFit;
  xi: PowerLawFit;
  /** Points used. */
  n: number;
}

/** Fits eta and xi on the frontier points whose minimiser is interior (optionally within [fMin, fMax]). */
export function fitComputeOptimalExponents(fr: ComputeOptimalFrontier, window: { fMin?: number; fMax?: number } = {}): ComputeOptimalExponents {
  const xs: number[] = [];
  const ps: number[] = [];
  const ds: number[] = [];
  for (let i = 0; i < fr.flops.length; i++) {
    const f = fr.flops[i]!;
    if (!fr.interior[i]) continue;
    if (window.fMin !== undefined && f < window.fMin) continue;
    if (window.fMax !== undefined && f > window.fMax) continue;
    xs.push(f);
    ps.push(fr.risk[i]!);
    ds.push(fr.dStar[i]!);
  }
  if (xs.length < 3) throw new Error(`fitComputeOptimalExponents: need at least 3 interior frontier points, got ${xs.length}`);
  return { eta: fitPowerLaw(xs, ps), xi: fitPowerLaw(xs, ds), n: xs.length };
}
