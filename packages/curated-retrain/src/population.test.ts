import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { expectation, klDivergence, normalize, variance } from './discrete';
import { checkDistribution } from './distribution-checks';
import { luceH } from './luce';
import { bestOfKStep, curatedStep, infiniteKFixedPoint, iteratePopulation, MAX_POPULATION_WORK, mixedStep, populationStepWork, topLevelLimit } from './population';
import { arbCase, arbProbs } from './test-arbitraries';

// Exact float64 algebra on <= 6 atoms: rounding is ~1e-15 per step, 1e-10 is generous yet catches any real violation.
const TOL = 1e-10;

const cdfAbove = (p: ArrayLike<number>, r: ArrayLike<number>, c: number): number => {
  let s = 0;
  for (let i = 0; i < p.length; i++) if (r[i]! >= c) s += p[i]!;
  return s;
};

describe('curated-only exact update (Eq. 6)', () => {
  test.prop([arbCase(2, 5, 2, 6), fc.double({ min: 0.2, max: 3, noNaN: true })], { numRuns: 60 })(
    'reward distribution is stochastically non-decreasing; Lemma 2.2 holds',
    ({ p, r, K }, beta) => {
      const steps = iteratePopulation(p, r, { K, beta, iterations: 4 });
      const er = r.map((v) => Math.exp(beta * v));
      for (let t = 0; t + 1 < steps.length; t++) {
        const a = steps[t]!;
        const b = steps[t + 1]!;
        expect(expectation(b, r)).toBeGreaterThanOrEqual(expectation(a, r) - TOL);
        expect(expectation(b, er)).toBeGreaterThanOrEqual(expectation(a, er) - TOL);
        for (const c of r) expect(cdfAbove(b, r, c)).toBeGreaterThanOrEqual(cdfAbove(a, r, c) - TOL);
        // Lemma 2.2 (with reward βr): E_{t+1}[e^r] >= E_t[e^r] + (K-1)/K · Var_t(e^r) / e^{r*}, r* = max on supp p_t.
        let rStar = -Infinity;
        for (let i = 0; i < a.length; i++) if (a[i]! > 0) rStar = Math.max(rStar, er[i]!);
        const bound = expectation(a, er) + (((K - 1) / K) * variance(a, er)) / rStar;
        expect(expectation(b, er)).toBeGreaterThanOrEqual(bound - TOL * Math.max(1, bound));
      }
    },
  );

  test.prop([arbCase(3, 6, 2, 5)], { numRuns: 60 })('preserves ratios within a reward level set exactly', ({ p, r, K }) => {
    const pT = iteratePopulation(p, r, { K, iterations: 5 })[5]!;
    for (let i = 0; i < p.length; i++) {
      for (let j = 0; j < p.length; j++) {
        if (i !== j && r[i] === r[j] && pT[j]! > 1e-200) {
          expect(Math.abs(pT[i]! / pT[j]! - p[i]! / p[j]!)).toBeLessThan(1e-9 * (p[i]! / p[j]!));
        }
      }
    }
  });

  it('converges to p_0 restricted to its highest reward level (Theorem 2.1)', () => {
    const p0 = [0.4, 0.3, 0.1, 0.2];
    const r = [0, 1, 1, 0.5];
    const traj = iteratePopulation(p0, r, { K: 4, iterations: 40 });
    const star = topLevelLimit(p0, r);
    expect(Array.from(star).map((v) => +v.toFixed(12))).toEqual([0, 0.75, 0.25, 0]);
    // Off-level mass shrinks geometrically (factor H(0.5) -> 4w/(w + 3e) ≈ 0.67 at the limit), so ~1e-7 after 40 steps.
    expect(klDivergence(star, traj[40]!)).toBeLessThan(1e-6);
    expect(klDivergence(star, traj[40]!)).toBeLessThan(klDivergence(star, traj[20]!));
    // Mass outside the top level never increases.
    for (let t = 1; t < traj.length; t++) expect(traj[t]![0]! + traj[t]![3]!).toBeLessThanOrEqual(traj[t - 1]![0]! + traj[t - 1]![3]! + TOL);
  });

  test.prop([arbCase(2, 5, 1, 5)], { numRuns: 40 })('hard best-of-K maps the reward CDF F to F^K', ({ p, r, K }) => {
    const q = bestOfKStep(p, r, K);
    for (const c of r) {
      const F = 1 - cdfAbove(p, r, c); // P(r < c)
      const Fq = 1 - cdfAbove(q, r, c);
      expect(Math.abs(Fq - Math.pow(F, K))).toBeLessThan(TOL);
    }
    const viaStep = curatedStep(p, r, { K, operator: 'best-of-k' });
    for (let i = 0; i < q.length; i++) expect(Math.abs(viaStep[i]! - q[i]!)).toBeLessThan(TOL);
  });
});

