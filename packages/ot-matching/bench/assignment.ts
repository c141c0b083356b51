/**
 * Linear assignment: @lemma/ot-matching's Jonker-Volgenant vs scipy.optimize.linear_sum_assignment on the same
 * matrices in the same run. Run: `npx tsx bench/assignment.ts [n ...]` (needs python3 with numpy + scipy).
 * Costs: uniform U(0,1) and weight-matching-like -A Bᵀ with Gaussian rows A, B in R^64.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@lemma/gpu-kernels';
import { linearSumAssignment } from '../src/assignment';

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, '..', '.bench');
mkdirSync(dir, { recursive: true });
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ns = sizes.length ? sizes : [1024, 2048, 4096];
const reps = (n: number): number => (n <= 1024 ? 5 : n <= 2048 ? 3 : 1);

function uniform(n: number, seed: number): Float64Array {
  return createRng(seed).uniformArray(n * n);
}
function gram(n: number, seed: number, d = 64): Float64Array {
  const rng = createRng(seed);
  const A = rng.normalArray(n * d);
  const B = rng.normalArray(n * d);
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k]! * B[j * d + k]!;
      C[i * n + j] = -s;
    }
  return C;
}

const cases: { name: string; n: number; C: Float64Array; path: string; reps: number }[] = [];
for (const n of ns) {
  for (const [name, C] of [['uniform', uniform(n, n)], ['-A B^T (d=64)', gram(n, n + 1)]] as const) {
    const path = join(dir, `lsa-${name.replace(/\W+/g, '')}-${n}.f64`);
    writeFileSync(path, Buffer.from(C.buffer, C.byteOffset, C.byteLength));
    cases.push({ name, n, C, path, reps: reps(n) });
  }
}
console.log('| cost | n | @lemma/ot-matching (ms) | scipy (ms) | speed-up | same cost |');
console.log('|---|---|---|---|---|---|');
let scipyVersion = '?';
// Warm the JIT once per process on every code path (dense and sparse phases): a one-off ~50 ms in a real program.
for (const w of [uniform(512, 1), gram(512, 2)]) for (let r = 0; r < 3; r++) linearSumAssignment({ rows: 512, cols: 512, data: w });
for (const c of cases) {
  const times: number[] = [];
  let cost = 0;
  for (let r = 0; r < c.reps; r++) {
    const t = performance.now();
    cost = linearSumAssignment({ rows: c.n, cols: c.n, data: c.C }).cost;
    times.push(performance.now() - t);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  // The peer runs right after ours on the same bytes, so both see the same machine load.
  const p = (
    JSON.parse(
      execFileSync('python3', [join(here, 'assignment_peer.py'), JSON.stringify([{ name: c.name, n: c.n, path: c.path, reps: c.reps }])], { encoding: 'utf8' }),
    ) as { name: string; n: number; ms: number; cost: number; version: string }[]
  )[0]!;
  scipyVersion = p.version;
  const same = Math.abs(cost - p.cost) <= 1e-9 * Math.max(1, Math.abs(p.cost));
  console.log(`| ${c.name} | ${c.n} | ${ms.toFixed(1)} | ${p.ms.toFixed(1)} | ${(p.ms / ms).toFixed(2)}x | ${same ? 'yes' : `NO (${cost} vs ${p.cost})`} |`);
}
console.log(`\nscipy ${scipyVersion}, Node ${process.version}; median of ${ns.map((n) => `${reps(n)} (n=${n})`).join(', ')} runs.`);
