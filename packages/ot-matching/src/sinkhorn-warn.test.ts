import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { sinkhorn, sinkhornDivergence } from './sinkhorn';
import { sinkhornF64 } from './sinkhorn-f64';
import { sinkhornDivergencePointClouds, sinkhornPointClouds } from './sinkhorn-point-clouds';

/** A 16-point problem: cost |i − j|² / n², uniform weights. */
const n = 16;
const w = new Array<number>(n).fill(1 / n);
const C64 = Float64Array.from({ length: n * n }, (_, k) => ((Math.floor(k / n) - (k % n)) / n) ** 2);
const C = Array.from({ length: n }, (_, i) => Array.from(C64.subarray(i * n, (i + 1) * n)));
/** Two iterations at a small ε without scaling cannot meet 1e-6; 2000 at ε = 0.5 do. */
const stuck = { epsilonScaling: false, maxIterations: 2, checkEvery: 1, threshold: 1e-6 } as const;
const easy = { maxIterations: 2000, threshold: 1e-4 } as const;
const pts = (shift: number) => Array.from({ length: n }, (_, i) => [i / n + shift, (i % 4) / 4]);

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

/** The one warning's text (fails unless exactly one came). */
function theWarning(): string {
  expect(warn).toHaveBeenCalledTimes(1);
  return String(warn.mock.calls[0]![0]);
}

