/** Bad-input table of scaling-laws' exports (run by scaling-laws.bad-inputs.test.ts; harness in @lemma/gpu-kernels/testing). */
import type { BadInputCase } from '@lemma/gpu-kernels/testing';
import { bootstrapChinchilla, chinchillaOptimalAllocation, fitChinchilla } from '../fitting/chinchilla';
import { genMomExpectedRisk, genMomRiskODE } from '../theory/momentum-dynamics';
import { classifyPhase } from '../theory/phases';
import { plrfInstance, traceD } from '../theory/plrf';
import { sgdSchedule } from '../theory/schedule';
import { sgdExpectedRisk } from '../theory/sgd-recursion';
import { simulateEigenbasisCPU } from '../simulation/simulate-cpu';
import { geometricStepGrid } from '../step-grid';
import { theoryInputs, theoryKappa, theoryLimitRisk, theoryTau } from '../theory/theory-inputs';

const cases: BadInputCase<never>[] = [];
const add = <A>(c: BadInputCase<A>) => cases.push(c as unknown as BadInputCase<never>);

// Hangs before: the ratio 10^(1/Infinity) is 1; a sum to v = Infinity; 1e9 recursion steps.
for (const perDecade of [Infinity, 0, -1, Number.NaN, 1e6]) {
  add({ fn: 'geometricStepGrid', bad: `perDecade: ${perDecade}`, call: () => geometricStepGrid(1000, perDecade), throws: /geometricStepGrid: perDecade must be a finite number > 0 and <= 100000/ });
}
for (const tMax of [0, 1.5, Infinity, 2 ** 60]) add({ fn: 'geometricStepGrid', bad: `tMax: ${tMax}`, call: () => geometricStepGrid(tMax), throws: /geometricStepGrid: tMax must be a positive integer/ });
for (const v of [Infinity, -1, 2.5, 1e9]) add({ fn: 'traceD', bad: `v: ${v}`, call: () => traceD(1, v), throws: /traceD: v must be a non-negative integer <= 100000000/ });
add({ fn: 'traceD', bad: 'alpha: NaN', call: () => traceD(Number.NaN, 3), throws: /traceD: alpha must be a finite number, got NaN/ });
add({ fn: 'traceD', bad: 'v: 0', call: () => traceD(1, 0), accepts: 'the empty sum is 0' });

