/**
 * On-demand CPU benchmark of the curation step (`npx tsx bench/curation.ts [--quick]` from the package folder).
 * Times, in one run: per-group Luce choice on typed arrays (Philox Gumbel noise, float64), the same operator on
 * the tfjs wasm backend through gpu-kernels' gumbelMaxSelect, the exact H_K quadrature, and NumPy's
 * equivalents (bench/curation_peer.py, run as a child process). Prints a markdown table on stdout.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { luceH, luceSelect, luceSelectTensor } from '../src/index';

const quick = process.argv.includes('--quick');
const K = 4;
const groupSizes = quick ? [1e4, 1e5] : [1e4, 1e5, 1e6];
const atomSizes = quick ? [1e3] : [1e3, 1e4];

async function time(fn: () => unknown | Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

const rows: { op: string; size: string; ts: number; peer: number | null }[] = [];
const here = dirname(fileURLToPath(import.meta.url));
const peer = JSON.parse(
  execFileSync('python3', [join(here, 'curation_peer.py'), JSON.stringify({ K, groupSizes, atomSizes })], { encoding: 'utf8' }),
) as Record<string, number>;

for (const G of groupSizes) {
  const scores = createRng(1).normalArray(G * K);
  const rng = createRng(2);
  const reps = G >= 1e6 ? 3 : 10;
  rows.push({ op: 'Luce choice, typed arrays, Gumbel-max', size: `${G} groups × K=${K}`, ts: await time(() => luceSelect(scores, K, rng, 1, 'gumbel'), reps), peer: peer[`select_${G}`] ?? null });
  rows.push({ op: 'Luce choice, typed arrays, inverse CDF', size: `${G} groups × K=${K}`, ts: await time(() => luceSelect(scores, K, rng, 1, 'inverse-cdf'), reps), peer: peer[`select_${G}`] ?? null });
}
await selectBackend('wasm');
for (const G of groupSizes) {
  const scores = tf.tensor1d(Float32Array.from(createRng(1).normalArray(G * K)));
  const reps = G >= 1e6 ? 3 : 10;
  let s = 0;
  rows.push({ op: 'Luce choice, tfjs wasm (gumbelMaxSelect)', size: `${G} groups × K=${K}`, ts: await time(() => luceSelectTensor(scores, { K, seed: 3, stream: s++ }), reps), peer: peer[`select_${G}`] ?? null });
  scores.dispose();
}
for (const n of atomSizes) {
  const p = new Float64Array(n).fill(1 / n);
  const r = Float64Array.from(createRng(4).normalArray(n), (v) => 3 * v);
  rows.push({ op: 'exact H_K, quadrature (float64)', size: `${n} atoms, K=${K}`, ts: await time(() => luceH(p, r, { K, method: 'quadrature' }), 3), peer: peer[`h_${n}`] ?? null });
}

console.log(`| operation | size | @lemma/curated-retrain (ms) | NumPy ${peer.numpy_version} (ms) |`);
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.op} | ${r.size} | ${r.ts.toFixed(2)} | ${r.peer === null ? '—' : r.peer.toFixed(2)} |`);
