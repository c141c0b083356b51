/**
 * Linear assignment: @lemma/ot-matching's Jonker-Volgenant vs scipy.optimize.linear_sum_assignment on the same
 * matrices in the same run. Run: `npx tsx bench/assignment.ts [n ...]` (needs python3 with numpy + scipy).
 * Costs: uniform U(0,1) and weight-matching-like -A Bᵀ with Gaussian rows A, B in R^64.
 *
 * Method (identical for both sides): per case, one untimed warm-up call each, then `reps(n)` timed calls with ours and
 * scipy's interleaved (ours, scipy, ours, scipy, ...) so both see the same machine load; the median is reported.
 * scipy runs in one persistent python3 process (bench/assignment_peer.py) and is timed inside python around the call
 * only. `LSA_BASELINE=/path/to/assignment.ts` also times another build of the solver in the same interleaving.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRng } from '@lemma/gpu-kernels';
import { linearSumAssignment, type AssignmentResult, type CostMatrix } from '../src/assignment';

type Solver = (C: CostMatrix) => AssignmentResult;
const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, '..', '.bench');
mkdirSync(dir, { recursive: true });
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ns = sizes.length ? sizes : [1024, 2048, 4096];
const reps = (n: number): number => (n <= 1024 ? 21 : n <= 2048 ? 9 : 5);
const baselinePath = process.env.LSA_BASELINE;
const baseline: Solver | undefined = baselinePath ? ((await import(pathToFileURL(baselinePath).href)) as { linearSumAssignment: Solver }).linearSumAssignment : undefined;

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

// Persistent scipy peer: one request line in, one timing line out.
const peer = spawn('python3', [join(here, 'assignment_peer.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
async function scipyOnce(path: string, n: number): Promise<{ ms: number; cost: number; version: string }> {
  peer.stdin.write(`${JSON.stringify({ path, n })}\n`);
  const r = await lines.next();
  if (r.done) throw new Error('scipy peer exited');
  return JSON.parse(r.value as string) as { ms: number; cost: number; version: string };
}
const median = (t: number[]): number => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
function timeOnce(solve: Solver, n: number, C: Float64Array): { ms: number; cost: number } {
  const t = performance.now();
  const cost = solve({ rows: n, cols: n, data: C }).cost;
  return { ms: performance.now() - t, cost };
}

console.log(`| cost | n | @lemma/ot-matching (ms) |${baseline ? ' baseline (ms) |' : ''} scipy (ms) | speed-up |${baseline ? ' baseline speed-up |' : ''} same cost |`);
console.log(`|---|---|---|${baseline ? '---|' : ''}---|---|${baseline ? '---|' : ''}---|`);
let scipyVersion = '?';
// Warm the JIT once per process on every code path (dense and sparse phases): a one-off ~50 ms in a real program.
for (const w of [uniform(512, 1), gram(512, 2)]) for (let r = 0; r < 3; r++) linearSumAssignment({ rows: 512, cols: 512, data: w });
for (const n of ns) {
  for (const [name, C] of [['uniform', uniform(n, n)], ['-A B^T (d=64)', gram(n, n + 1)]] as const) {
    const path = join(dir, `lsa-${name.replace(/\W+/g, '')}-${n}.f64`);
    writeFileSync(path, Buffer.from(C.buffer, C.byteOffset, C.byteLength));
    // Untimed warm-up call per side on this very matrix.
    timeOnce(linearSumAssignment, n, C);
    if (baseline) timeOnce(baseline, n, C);
    await scipyOnce(path, n);
    const ours: number[] = [];
    const base: number[] = [];
    const sp: number[] = [];
    let cost = 0;
    let baseCost = 0;
    let peerCost = 0;
    for (let r = 0; r < reps(n); r++) {
      const o = timeOnce(linearSumAssignment, n, C);
      ours.push(o.ms);
      cost = o.cost;
      if (baseline) {
        const b = timeOnce(baseline, n, C);
        base.push(b.ms);
        baseCost = b.cost;
      }
      const p = await scipyOnce(path, n);
      sp.push(p.ms);
      peerCost = p.cost;
      scipyVersion = p.version;
    }
    const near = (a: number): boolean => Math.abs(a - peerCost) <= 1e-9 * Math.max(1, Math.abs(peerCost));
    const same = near(cost) && (!baseline || near(baseCost));
    const m = median(ours);
    const s = median(sp);
    const b = baseline ? median(base) : 0;
    console.log(
      `| ${name} | ${n} | ${m.toFixed(1)} |${baseline ? ` ${b.toFixed(1)} |` : ''} ${s.toFixed(1)} | ${(s / m).toFixed(2)}x |${baseline ? ` ${(s / b).toFixed(2)}x |` : ''} ${same ? 'yes' : `NO (${cost} / ${baseCost} vs ${peerCost})`} |`,
    );
  }
}
peer.stdin.end();
console.log(`\nscipy ${scipyVersion}, Node ${process.version}; one warm-up call per side per case, then the median of ${ns.map((n) => `${reps(n)} (n=${n})`).join(', ')} interleaved calls.`);
