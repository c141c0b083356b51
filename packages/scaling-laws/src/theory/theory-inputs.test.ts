import { describe, expect, it } from 'vitest';
import { plrfInstance } from './plrf';
import { theoryInputs, theoryKappa, theoryLimitRisk, theoryTau } from './theory-inputs';

/** Root of an increasing function on [lo, hi] by 200 bisections (float64; brackets shrink to one ulp). */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** int_0^r dx / (kappa + x^(2 alpha)) by the midpoint rule with n panels (the integrand is bounded and monotone). */
function integralRef(kappa: number, alpha: number, r: number, n = 200_000): number {
  const h = r / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += 1 / (kappa + Math.pow((i + 0.5) * h, 2 * alpha));
  return s * h;
}

/** sum_{j<v} 1 / (d (j^(2 alpha) + tau)). */
function tauSum(tau: number, alpha: number, v: number, d: number): number {
  let s = 0;
  for (let j = 1; j < v; j++) s += 1 / (d * (Math.pow(j, 2 * alpha) + tau));
  return s;
}

/** 1/2 sum_{j<v} j^(-2(alpha + beta)) / (j^(-2 alpha) c + 1): the limit risk for the resolvent constant c. */
function limitRiskRef(alpha: number, beta: number, v: number, c: number): number {
  let s = 0;
  for (let j = 1; j < v; j++) s += Math.pow(j, -2 * (alpha + beta)) / (Math.pow(j, -2 * alpha) * c + 1);
  return 0.5 * s;
}

describe('theoryKappa', () => {
  it('at alpha = 1 equals the root of sqrt(kappa) atan(r / sqrt(kappa)) = 1 (closed-form integral, bisection)', () => {
    for (const [v, d] of [[40, 10], [120, 40], [1000, 100]] as const) {
      const r = v / d;
      // int_0^r dx / (kappa + x^2) = atan(r / sqrt kappa) / sqrt kappa, so kappa = 1 / I is s atan(r / s) = 1, s = sqrt kappa.
      const s = bisect((x) => x * Math.atan(r / x) - 1, 1e-6, 10);
      // Fixed point stops at 1e-10 relative change; Simpson's error on the smooth u-integrand is far below: 1e-8.
      expect(Math.abs(theoryKappa(1, v, d) / (s * s) - 1)).toBeLessThan(1e-8);
    }
  });

  it('solves kappa int_0^{v/d} dx / (kappa + x^(2 alpha)) = 1 for non-integer 2 alpha (midpoint-rule reference)', () => {
    for (const [alpha, v, d] of [[0.8, 80, 20], [1.5, 40, 10], [2.2, 300, 100]] as const) {
      const kappa = theoryKappa(alpha, v, d);
      // Midpoint rule with 2e5 panels on a bounded monotone integrand: error ~1e-9 relative, so 1e-7 on the residual.
      expect(Math.abs(kappa * integralRef(kappa, alpha, v / d) - 1)).toBeLessThan(1e-7);
    }
  });

  it('rejects alpha <= 1/2 and non-integer sizes by message', () => {
    expect(() => theoryKappa(0.5, 40, 10)).toThrow(/^theoryKappa: alpha must be a finite number > 0.5, got 0.5$/);
    expect(() => theoryKappa(1, 40, 2.5)).toThrow(/theoryKappa: d must be a positive integer/);
    expect(() => theoryKappa(1, 0, 10)).toThrow(/theoryKappa: v must be a positive integer/);
  });
});

describe('theoryTau', () => {
  it('solves tau sum_{j<v} 1/(d (j^(2 alpha) + tau)) = 1 and equals the bisection root', () => {
    for (const [alpha, v, d] of [[0.3, 400, 100], [0.45, 4000, 1000], [0.2, 80, 20]] as const) {
      const tau = theoryTau(alpha, v, d);
      // tau S(tau) increases in tau; the fixed point stops at 1e-10 relative change, so 1e-8 on both checks.
      expect(Math.abs(tau * tauSum(tau, alpha, v, d) - 1)).toBeLessThan(1e-8);
      const ref = bisect((t) => t * tauSum(t, alpha, v, d) - 1, 0, 1e6);
      expect(Math.abs(tau / ref - 1)).toBeLessThan(1e-8);
    }
  });

  it('rejects a v past the cap of the fixed-point sums by message', () => {
    expect(() => theoryTau(0.3, 2e6, 10)).toThrow(/theoryTau: v must be a positive integer <= 1000000, got 2000000/);
    expect(() => theoryTau(-0.3, 40, 10)).toThrow(/theoryTau: alpha must be a finite number > 0, got -0.3/);
  });
});

