#!/usr/bin/env node
// Merges what train-backends.sh left in its work folder into one table: per reproduction and backend, the CLI's wall
// time (results.json `seconds`), the training time and steps of every trainSteps call (the LEMMA_TRAIN_TIMING lines;
// for a call cut by RUN_TIMEOUT, its last partial line), ms per model-step (a step of K models at once counts K),
// how many calls replayed a step graph and their dispatches per step, and webgpu's speedup over wasm.
// Usage: node train-backends-table.mjs <work dir> <out.json> <out.md>
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [work, outJson, outMd] = process.argv.slice(2);
if (!work || !outJson || !outMd) throw new Error('usage: train-backends-table.mjs <work dir> <out.json> <out.md>');

/** Reads one run: <work>/<id>.<backend>/results.json, <work>/<id>.<backend>.timing.jsonl, <work>/<id>.<backend>.rc. */
function readRun(id, backend) {
  const base = join(work, `${id}.${backend}`);
  const rc = existsSync(`${base}.rc`) ? Number(readFileSync(`${base}.rc`, 'utf8').trim()) : null;
  const res = existsSync(join(base, 'results.json')) ? JSON.parse(readFileSync(join(base, 'results.json'), 'utf8')) : null;
  const rec = res?.reproductions?.find((r) => r.id === id) ?? null;
  const all = existsSync(`${base}.timing.jsonl`)
    ? readFileSync(`${base}.timing.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
  // Per trainSteps call its latest line: the final one, or the last partial one of a call cut by RUN_TIMEOUT.
  const latest = new Map();
  for (const l of all) if (!latest.has(l.call) || l.steps >= latest.get(l.call).steps) latest.set(l.call, l);
  const lines = [...latest.values()].filter((l) => l.steps > 0);
  // Model-steps: a step of K models at once (trainMlps, grouped cells) counts K.
  const steps = lines.reduce((a, l) => a + l.steps * (l.models ?? 1), 0);
  const graphDispatches = lines.filter((l) => l.dispatches !== undefined).map((l) => l.dispatches);
  const trainMs = lines.reduce((a, l) => a + l.ms, 0);
  const reasons = [...new Set(lines.map((l) => l.fallbackReason).filter(Boolean))];
  return {
    id,
    backend,
    ranOn: res?.backend?.name ?? null,
    ok: rc === 0 && rec?.ok === true,
    // Stopped by RUN_TIMEOUT: its finished trainSteps calls (if any) still give ms per step.
    partial: rc === 124,
    rc,
    ...(rec && !rec.ok ? { error: rec.error } : {}),
    wallSeconds: rec?.seconds ?? null,
    trainings: lines.length,
    unfinishedTrainings: lines.filter((l) => !l.done).length,
    graphTrainings: lines.filter((l) => l.mode === 'graph').length,
    steps,
    trainSeconds: trainMs / 1000,
    msPerStep: steps > 0 ? trainMs / steps : null,
    ...(graphDispatches.length ? { dispatchesPerStep: [Math.min(...graphDispatches), Math.max(...graphDispatches)] } : {}),
    ...(reasons.length ? { fallbackReasons: reasons } : {}),
  };
}

const runs = readdirSync(work)
  .map((f) => /^(.+)\.([a-z]+)\.rc$/.exec(f))
  .filter(Boolean)
  .map(([, id, backend]) => readRun(id, backend));
const ids = [...new Set(runs.map((r) => r.id))];
const rows = ids.map((id) => {
  const by = Object.fromEntries(runs.filter((r) => r.id === id).map((r) => [r.backend, r]));
  // Per step: any run whose trainings finished (also one cut by RUN_TIMEOUT or failing after training); wall: ok runs.
  const usable = (r, k) => r && r[k] && (k === 'msPerStep' || r.ok);
  const ratio = (k) => (usable(by.wasm, k) && usable(by.webgpu, k) ? by.wasm[k] / by.webgpu[k] : null);
  // Throughput, what the wall time would say when both were cut at RUN_TIMEOUT: training steps finished in the same
  // wall time (wasm runs its cells in parallel threads, so ms per step alone overstates webgpu).
  const both = (k) => by.wasm?.[k] && by.webgpu?.[k];
  const webgpuSpeedupThroughput = both('partial') && by.wasm.steps > 0 ? by.webgpu.steps / by.wasm.steps : null;
  const firstDone = by.webgpu?.ok && by.wasm?.partial ? 'webgpu' : by.wasm?.ok && by.webgpu?.partial ? 'wasm' : null;
  return { id, runs: by, webgpuSpeedupWall: ratio('wallSeconds'), webgpuSpeedupPerStep: ratio('msPerStep'), webgpuSpeedupThroughput, firstDone };
});
const doc = { generatedAt: new Date().toISOString(), rows };
writeFileSync(outJson, `${JSON.stringify(doc, null, 1)}\n`);

const f = (v, d = 1) => (v === null || v === undefined ? '—' : v.toFixed(d));
const dispatches = (r) => (r.dispatchesPerStep ? `, ${r.dispatchesPerStep[0] === r.dispatchesPerStep[1] ? r.dispatchesPerStep[0] : r.dispatchesPerStep.join('–')} dispatches/step` : '');
const steps = (r) => `${f(r.msPerStep, 2)} ms/model-step over ${r.steps} model-steps (${r.graphTrainings}/${r.trainings} graph${dispatches(r)})`;
const cell = (r) => (!r ? '—' : r.ok ? `${f(r.wallSeconds)} s, ${steps(r)}` : `${r.partial ? 'cut at RUN_TIMEOUT' : `FAILED (rc ${r.rc}${r.error ? `: ${r.error.slice(0, 60)}` : ''})`}${r.steps ? `, ${steps(r)}` : ''}`);
const md = [
  '| reproduction | wasm | webgpu | webgpu speedup: wall (both finished) or steps in the same wall time (both cut) | per step |',
  '|---|---|---|---:|---:|',
  ...rows.map((r) => {
    const wall = r.webgpuSpeedupWall !== null ? f(r.webgpuSpeedupWall, 2) : r.webgpuSpeedupThroughput !== null ? `${f(r.webgpuSpeedupThroughput, 2)} (steps)` : r.firstDone ? `> 1 for ${r.firstDone} (it finished, the other was cut)` : '—';
    return `| ${r.id} | ${cell(r.runs.wasm)} | ${cell(r.runs.webgpu)} | ${wall} | ${f(r.webgpuSpeedupPerStep, 2)} |`;
  }),
];
writeFileSync(outMd, `${md.join('\n')}\n`);
console.log(md.join('\n'));