describe('exact update with real data (Eq. 8)', () => {
  test.prop([arbCase(2, 5, 2, 5), arbProbs(5, 5), fc.double({ min: 0.05, max: 5, noNaN: true })], { numRuns: 60 })(
    'p_{t+1} >= p_data/(1+λ) pointwise, so KL(p_data ‖ p_t) <= log(1+λ)',
    ({ p, r, K }, pd5, lambda) => {
      const pd = pd5.slice(0, p.length);
      const s = pd.reduce((a, b) => a + b, 0);
      const pData = pd.map((v) => v / s);
      const traj = iteratePopulation(p, r, { K, iterations: 4, pData, syntheticToRealRatio: lambda });
      for (let t = 1; t < traj.length; t++) {
        for (let i = 0; i < p.length; i++) expect(traj[t]![i]!).toBeGreaterThanOrEqual(pData[i]! / (1 + lambda) - TOL);
        expect(klDivergence(pData, traj[t]!)).toBeLessThanOrEqual(Math.log(1 + lambda) + TOL);
      }
    },
  );

  test.prop([arbCase(2, 5, 2, 5), fc.double({ min: 0.01, max: 0.99, noNaN: true })], { numRuns: 60 })(
    'from p_data with λ(K-1) < 1: p_t <= p_data/(1 - λ(K-1)), and E[r] never decreases',
    ({ p, r, K }, frac) => {
      const lambda = frac / (K - 1);
      const traj = iteratePopulation(p, r, { K, iterations: 6, pData: p, syntheticToRealRatio: lambda });
      for (let t = 1; t < traj.length; t++) {
        for (let i = 0; i < p.length; i++) expect(traj[t]![i]!).toBeLessThanOrEqual(p[i]! / (1 - lambda * (K - 1)) + TOL);
        expect(expectation(traj[t]!, r)).toBeGreaterThanOrEqual(expectation(traj[t - 1]!, r) - TOL);
      }
    },
  );

  it('λ = 0 returns p_data whatever p_t is', () => {
    const q = mixedStep([0.9, 0.05, 0.05], [0.2, 0.3, 0.5], [0, 1, 2], { K: 3, syntheticToRealRatio: 0 });
    expect(Array.from(q).map((v) => +v.toFixed(12))).toEqual([0.2, 0.3, 0.5]);
  });

  test.prop([arbProbs(2, 5), fc.double({ min: 0.05, max: 0.5, noNaN: true })], { numRuns: 30 })(
    'the K = ∞ iteration converges to the closed-form fixed point',
    (pData, lambda) => {
      const r = Float64Array.from(pData, (_, i) => Math.sin(3 * i));
      const star = infiniteKFixedPoint(pData, r, { syntheticToRealRatio: lambda });
      let p: Float64Array = Float64Array.from(pData);
      for (let t = 0; t < 400; t++) p = mixedStep(p, pData, r, { K: Infinity, syntheticToRealRatio: lambda });
      // Contraction factor <= λ/(1+λ)·(max tilt) here; 400 steps take the gap far below 1e-8.
      for (let i = 0; i < p.length; i++) expect(Math.abs(p[i]! - star[i]!)).toBeLessThan(1e-8);
    },
  );

  it('rejects a ratio that is negative or NaN and missing pData', () => {
    expect(() => mixedStep([1], [1], [0], { K: 2, syntheticToRealRatio: -1 })).toThrow(/syntheticToRealRatio must be a number in \[0, Infinity\]/);
    expect(() => mixedStep([1], [1], [0], { K: 2, syntheticToRealRatio: NaN })).toThrow(/syntheticToRealRatio/);
    expect(() => iteratePopulation([1], [0], { K: 2, iterations: 1, syntheticToRealRatio: 1 })).toThrow(/pData is required/);
  });
});