describe('theoryLimitRisk (deterministic-equivalent P_inf)', () => {
  it('equals 1/2 sum_{j<v} j^(-2(a+b)) / (j^(-2a) c + 1) with c = kappa d^(2a) (2a > 1) or tau (2a < 1) from bisection', () => {
    const d = 100;
    const v = 4 * d;
    for (const beta of [0.3, 0.7, 1.2]) {
      // alpha = 1: kappa from the closed-form integral (previous describe).
      const s = bisect((x) => x * Math.atan(4 / x) - 1, 1e-6, 10);
      const above = limitRiskRef(1, beta, v, s * s * d ** 2);
      // P is monotone in c with elasticity <= 1, so kappa's 1e-9 error gives <= 1e-9 relative: 1e-8 is safe.
      expect(Math.abs(theoryLimitRisk(1, beta, v, d) / above - 1)).toBeLessThan(1e-8);
      const tau = bisect((t) => t * tauSum(t, 0.3, v, d) - 1, 0, 1e6);
      expect(Math.abs(theoryLimitRisk(0.3, beta, v, d) / limitRiskRef(0.3, beta, v, tau) - 1)).toBeLessThan(1e-8);
    }
  });

  it('deterministic-equivalent P_inf is within 15% of the empirical mean over 3 seeds (d = 120)', () => {
    const alpha = 1, beta = 0.7, d = 120;
    let emp = 0;
    for (let s = 0; s < 3; s++) emp += plrfInstance({ alpha, beta, d, seed: 100 + s }).pInf / 3;
    const th = theoryLimitRisk(alpha, beta, 4 * d, d);
    expect(Math.abs(th / emp - 1)).toBeLessThan(0.15);
  });

  it('P_inf scales as d^(-2 alpha + max(0, 1 - 2 beta)) (theory, d in [500, 8000], slope +-0.1)', () => {
    for (const [alpha, beta] of [[1, 0.7], [1, 0.3], [1.5, 0.7]] as const) {
      const p1 = theoryLimitRisk(alpha, beta, 4 * 500, 500);
      const p2 = theoryLimitRisk(alpha, beta, 4 * 8000, 8000);
      const slope = Math.log(p2 / p1) / Math.log(16);
      expect(Math.abs(slope - (-2 * alpha + Math.max(0, 1 - 2 * beta)))).toBeLessThan(0.1);
    }
  });

  it('rejects v past 1e7 by message', () => {
    expect(() => theoryLimitRisk(1, 0.4, 2e7, 10)).toThrow(/theoryLimitRisk: v must be a positive integer <= 10000000, got 20000000/);
    expect(() => theoryLimitRisk(1, Number.NaN, 40, 10)).toThrow(/theoryLimitRisk: beta must be a finite number, got NaN/);
  });
});

describe('theoryInputs', () => {
  it('gives lambda_j = j^-2a, rho_j = j^-2b + c_b / d (c_b = sum_{j<=d} j^-2b when a, b > 1/2) and P_inf at v = 4 d', () => {
    for (const [alpha, beta, d] of [[1, 0.7, 50], [0.8, 1.3, 30]] as const) {
      const inp = theoryInputs({ alpha, beta, d });
      let cBeta = 0;
      for (let j = 1; j <= d; j++) cBeta += Math.pow(j, -2 * beta);
      expect(inp.lambda.length).toBe(d);
      expect(inp.rho0.length).toBe(d);
      for (let j = 1; j <= d; j++) {
        expect(inp.lambda[j - 1]).toBe(Math.pow(j, -2 * alpha));
        // c_b is summed in the other order (d terms): d eps relative on it, so 1e-13 on rho.
        expect(Math.abs(inp.rho0[j - 1]! - (Math.pow(j, -2 * beta) + cBeta / d))).toBeLessThan(1e-13 * inp.rho0[j - 1]!);
      }
      expect(inp.pInf).toBe(theoryLimitRisk(alpha, beta, 4 * d, d));
    }
  });

  it("has no absolutely-continuous part for 'pure-point', or when a or b <= 1/2, and takes an explicit v", () => {
    const check = (rho: Float64Array, beta: number): void => rho.forEach((r, k) => expect(r).toBe(Math.pow(k + 1, -2 * beta)));
    check(theoryInputs({ alpha: 1, beta: 0.7, d: 40, part: 'pure-point' }).rho0, 0.7);
    check(theoryInputs({ alpha: 1, beta: 0.3, d: 40 }).rho0, 0.3);
    check(theoryInputs({ alpha: 0.4, beta: 0.7, d: 40 }).rho0, 0.7);
    const full = theoryInputs({ alpha: 1, beta: 0.7, d: 40 });
    expect(theoryInputs({ alpha: 1, beta: 0.7, d: 40, part: 'pure-point' }).pInf).toBe(full.pInf);
    expect(theoryInputs({ alpha: 1, beta: 0.7, d: 40, v: 100 }).pInf).toBe(theoryLimitRisk(1, 0.7, 100, 40));
  });

  it('rejects v <= d, a non-integer d and alpha <= 0 by message', () => {
    expect(() => theoryInputs({ alpha: 1, beta: 0.7, d: 20, v: 20 })).toThrow(/^theoryInputs: v must be > d \(20\), got 20$/);
    expect(() => theoryInputs({ alpha: 1, beta: 0.7, d: 0 })).toThrow(/theoryInputs: d must be a positive integer/);
    expect(() => theoryInputs({ alpha: 0, beta: 0.7, d: 10 })).toThrow(/theoryInputs: alpha must be a finite number > 0, got 0/);
  });
});
