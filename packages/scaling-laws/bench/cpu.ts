/**
 * CPU benchmark: simulated SGD steps of the eigenbasis Monte Carlo (64 seeds, d = 1024 / 4096, B = 1 / 32)
 * in this package (float64 typed arrays) vs the same simulation in NumPy, measured in the same run.
 * Run: npx tsx bench/cpu.ts   (prints a table; numbers go to bench/RESULTS.md by hand).
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateEigenbasisCPU, sgdSchedule } from '../src/index';
import { benchInputs as inputs } from './inputs';

const here = dirname(fileURLToPath(import.meta.url));
const SEEDS = 64;

const rows: string[] = [];
for (const d of [1024, 4096]) {
  for (const B of [1, 32]) {
    // Enough steps for ~1-3 s per side on a 2-core VM.
    const steps = Math.max(2, Math.round(4e7 / (d * B * SEEDS)));
    const inp = inputs(d);
    let tr = 0;
    for (const l of inp.lambda) tr += l;
    const hp = sgdSchedule(0.375 / tr);
    simulateEigenbasisCPU(inp, { hparams: hp, batch: B, seeds: 2, seed: 0, steps: [1] }); // warm-up (JIT)
    const t0 = performance.now();
    simulateEigenbasisCPU(inp, { hparams: hp, batch: B, seeds: SEEDS, seed: 1, steps: [steps] });
    const ours = (performance.now() - t0) / steps;
    const peer = JSON.parse(execFileSync('python3', [join(here, 'numpy_peer.py'), String(d), String(B), String(SEEDS), String(steps)], { encoding: 'utf8' })) as { msPerStep: number };
    const line = `| ${d} | ${B} | ${SEEDS} | ${steps} | ${ours.toFixed(2)} | ${peer.msPerStep.toFixed(2)} | ${(peer.msPerStep / ours).toFixed(2)}x |`;
    rows.push(line);
    console.log(JSON.stringify({ bench: 'eigenbasis-sgd', backend: 'cpu-typed-array', d, B, seeds: SEEDS, msPerStep: ours, numpyMsPerStep: peer.msPerStep }));
  }
}
console.log('| d | B | seeds | steps timed | ours ms/step | NumPy ms/step | speed-up |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
