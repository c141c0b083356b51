#!/usr/bin/env node
// Sums the dispatch profiles that LEMMA_TRAIN_PROFILE files hold (one JSON line per trainSteps call: models K and
// the GPU time of each dispatch of one replayed step): per file and K, the step's GPU time and, per pipeline label,
// dispatches and ms, largest first, so that a kernel whose cost grows with K stands out.
//   node scripts/device/dispatch-profile-table.mjs <profile.jsonl>... [--top N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 12;
const files = args.filter((a, i) => a !== '--top' && (topAt < 0 || i !== topAt + 1));
if (!files.length) {
  console.error('usage: dispatch-profile-table.mjs <profile.jsonl>... [--top N]');
  process.exit(2);
}
const fmt = (x) => x.toFixed(3);
for (const f of files) {
  const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const byK = new Map();
  for (const l of lines) {
    if (!byK.has(l.models)) byK.set(l.models, []);
    byK.get(l.models).push(l.dispatches);
  }
  for (const [k, steps] of [...byK].sort((a, b) => a[0] - b[0])) {
    // The median call's profile stands for the K (calls of one K differ only by noise).
    const totals = steps.map((d) => d.reduce((a, x) => a + x.gpuMs, 0));
    const order = totals.map((t, i) => [t, i]).sort((a, b) => a[0] - b[0]);
    const [total, at] = order[Math.floor(order.length / 2)];
    const d = steps[at];
    const byLabel = new Map();
    for (const x of d) {
      const e = byLabel.get(x.label) ?? { n: 0, ms: 0, maxMs: 0, wg: '' };
      e.n++;
      e.ms += x.gpuMs;
      if (x.gpuMs > e.maxMs) Object.assign(e, { maxMs: x.gpuMs, wg: x.workgroups.join('x') });
      byLabel.set(x.label, e);
    }
    console.log(`\n## ${basename(f)}: K=${k}, ${steps.length} call(s), median step ${fmt(total)} ms GPU over ${d.length} dispatches (${fmt(total / k)} ms per model)`);
    console.log('| pipeline | dispatches | ms | share | slowest ms (workgroups) |\n|---|---:|---:|---:|---|');
    for (const [label, e] of [...byLabel].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
      console.log(`| ${label} | ${e.n} | ${fmt(e.ms)} | ${((100 * e.ms) / total).toFixed(1)}% | ${fmt(e.maxMs)} (${e.wg}) |`);
    }
  }
}
