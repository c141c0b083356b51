import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import golden from './golden.json';
import {
  adamwRef,
  adanaRef,
  ademamixRef,
  binomial,
  danaRef,
  danaStarRef,
  newtonSchulzRef,
  sgdMomentumRef,
  type AdanaRefParams,
} from './reference';
import { ademamixAlpha, ademamixBeta3, danaDelta } from './schedules';

const adanaParams = (over: Partial<AdanaRefParams> = {}): AdanaRefParams => ({
  lr: 1e-2,
  scheduleFactor: 1,
  delta: 8,
  kappa: 0.85,
  eps: 1e-8,
  gamma3Factor: 1,
  clipSNR: Infinity,
  weightDecay: 0,
  ...over,
});

const gradient = fc.double({ min: -10, max: 10, noNaN: true }).filter((x) => Math.abs(x) > 1e-3);

describe('exact identities', () => {
  test.prop([gradient, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 200 })], { numRuns: 40 })(
    "constant g: ADANA's m_t = g (1 - 1/C(t+delta, delta)) (1-based)",
    (g, d, T) => {
      let s = { theta: 0, m: 0, v: 0 };
      for (let t = 1; t <= T; t++) s = adanaRef(s, g, t, adanaParams({ delta: d }));
      // float64 recursion of T steps: relative error ~T·2^-53; 1e-11 leaves margin.
      expect(s.m / g).toBeCloseTo(1 - 1 / binomial(T + d, d), 11);
      expect(Math.sqrt(s.v)).toBeGreaterThanOrEqual(Math.abs(s.m) * (1 - 1e-12)); // |m| <= sqrt(v)
    },
  );

  it('zero-based (optax) convention: the first coefficient is 1 so a constant g gives m = g exactly', () => {
    let m = 0;
    for (let c = 0; c < 20; c++) {
      const a = 8 / (8 + c);
      m = m + a * (0.3 - m);
      expect(m).toBeCloseTo(0.3, 14);
    }
  });

  test.prop([gradient, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 300 })], { numRuns: 40 })(
    "DANA's y_t = (t + delta)/(delta + 1) g for constant g",
    (g, d, T) => {
      let s = { theta: 0, y: 0 };
      for (let t = 1; t <= T; t++) s = danaRef(s, g, { Delta: danaDelta(t, d), gamma1: 1, gamma2: 0.1, gamma3: 0.01 });
      expect(s.y / g).toBeCloseTo((T + d) / (d + 1), 9);
    },
  );

  test.prop([fc.array(gradient, { minLength: 1, maxLength: 30 }), fc.double({ min: 1e-4, max: 1, noNaN: true })], { numRuns: 40 })(
    'gamma3 = 0 reduces DANA to SGD',
    (gs, lr) => {
      let s = { theta: 1, y: 0 };
      let sgd = 1;
      gs.forEach((g, i) => {
        s = danaRef(s, g, { Delta: danaDelta(i + 1, 8), gamma1: 1, gamma2: lr, gamma3: 0 });
        sgd -= lr * g;
      });
      expect(s.theta).toBe(sgd);
    },
  );

  test.prop([fc.array(gradient, { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 0.2, noNaN: true })], { numRuns: 40 })(
    'AdEMAMix with alpha = 0 equals AdamW',
    (gs, wd) => {
      let a = { theta: 1, m: 0, v: 0 };
      let b = { theta: 1, m1: 0, m2: 0, v: 0 };
      gs.forEach((g, i) => {
        const h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: wd };
        a = adamwRef(a, g, i + 1, h);
        b = ademamixRef(b, g, i + 1, { ...h, beta3: 0.9999, alpha: 0 });
      });
      // Same operations up to one reassociation of lr/bc1: relative 1e-14.
      expect(Math.abs(a.theta - b.theta)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(a.theta)));
    },
  );

  test.prop([fc.array(gradient, { minLength: 1, maxLength: 30 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.boolean()], {
    numRuns: 40,
  })('ADANA (and MK4) are invariant to rescaling g when eps = 0 and weight decay is off', (gs, k, mk4) => {
    const h = adanaParams({ eps: 0, clipSNR: mk4 ? 2 : Infinity });
    let a = { theta: 0.5, m: 0, v: 0 };
    let b = { theta: 0.5, m: 0, v: 0 };
    gs.forEach((g, i) => {
      a = adanaRef(a, g, i + 1, h);
      b = adanaRef(b, k * g, i + 1, h);
    });
    expect(b.theta).toBeCloseTo(a.theta, 10);
  });

  test.prop(
    [
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 32, noNaN: true }),
      fc.boolean(),
    ],
    { numRuns: 60 },
  )('per-coordinate step bound |dtheta| <= lr (sqrt((delta+t)/delta) + (1+t)^(1-kappa) + 1) (clipSNR for MK4)', (gs, kappa, d, mk4) => {
    const h = adanaParams({ kappa, delta: d, clipSNR: mk4 ? 2 : Infinity });
    let s = { theta: 0, m: 0, v: 0 };
    gs.forEach((g, i) => {
      const t = i + 1;
      const next = adanaRef(s, g, t, h);
      const middle = mk4 ? 2 : Math.pow(1 + t, 1 - kappa);
      const bound = h.lr * (Math.sqrt((d + t) / d) + middle + 1);
      expect(Math.abs(next.theta - s.theta)).toBeLessThanOrEqual(bound * (1 + 1e-12));
      s = next;
    });
  });

  test.prop([gradient, fc.integer({ min: 1, max: 100 })], { numRuns: 30 })(
    'constant-gradient drift: ADANA moves by -lr sign(g) (2 + (1+t)^(1-kappa)) once m ~ g (eps = 0, delta tiny)',
    (g, t) => {
      // With δ → 0 the log-time coefficient → 0 after step 1, so m = v^(1/2)·sign = g from the first step.
      const h = adanaParams({ eps: 0, delta: 1e-9 });
      let s = { theta: 0, m: g, v: g * g };
      const next = adanaRef(s, g, t, h);
      s = next;
      expect(next.theta).toBeCloseTo(-h.lr * Math.sign(g) * (2 + Math.pow(1 + t, 1 - h.kappa)), 9);
    },
  );

  test.prop([fc.array(fc.oneof(gradient, fc.constant(0)), { minLength: 1, maxLength: 60 })], { numRuns: 40 })(
    'Dana-Star: tau in [0, 1), and an always-zero coordinate never moves',
    (gs) => {
      const h = adanaParams({ clipSNR: 2 });
      let s = { theta: 0.7, m: 0, v: 0, tau: 0 };
      let z = { theta: 0.7, m: 0, v: 0, tau: 0 };
      gs.forEach((g, i) => {
        s = danaStarRef(s, g, i + 1, h);
        z = danaStarRef(z, 0, i + 1, h);
        expect(s.tau).toBeGreaterThanOrEqual(0);
        expect(s.tau).toBeLessThan(1);
      });
      expect(z.theta).toBe(0.7);
    },
  );

  it('SGD-momentum: nesterov and plain agree on the first step and differ later', () => {
    const h = { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 };
    const a1 = sgdMomentumRef({ theta: 0, buf: 0 }, 1, h);
    const n1 = sgdMomentumRef({ theta: 0, buf: 0 }, 1, { ...h, nesterov: true });
    expect(a1.theta).toBeCloseTo(-0.1, 14);
    expect(n1.theta).toBeCloseTo(-0.19, 14);
    expect(sgdMomentumRef(a1, 1, h).theta).toBeCloseTo(-0.1 - 0.19, 14);
  });

  it("SGD-momentum weight decay: coupled as torch's weight_decay (λθ in the buffer) unless decoupled", () => {
    // θ0 = 1, lr 0.1, μ 0.9, λ 0.5, zero gradients (issue #17): torch 0.731375 after three steps, decoupled 0.95³.
    const h = { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.5 };
    let c = { theta: 1, buf: 0 };
    let d = { theta: 1, buf: 0 };
    for (let t = 0; t < 3; t++) {
      c = sgdMomentumRef(c, 0, h);
      d = sgdMomentumRef(d, 0, { ...h, decoupled: true });
    }
    expect(c.theta).toBeCloseTo(0.731375, 14);
    expect(d.theta).toBeCloseTo(0.857375, 14);
    expect(d.buf).toBe(0); // decoupled decay never enters the buffer
  });
});

