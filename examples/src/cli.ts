#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBackendReport, releaseWebGPU, selectBackend } from '@lemma/gpu-kernels';
import type { BackendChoice } from '@lemma/gpu-kernels';
import { isCellWorker, serveCells, setCellWorkerEntry } from './lib/cell-pool';
import { progressEnabled } from './progress';
import { REGISTRY } from './registry';
import { writeReport } from './report';
import type { RunRecord } from './report';
import { runReproduction } from './runner';
import { sweepMain } from './sweep/cli';

const HELP = `Usage: pnpm start [-- [ids...] [options]]

Runs the registered paper reproductions and writes report/index.html + report/results.json.

Options:
  --backend <name>   auto (default, or $LEMMA_BACKEND) | webgpu | tensorflow | wasm | cpu
  --quick            small sizes, minutes on a CPU (default unless the backend is a real GPU)
  --full             paper-like sizes
  --seed <n>         base seed (default 0)
  --option <k=v>     set a reproduction's declared option (repeatable; used by sweeps)
  --workers <n>      worker threads for independent trainings (default: all cores on cpu/wasm, 1 on a GPU)
  --out <dir>        report folder (default report)
  --json             print results.json to stdout instead of one line per reproduction
  --png              also write PNG copies of the figures
  --list             list reproductions and exit
  -h, --help         this text

Sweeps: pnpm start -- sweep --help`;

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { node: process.version };
  for (const pkg of ['@tensorflow/tfjs-core', '@lemma/gpu-kernels', '@lemma/optim', '@lemma/scaling-laws', '@lemma/ot-matching', '@lemma/equivariant-prune', '@lemma/curated-retrain']) {
    try {
      out[pkg] = (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      out[pkg] = 'unknown';
    }
  }
  return out;
}

async function main(): Promise<number> {
  // `pnpm start -- --list` forwards the `--` itself; drop it so options after it still parse as options.
  const argv0 = process.argv.slice(2);
  const argv = argv0[0] === '--' ? argv0.slice(1) : argv0;
  if (argv[0] === 'sweep') return sweepMain(argv.slice(1), fileURLToPath(import.meta.url));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      seed: { type: 'string', default: '0' },
      workers: { type: 'string' },
      option: { type: 'string', multiple: true },
      out: { type: 'string', default: 'report' },
      json: { type: 'boolean', default: false },
      png: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    for (const r of REGISTRY) console.log(`${r.id.padEnd(28)} ${r.title}  (${r.package})`);
    return 0;
  }
  if (values.quick && values.full) throw new Error('--quick and --full are mutually exclusive');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got '${values.seed}'`);
  const unknown = positionals.filter((id) => !REGISTRY.some((r) => r.id === id));
  if (unknown.length) {
    throw new Error(`unknown reproduction(s): ${unknown.join(', ')}; known: ${REGISTRY.map((r) => r.id).join(', ')}`);
  }
  const chosen = positionals.length ? REGISTRY.filter((r) => positionals.includes(r.id)) : REGISTRY;
  const options: Record<string, string> = {};
  for (const kv of values.option ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new Error(`--option must be key=value, got '${kv}'`);
    options[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  if (Object.keys(options).length && chosen.length !== 1) throw new Error('--option applies to one reproduction: name exactly one');
  const log = (m: string) => process.stderr.write(`${m}\n`);

  const report = await selectBackend({ ...(values.backend ? { backend: values.backend as BackendChoice } : {}) });
  log(formatBackendReport(report));
  const quick = values.full ? false : values.quick ? true : report.backend !== 'webgpu' && report.backend !== 'tensorflow';
  log(`${chosen.length} reproduction(s), ${quick ? 'quick' : 'full'} mode, seed ${seed}`);

  const cpuBackend = report.backend === 'cpu' || report.backend === 'wasm';
  const workers = values.workers === undefined ? (cpuBackend ? availableParallelism() : 1) : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) throw new Error(`--workers must be an integer in [1, 1024], got '${values.workers}'`);
  setCellWorkerEntry(fileURLToPath(import.meta.url));
  log(`${workers} worker thread(s) for independent cells`);

  const t0 = performance.now();
  const run: RunRecord = {
    generatedAt: new Date().toISOString(),
    command: `lemma-repro ${process.argv.slice(2).join(' ')}`.trim(),
    quick,
    seed,
    backend: {
      name: report.backend,
      detail: report.detail,
      skipped: report.attempts.filter((a) => !a.ok).map((a) => ({ name: a.name, reason: a.reason })),
    },
    versions: versions(),
    totalSeconds: 0,
    reproductions: [],
  };
  for (const r of chosen) {
    const rec = await runReproduction(r, { quick, seed, backend: report.backend, workers, options, progress: progressEnabled(), log });
    run.reproductions.push(rec);
    if (!values.json) {
      const verdict = !rec.ok ? 'FAILED' : rec.reproduced === undefined ? 'done' : rec.reproduced ? 'reproduced' : 'NOT reproduced';
      console.log(`${rec.id}: ${verdict} in ${rec.seconds.toFixed(1)} s: ${rec.ok ? rec.summary : rec.error}`);
    }
  }
  run.totalSeconds = (performance.now() - t0) / 1000;
  const outDir = resolve(values.out!);
  const index = await writeReport(outDir, run, { png: values.png });
  if (values.json) console.log(JSON.stringify(run, null, 1));
  else console.log(`report: ${index}`);
  return run.reproductions.every((r) => r.ok) ? 0 : 1;
}

if (isCellWorker()) {
  // A pool thread (lib/cell-pool.ts): same bundle, same registry, no CLI.
  void serveCells(async (backend) => {
    await selectBackend({ backend: backend as BackendChoice });
  });
} else main().then(
  (code) => {
    releaseWebGPU();
    process.exit(code);
  },
  (e: Error) => {
    process.stderr.write(`lemma-repro: ${e.message}\n`);
    process.exit(2);
  },
);