describe('iteratePopulation bounds (the cells of the result and the work of the run)', () => {
  const p = [0.5, 0.5];
  const r = [0, 1];

  it('caps iterations × the estimated step work at MAX_POPULATION_WORK, naming the step and what to do', () => {
    // Luce K = 20000 on two atoms is a 20000-term sum per step (~1.3 ms): the cell cap alone allowed 2.5e7 steps (~9 h).
    const { work, what } = populationStepWork('f', Float64Array.from(p), r, { K: 20000 });
    expect(what).toBe('luce multinomial sum of 20000 terms, K=20000, 2 reward levels');
    const maxSteps = Math.floor(MAX_POPULATION_WORK / work);
    expect(maxSteps).toBeGreaterThan(1000);
    expect(maxSteps).toBeLessThan(10000);
    const message = new RegExp(
      `^iteratePopulation: iterations must be an integer in \\[0, ${maxSteps}\\] \\(a call may do 1e\\+9 work units, about 10 s, and one step here costs about \\d\\.\\de\\+\\d: ${what}; for a longer trajectory, call again from the last distribution\\), got ${maxSteps + 1}$`,
    );
    expect(() => iteratePopulation(p, r, { K: 20000, iterations: maxSteps + 1 })).toThrow(message);
    expect(iteratePopulation(p, r, { K: 20000, iterations: 2 })).toHaveLength(3);
    // No work is estimated (nor capped) for zero iterations.
    expect(iteratePopulation(p, r, { K: 20000, iterations: 0 })).toHaveLength(1);
  });

  it('a longer trajectory is a chain of calls, each from the last distribution of the one before', () => {
    const p0 = [0.4, 0.3, 0.2, 0.1];
    const r4 = [0, 1, 2, 0.5];
    const whole = iteratePopulation(p0, r4, { K: 4, iterations: 6 });
    const first = iteratePopulation(p0, r4, { K: 4, iterations: 3 });
    const second = iteratePopulation(first[3]!, r4, { K: 4, iterations: 3 });
    for (let i = 0; i < p0.length; i++) expect(second[3]![i]!).toBeCloseTo(whole[6]![i]!, 14);
  });

  it('estimates mixed steps on the union of the supports of p0 and pData', () => {
    const p0 = [1, 0, 0];
    const pData = [0, 0.5, 0.5];
    const r3 = [0, 1, 2];
    // Curated only, p0 sits on one reward level (H ≡ 1); mixing puts mass on all three from the first step on.
    expect(() => iteratePopulation(p0, r3, { K: 4, iterations: 1e6 })).toThrow(/one step here costs about [^:]+: luce, H = 1;/);
    expect(() => iteratePopulation(p0, r3, { K: 4, iterations: 1e6, syntheticToRealRatio: 1, pData })).toThrow(/luce multinomial sum of 10 terms, K=4, 3 reward levels;/);
  });

  it("includes the dearest sum auto may fall back to once levels lose their mass, and counts best-of-K's sort", () => {
    const n = 2001;
    const pn = Float64Array.from({ length: n }, () => 1 / n);
    const rn = Float64Array.from({ length: n }, (_, i) => i / n);
    // 2001 levels at K = 2 take the integral; at 2000 levels auto would take the 2000-term sum, dearer per step.
    const auto = populationStepWork('f', pn, rn, { K: 2 });
    const integral = populationStepWork('f', pn, rn, { K: 2, method: 'quadrature' });
    const sum2000 = populationStepWork('f', pn.subarray(1).map(() => 1 / (n - 1)), rn.subarray(1), { K: 2 });
    expect(auto.what).toMatch(/^luce quadrature on \d+ points, K=2, 2001 reward levels$/);
    expect(sum2000.what).toBe('luce multinomial sum of 2000 terms, K=2, 2000 reward levels');
    expect(integral.work).toBeLessThan(sum2000.work);
    expect(auto.work).toBeGreaterThanOrEqual(sum2000.work);
    const sorted = populationStepWork('f', pn, rn, { K: 2, operator: 'best-of-k' });
    expect(sorted.what).toBe('best-of-k over 2001 atoms');
    expect(sorted.work).toBeGreaterThan(2 * n * Math.log2(n));
  });

  it('curatedStep is p·H renormalised, zero-mass atoms included (H is not evaluated there: p·H is 0 either way)', () => {
    const p5 = [0.3, 0, 0.45, 0, 0.25];
    const r5 = [0, 1, 2, 3, 0.5];
    const pp = checkDistribution('t', 'p', p5);
    for (const method of ['multinomial', 'quadrature'] as const) {
      const H = luceH(pp, r5, { K: 3, method });
      const expected = normalize(Float64Array.from(pp, (v, i) => v * H[i]!));
      expect(Array.from(curatedStep(p5, r5, { K: 3, method }))).toEqual(Array.from(expected));
      expect(H[1]!).toBeGreaterThan(0); // luceH itself still gives H at every atom
    }
  });
});