describe('AdEMAMix rare-gradient regression vs ADANA', () => {
  it('after a long run of zero gradients with beta3 > beta2, AdEMAMix steps grow towards alpha |m2| / eps-limited size; ADANA stays bounded', () => {
    const T = 20000;
    const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
    const alpha = ademamixAlpha(8, 1);
    const beta3 = ademamixBeta3(0.9999, 1);
    let s = { theta: 0, m1: 0, m2: 0, v: 0 };
    let a = { theta: 0, m: 0, v: 0 };
    const ha = adanaParams({ lr: 1e-3 });
    let maxAdemamix = 0;
    let maxAdana = 0;
    for (let t = 1; t <= T; t++) {
      const g = t <= 100 ? 1 : 0; // a token seen early, then never again
      const ns = ademamixRef(s, g, t, { ...h, beta3: beta3(t), alpha: alpha(t) });
      const na = adanaRef(a, g, t, ha);
      if (t > 100) {
        maxAdemamix = Math.max(maxAdemamix, Math.abs(ns.theta - s.theta));
        maxAdana = Math.max(maxAdana, Math.abs(na.theta - a.theta));
      }
      s = ns;
      a = na;
    }
    // AdEMAMix: ν decays like 0.999^t while m2 decays like 0.9999^t, so the ratio blows up until ε caps it.
    expect(maxAdemamix).toBeGreaterThan(100 * h.lr);
    // Documented cap: lr·(|m̂1| + α|m2|)/ε with |m2| ≤ 1.
    expect(maxAdemamix).toBeLessThanOrEqual((h.lr * (1 + 8)) / h.eps);
    // ADANA: |m| <= sqrt(v) keeps every step under the bound of the per-coordinate inequality.
    expect(maxAdana).toBeLessThanOrEqual(ha.lr * (Math.sqrt((8 + T) / 8) + Math.pow(1 + T, 0.15) + 1));
    expect(maxAdana).toBeLessThan(maxAdemamix / 10);
  });
});