const inst = () => theoryInputs({ alpha: 1, beta: 0.4, d: 20 });
type I = ReturnType<typeof inst>;
for (const [label, steps, re] of [
  ['steps: [1e9]', [1e9], /sgdExpectedRisk: steps\[0\] must be an integer in \[0, 500000000\]/],
  ['steps: [5, 3]', [5, 3], /sgdExpectedRisk: steps\[1\] must be an integer in \[steps\[0\] = 5,/],
  ['steps: [1.5]', [1.5], /sgdExpectedRisk: steps\[0\] must be an integer/],
  ['steps: [NaN]', [Number.NaN], /sgdExpectedRisk: steps\[0\] must be a finite number, got NaN/],
  ["steps: 'abc'", 'abc', /sgdExpectedRisk: steps must be an array of finite numbers, got 'abc'/],
] as const) {
  add({ fn: 'sgdExpectedRisk', bad: label, setup: inst, call: (i: I) => sgdExpectedRisk(i, { lr: 0.1, steps: steps as never }), throws: re });
}
add({ fn: 'sgdExpectedRisk', bad: 'lr: NaN', setup: inst, call: (i: I) => sgdExpectedRisk(i, { lr: Number.NaN, steps: [1] }), throws: /sgdExpectedRisk: lr must be a finite number > 0, got NaN/ });
add({ fn: 'sgdExpectedRisk', bad: 'batch: 0', setup: inst, call: (i: I) => sgdExpectedRisk(i, { lr: 0.1, batch: 0, steps: [1] }), throws: /sgdExpectedRisk: batch must be a positive integer, got 0/ });
add({ fn: 'sgdExpectedRisk', bad: 'inputs.lambda with NaN', setup: inst, call: (i: I) => sgdExpectedRisk({ ...i, lambda: Float64Array.from(i.lambda, (x, k) => (k === 3 ? Number.NaN : x)) }, { lr: 0.1, steps: [1] }), throws: /sgdExpectedRisk: inputs.lambda\[3\] must be a finite number, got NaN/ });
add({ fn: 'sgdExpectedRisk', bad: 'inputs.rho0 of the wrong length', setup: inst, call: (i: I) => sgdExpectedRisk({ ...i, rho0: i.rho0.subarray(1) }, { lr: 0.1, steps: [1] }), throws: /sgdExpectedRisk: inputs.rho0 must be an array of length 20/ });
add({ fn: 'genMomExpectedRisk', bad: 'steps: [1e9]', setup: inst, call: (i: I) => genMomExpectedRisk(i, { hparams: sgdSchedule(0.1), steps: [1e9] }), throws: /genMomExpectedRisk: steps\[0\] must be an integer in \[0, 500000000\]/ });
add({ fn: 'genMomRiskODE', bad: 'dTau: 1e-300', setup: inst, call: (i: I) => genMomRiskODE(i, { hparams: sgdSchedule(0.1), tMax: 1e6, dTau: 1e-300 }), throws: /genMomRiskODE: dTau must be a number >= ln\(1 \+ tMax\)/ });
add({ fn: 'genMomRiskODE', bad: 'tMax: Infinity', setup: inst, call: (i: I) => genMomRiskODE(i, { hparams: sgdSchedule(0.1), tMax: Infinity }), throws: /genMomRiskODE: tMax must be a finite number > 0, got Infinity/ });

// Monte Carlo: seeds, sizes and the work cap.
const sim = (over: Record<string, unknown>) => (i: I) => simulateEigenbasisCPU(i, { hparams: sgdSchedule(0.1), seeds: 2, seed: 1, steps: [1, 2], ...over } as never);
add({ fn: 'simulateEigenbasisCPU', bad: 'seed: 1.5', setup: inst, call: sim({ seed: 1.5 }), throws: /simulateEigenbasisCPU: seed must be a safe non-negative integer/ });
add({ fn: 'simulateEigenbasisCPU', bad: 'seed: -1', setup: inst, call: sim({ seed: -1 }), throws: /simulateEigenbasisCPU: seed must be a safe non-negative integer/ });
add({ fn: 'simulateEigenbasisCPU', bad: 'seeds: 0', setup: inst, call: sim({ seeds: 0 }), throws: /simulateEigenbasisCPU: seeds must be a positive integer, got 0/ });
add({ fn: 'simulateEigenbasisCPU', bad: 'steps: [1e12]', setup: inst, call: sim({ steps: [1e12] }), throws: /simulateEigenbasisCPU: steps\[0\] must be an integer in \[0, 250000000\]/ });
add({ fn: 'plrfInstance', bad: 'seed: 2^64', call: () => plrfInstance({ alpha: 1, beta: 0.4, d: 8, seed: 2 ** 64 }), throws: /plrfInstance: seed must be a safe non-negative integer/ });
add({ fn: 'plrfInstance', bad: 'd: 1e5', call: () => plrfInstance({ alpha: 1, beta: 0.4, d: 1e5, seed: 0 }), throws: /plrfInstance: d must be a positive integer <= 4096/ });
add({ fn: 'plrfInstance', bad: 'v <= d', call: () => plrfInstance({ alpha: 1, beta: 0.4, d: 8, v: 8, seed: 0 }), throws: /plrfInstance: v must be > d \(8\) so K is full rank, got 8/ });

// Theory sums.
add({ fn: 'theoryKappa', bad: 'alpha: 0.3', call: () => theoryKappa(0.3, 40, 10), throws: /theoryKappa: alpha must be a finite number > 0.5, got 0.3/ });
add({ fn: 'theoryTau', bad: 'v: 1e9', call: () => theoryTau(0.3, 1e9, 10), throws: /theoryTau: v must be a positive integer <= 1000000/ });
add({ fn: 'theoryLimitRisk', bad: 'v: 1e12', call: () => theoryLimitRisk(1, 0.4, 1e12, 10), throws: /theoryLimitRisk: v must be a positive integer <= 10000000/ });
add({ fn: 'theoryInputs', bad: 'd: 1.5', call: () => theoryInputs({ alpha: 1, beta: 0.4, d: 1.5 }), throws: /theoryInputs: d must be a positive integer/ });
add({ fn: 'classifyPhase', bad: 'alpha: NaN', call: () => classifyPhase(Number.NaN, 0.4), throws: /classifyPhase: alpha must be a finite number > 0, got NaN/ });

// Chinchilla: a noiseless surface of 9 points.
const surface = () => {
  const N: number[] = [];
  const D: number[] = [];
  const L: number[] = [];
  for (const n of [1e7, 1e8, 1e9]) for (const d of [1e9, 1e10, 1e11]) {
    N.push(n);
    D.push(d);
    L.push(1.7 + 400 / n ** 0.34 + 410 / d ** 0.28);
  }
  return { N, D, L };
};
type O = ReturnType<typeof surface>;
for (const huberDelta of [-1, 0, Number.NaN, Infinity]) {
  add({ fn: 'fitChinchilla', bad: `huberDelta: ${huberDelta}`, setup: surface, call: (o: O) => fitChinchilla(o, { huberDelta }), throws: /fitChinchilla: opts.huberDelta must be a finite number > 0/ });
}
add({ fn: 'fitChinchilla', bad: "starts: 'all'", setup: surface, call: (o: O) => fitChinchilla(o, { starts: 'all' as 'varpro' }), throws: /fitChinchilla: opts.starts must be 'approach3' or 'varpro', got 'all'/ });
add({ fn: 'fitChinchilla', bad: 'opts: unknown key', setup: surface, call: (o: O) => fitChinchilla(o, { delta: 1 } as never), throws: /fitChinchilla: opts has an unknown key 'delta'/ });
add({ fn: 'fitChinchilla', bad: 'obs.L[2]: -3', setup: surface, call: (o: O) => fitChinchilla({ ...o, L: o.L.map((l, i) => (i === 2 ? -3 : l)) }), throws: /fitChinchilla: obs.L\[2\] must be a finite number > 0, got -3/ });
add({ fn: 'fitChinchilla', bad: 'obs.N[0]: NaN', setup: surface, call: (o: O) => fitChinchilla({ ...o, N: o.N.map((x, i) => (i === 0 ? Number.NaN : x)) }), throws: /fitChinchilla: obs.N\[0\] must be a finite number, got NaN/ });
add({ fn: 'fitChinchilla', bad: 'obs.D: shorter', setup: surface, call: (o: O) => fitChinchilla({ ...o, D: o.D.slice(1) }), throws: /fitChinchilla: obs.D must be an array of length 9, got an array of length 8/ });
add({ fn: 'fitChinchilla', bad: '4 observations', setup: surface, call: (o: O) => fitChinchilla({ N: o.N.slice(0, 4), D: o.D.slice(0, 4), L: o.L.slice(0, 4) }), throws: /fitChinchilla: obs.N must be at least 5 observations/ });
for (const [label, over, re] of [
  ['resamples: 1e9', { resamples: 1e9 }, /bootstrapChinchilla: opts.resamples must be an integer >= 2 and <= 100000, got 1000000000/],
  ['resamples: 0', { resamples: 0 }, /bootstrapChinchilla: opts.resamples must be an integer >= 2/],
  ['resamples: 1.5', { resamples: 1.5 }, /bootstrapChinchilla: opts.resamples must be an integer >= 2/],
  ['level: 1.5', { level: 1.5 }, /bootstrapChinchilla: opts.level must be a finite number > 0 and < 1, got 1.5/],
  ['level: 0', { level: 0 }, /bootstrapChinchilla: opts.level must be a finite number > 0 and < 1, got 0/],
  ['level: NaN', { level: Number.NaN }, /bootstrapChinchilla: opts.level must be/],
  ['seed: -1', { seed: -1 }, /bootstrapChinchilla: opts.seed must be a safe non-negative integer/],
  ['seed: 1.5', { seed: 1.5 }, /bootstrapChinchilla: opts.seed must be a safe non-negative integer/],
  ['huberDelta: -1', { huberDelta: -1 }, /bootstrapChinchilla: opts.huberDelta must be a finite number > 0/],
  ['opts: unknown key', { samples: 10 }, /bootstrapChinchilla: opts has an unknown key 'samples'/],
] as const) {
  add({ fn: 'bootstrapChinchilla', bad: label, setup: surface, call: (o: O) => bootstrapChinchilla(o, { ...{ seed: 1, resamples: 10 }, ...over } as never), throws: re });
}
add({ fn: 'chinchillaOptimalAllocation', bad: 'C: -1', call: () => chinchillaOptimalAllocation({ E: 1, A: 1, B: 1, a: 0.3, b: 0.3 }, -1), throws: /chinchillaOptimalAllocation: C must be a finite number > 0, got -1/ });

export { cases };