describe('sinkhornF64 non-convergence warning', () => {
  it('warns once, naming our options, the error reached and the threshold', () => {
    const r = sinkhornF64(w, w, C64, 0.01, stuck);
    expect(r.converged).toBe(false);
    const msg = theWarning();
    expect(msg).toMatch(/^sinkhornF64: Sinkhorn did not converge \(marginal error \S+ after 2 iterations; options\.threshold is 1e-6, ε = 0\.01\)/);
    expect(msg).toContain(`marginal error ${Number(r.marginalError.toPrecision(3))}`);
    for (const name of ['options.maxIterations', 'reg', 'options.threshold', 'options.warn: false']) expect(msg).toContain(name);
  });
  it('stays quiet when converged, and with warn: false', () => {
    expect(sinkhornF64(w, w, C64, 0.5, easy).converged).toBe(true);
    expect(sinkhornF64(w, w, C64, 0.01, { ...stuck, warn: false }).converged).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });
  it('the ε-scaling stages (fixed iteration counts) never warn on their own', () => {
    // 20 iterations per stage from ε = max C down to 0.05, then a converged solve at the target.
    expect(sinkhornF64(w, w, C64, 0.05, { epsilonScaling: { stageIterations: 20 }, maxIterations: 5000, threshold: 1e-6 }).converged).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});

describeEachBackend('sinkhorn non-convergence warning', () => {
  it('sinkhorn warns exactly once when it cannot converge, never when it does, never with warn: false', async () => {
    const r = await sinkhorn(w, w, C, 0.01, stuck);
    tf.dispose([r.f, r.g, r.plan!]);
    expect(r.converged).toBe(false);
    expect(theWarning()).toMatch(/^sinkhorn: Sinkhorn did not converge \(marginal error \S+ after 2 iterations; options\.threshold is 1e-6, ε = 0\.01\)\. Increase options\.maxIterations or reg/);
    warn.mockClear();
    const ok = await sinkhorn(w, w, C, 0.5, easy);
    tf.dispose([ok.f, ok.g, ok.plan!]);
    expect(ok.converged).toBe(true);
    const quiet = await sinkhorn(w, w, C, 0.01, { ...stuck, warn: false });
    tf.dispose([quiet.f, quiet.g, quiet.plan!]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('sinkhornDivergence warns once for its three solves, naming the unconverged ones', async () => {
    const [x, y] = [tf.tensor2d(pts(0)), tf.tensor2d(pts(0.5))];
    try {
      const r = await sinkhornDivergence(x, y, 0.001, stuck);
      expect(r.converged).toBe(false);
      const msg = theWarning();
      expect(msg).toMatch(/^sinkhornDivergence: Sinkhorn did not converge \(xy: marginal error \S+ after 2 iterations; .*options\.threshold is 1e-6, ε = 0\.001\)/);
      // Only the unconverged solves are named (the self terms of distinct points converge at once here).
      for (const k of ['xx', 'yy'] as const) expect(msg.includes(`${k}: marginal error`)).toBe(!r[k].converged);
      warn.mockClear();
      expect((await sinkhornDivergence(x, y, 0.001, { ...stuck, warn: false })).converged).toBe(false);
      expect((await sinkhornDivergence(x, y, 0.5, easy)).converged).toBe(true);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      tf.dispose([x, y]);
    }
  });

  it('sinkhornPointClouds and its divergence warn once, name blur/eps, and obey warn: false', async () => {
    const o = { eps: 1e-4, scaling: false, maxIterations: 2, checkEvery: 1, threshold: 1e-6 } as const;
    const r = await sinkhornPointClouds(pts(0), pts(0.5), o);
    tf.dispose([r.f, r.g]);
    expect(r.converged).toBe(false);
    expect(theWarning()).toMatch(/^sinkhornPointClouds: Sinkhorn did not converge \(marginal error \S+ after 2 iterations; options\.threshold is 1e-6, ε = 1e-4\)\. Increase options\.maxIterations or options\.blur \(or options\.eps\)/);
    warn.mockClear();
    const d = await sinkhornDivergencePointClouds(pts(0), pts(0.5), o);
    expect(d.converged).toBe(false);
    expect(theWarning()).toMatch(/^sinkhornDivergencePointClouds: Sinkhorn did not converge \(xy: /);
    warn.mockClear();
    const q = await sinkhornPointClouds(pts(0), pts(0.5), { ...o, warn: false });
    tf.dispose([q.f, q.g]);
    expect((await sinkhornDivergencePointClouds(pts(0), pts(0.5), { ...o, warn: false })).converged).toBe(false);
    const ok = await sinkhornPointClouds(pts(0), pts(0.5), { blur: 0.5 });
    tf.dispose([ok.f, ok.g]);
    expect(ok.converged).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('"did you mean" for POT option names', () => {
  it.each([
    [{ numItermax: 10 }, 'maxIterations'],
    [{ stopThr: 1e-9 }, 'threshold'],
    [{ log: true }, 'onCheck'],
    [{ maxIteration: 10 }, 'maxIterations'],
    [{ warmstart: {} }, 'init'],
  ])('sinkhorn rejects %o suggesting %s', async (opt, want) => {
    await expect(sinkhorn(w, w, C, 0.1, opt as never)).rejects.toThrow(new RegExp(`^sinkhorn: options has an unknown key '${Object.keys(opt)[0]}' \\(did you mean '${want}'\\?\\); known keys: `));
  });
  it('sinkhornF64 suggests too; reg gets no suggestion there (ε is its 4th argument)', () => {
    expect(() => sinkhornF64(w, w, C64, 0.1, { numItermax: 10 } as never)).toThrow(/^sinkhornF64: options has an unknown key 'numItermax' \(did you mean 'maxIterations'\?\)/);
    expect(() => sinkhornF64(w, w, C64, 0.1, { reg: 0.1 } as never)).toThrow(/^sinkhornF64: options has an unknown key 'reg'; known keys: /);
  });
  it('the point-cloud solvers map reg and epsilon to eps', async () => {
    await expect(sinkhornPointClouds(pts(0), pts(1), { reg: 0.1 } as never)).rejects.toThrow(/^sinkhornPointClouds: options has an unknown key 'reg' \(did you mean 'eps'\?\)/);
    await expect(sinkhornDivergencePointClouds(pts(0), pts(1), { numItermax: 5 } as never)).rejects.toThrow(/did you mean 'maxIterations'\?/);
  });
});
