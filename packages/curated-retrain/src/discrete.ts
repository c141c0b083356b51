/** Float64 summaries of discrete distributions used by the exact updates, the metrics and the tests. */
import { expectLength } from '@lemma/gpu-kernels/validate';
import { checkAtomValues, checkDistribution } from './distribution-checks';

/** KL(p ‖ q) = Σ p log(p/q) in nats; Infinity when q = 0 somewhere p > 0 (standard). */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkDistribution('klDivergence', 'p', p);
  checkDistribution('klDivergence', 'q', q);
  expectLength('klDivergence', 'q', q, p.length, 'same support as p');
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    if (a <= 0) continue;
    const b = q[i]!;
    if (b <= 0) return Infinity;
    s += a * Math.log(a / b);
  }
  return Math.max(0, s);
}

/** Shannon entropy -Σ p log p in nats. */
export function entropy(p: ArrayLike<number>): number {
  checkDistribution('entropy', 'p', p);
  let s = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) s -= p[i]! * Math.log(p[i]!);
  return s;
}

/** E_p[f] for a vector of values f. */
export function expectation(p: ArrayLike<number>, f: ArrayLike<number>): number {
  return expectationAs('expectation', p, f);
}

function expectationAs(fn: string, p: ArrayLike<number>, f: ArrayLike<number>): number {
  checkDistribution(fn, 'p', p);
  checkAtomValues(fn, 'f', f, p.length, 'one value per atom of p');
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]! * f[i]!;
  return s;
}

/** Var_p[f]. */
export function variance(p: ArrayLike<number>, f: ArrayLike<number>): number {
  const m = expectationAs('variance', p, f);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]! * (f[i]! - m) ** 2;
  return s;
}

/** Divides by the sum (the exact updates renormalise every step: rounding otherwise grows ~K-fold per step). */
export function normalize(p: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]!;
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / s;
  return p;
}