describe('golden values (independent numpy implementation of the PyTorch formulas, test/golden.py)', () => {
  const run = <S extends { theta: number }>(init: (x: number) => S, step: (s: S, g: number, t: number) => S): number[] =>
    golden.theta0.map((x, j) => {
      let s = init(x);
      golden.grads.forEach((gs, i) => {
        s = step(s, gs[j]!, i + 1);
      });
      return s.theta;
    });

  it('AdamW (lr 1e-2, wd 0.1)', () => {
    const got = run(
      (x) => ({ theta: x, m: 0, v: 0 }),
      (s, g, t) => adamwRef(s, g, t, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 }),
    );
    got.forEach((x, j) => expect(x).toBeCloseTo(golden.adamw[j]!, 12));
  });

  it('ADANA and Dana-MK4 (wd 0.05, wd_ts 10 -> lambda(t) = 0.05/(1 + t/10))', () => {
    for (const [key, clip] of [
      ['adana', Infinity],
      ['danaMK4', 0.5],
    ] as const) {
      const got = run(
        (x) => ({ theta: x, m: 0, v: 0 }),
        (s, g, t) => adanaRef(s, g, t, adanaParams({ weightDecay: 0.05 / (1 + t / 10), clipSNR: clip })),
      );
      got.forEach((x, j) => expect(x).toBeCloseTo(golden[key][j]!, 12));
    }
  });

  it("SGD-momentum as torch.optim.SGD (lr 1e-2, momentum 0.9, weight_decay 0.1 coupled; plain and Nesterov)", () => {
    for (const [key, nesterov] of [
      ['sgd', false],
      ['sgdNesterov', true],
    ] as const) {
      const got = run((x) => ({ theta: x, buf: 0 }), (s, g) => sgdMomentumRef(s, g, { lr: 1e-2, momentum: 0.9, nesterov, weightDecay: 0.1 }));
      got.forEach((x, j) => expect(x).toBeCloseTo(golden[key][j]!, 12));
    }
  });

  it('AdEMAMix (alpha 5, beta3 0.999, warm-ups 2 steps, wd 0.1)', () => {
    const al = ademamixAlpha(5, 2);
    const b3 = ademamixBeta3(0.999, 2, 0.9);
    const got = run(
      (x) => ({ theta: x, m1: 0, m2: 0, v: 0 }),
      (s, g, t) => ademamixRef(s, g, t, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, beta3: b3(t), alpha: al(t) }),
    );
    got.forEach((x, j) => expect(x).toBeCloseTo(golden.ademamix[j]!, 12));
  });
});

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (test helper). */
function symmetricEigenvalues(a: Float64Array, n: number): number[] {
  const m = Float64Array.from(a);
  for (let sweep = 0; sweep < 50; sweep++) {
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-15) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
      }
  }
  return Array.from({ length: n }, (_, i) => m[i * n + i]!);
}

describe('Newton-Schulz (Muon)', () => {
  test.prop([fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 1000 })], { numRuns: 20 })(
    'singular values land in about [0.5, 1.5] and the shape is preserved',
    (rows, cols, seed) => {
      // Deterministic well-conditioned input: identity-dominated plus a seeded perturbation.
      let x = seed;
      const g = new Float64Array(rows * cols).map((_, i) => {
        x = (x * 1103515245 + 12345) % 2147483648;
        const diag = Math.floor(i / cols) === i % cols ? 1 : 0;
        return diag + 0.3 * (x / 2147483648 - 0.5);
      });
      const X = newtonSchulzRef(g, rows, cols);
      expect(X.length).toBe(rows * cols);
      const r = Math.min(rows, cols);
      const gram = new Float64Array(r * r);
      for (let i = 0; i < r; i++)
        for (let j = 0; j < r; j++) {
          let acc = 0;
          if (rows <= cols) for (let k = 0; k < cols; k++) acc += X[i * cols + k]! * X[j * cols + k]!;
          else for (let k = 0; k < rows; k++) acc += X[k * cols + i]! * X[k * cols + j]!;
          gram[i * r + j] = acc;
        }
      for (const ev of symmetricEigenvalues(gram, r)) {
        expect(Math.sqrt(Math.max(ev, 0))).toBeGreaterThan(0.5);
        expect(Math.sqrt(Math.max(ev, 0))).toBeLessThan(1.5);
      }
    },
  );
});
