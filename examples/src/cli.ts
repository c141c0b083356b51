#!/usr/bin/env node
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { formatBackendReport, releaseWebGPU, selectBackend } from '@lemma/gpu-kernels';
import { expectSeed } from '@lemma/gpu-kernels/validate';
import type { BackendChoice } from '@lemma/gpu-kernels';
import { isCellWorker, serveCells, setCellCache, setCellWorkerEntry } from './lib/cell-pool';
import { progressEnabled } from './progress';
import { REGISTRY } from './registry';
import { lockOutDir, prepareOutDir } from './out-dir';
import type { OutLock } from './out-dir';
import { createReportWriter } from './report';
import { checkLogdir, logMetrics } from './metrics-log';
import type { ReproRecord, RunRecord } from './report';
import { runReproduction } from './runner';
import { sweepMain } from './sweep/cli';

const HELP = `Usage: pnpm start [-- [ids...] [options]]

Runs the registered paper reproductions and writes report/index.html + report/results.json, rewritten
(atomically) after each reproduction. Ctrl-C / SIGTERM stop after the current write with a report of what
finished (exit 130 / 143); so does a crash of the process running the reproductions. A lock file keeps a
second run out of the same folder.

Options:
  --backend <name>   auto (default, or $LEMMA_BACKEND) | webgpu | tensorflow | wasm | cpu
  --quick            small sizes, minutes on a CPU (default unless the backend is a real GPU)
  --full             paper-like sizes
  --seed <n>         base seed, a decimal integer in [0, 2^53 - 1] (default 0)
  --option <k=v>     set a reproduction's declared option (repeatable; used by sweeps)
  --workers <n>      worker threads for independent trainings (default: all cores on cpu/wasm, 1 on a GPU)
  --out <dir>        report folder (default report)
  --json             print results.json to stdout instead of one line per reproduction
  --png              also write PNG copies of the figures
  --logdir <dir>     also write TensorBoard logs: each training's loss curve as a run of its own
                     (<dir>/<id>/<run>/, tag train/loss; one run per trainSteps call, named by its cell) and
                     each finished reproduction's numeric metrics (<dir>/<id>/, tags metrics/<name>);
                     view with: tensorboard --logdir <dir>
  --cells <dir>      keep every finished cell (one training, one pair) in <dir> and reuse the ones already there:
                     a long run stopped by a time limit or a crash resumes where it stopped when run again with
                     the same <dir> (keyed by cell contents and backend, not by code: use a fresh <dir> after
                     changing the code)
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

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  // `pnpm start -- --list` forwards the `--` itself; drop it so options after it still parse as options.
  return parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      seed: { type: 'string', default: '0' },
      option: { type: 'string', multiple: true },
      workers: { type: 'string' },
      out: { type: 'string', default: 'report' },
      json: { type: 'boolean', default: false },
      png: { type: 'boolean', default: false },
      logdir: { type: 'string' },
      cells: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** Parses --seed: decimal digits only (no '', 0x10, 1e300, -1, 1.5), then a safe non-negative integer. */
function parseSeed(text: string): number {
  const bad = new Error(`--seed must be a decimal integer in [0, 2^53 - 1], got '${text}'`);
  if (!/^[0-9]+$/.test(text)) throw bad;
  try {
    return expectSeed('--seed', 'value', Number(text));
  } catch {
    throw bad;
  }
}

/** Everything checkable without work: flags, ids, seed, workers. */
function checkArgs(values: Values, positionals: string[]) {
  if (values.quick && values.full) throw new Error('--quick and --full are mutually exclusive');
  const seed = parseSeed(values.seed!);
  if (values.workers !== undefined && (!/^[0-9]+$/.test(values.workers) || +values.workers < 1 || +values.workers > 1024)) {
    throw new Error(`--workers must be an integer in [1, 1024], got '${values.workers}'`);
  }
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
  return { seed, chosen, options };
}

/** Messages from the process running the reproductions to the one writing the report. */
type ChildMessage = { type: 'start'; run: RunRecord } | { type: 'begin'; id: string } | { type: 'record'; rec: ReproRecord };

const CHILD_ENV = 'LEMMA_REPRO_RUNNER';
const log = (m: string) => process.stderr.write(`${m}\n`);
let lock: OutLock | undefined;
process.on('exit', () => lock?.release());

/**
 * The main job: checks and locks --out, runs the reproductions in a child process and writes the report after each
 * one. It does no computing itself, so it answers SIGINT/SIGTERM at once (a busy reproduction cannot delay that) and
 * survives a crash of the child; either way what finished is written, marked 'interrupted'.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if ((argv[0] === '--' ? argv[1] : argv[0]) === 'sweep') return sweepMain(argv.slice(argv[0] === '--' ? 2 : 1), fileURLToPath(import.meta.url));
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    for (const r of REGISTRY) console.log(`${r.id.padEnd(28)} ${r.title}  (${r.package})`);
    return 0;
  }
  const { chosen } = checkArgs(values, positionals);
  if (values.logdir !== undefined) checkLogdir(values.logdir);
  // The report folder is checked and locked before any work, so no finished reproduction can be lost to it.
  const outDir = await prepareOutDir(values.out!);
  lock = await lockOutDir(outDir);

  const writer = createReportWriter(outDir, { png: values.png });
  const t0 = performance.now();
  let run: RunRecord | undefined;
  let current: string | undefined;
  // Writes run one after another; each writes a snapshot taken when it was queued, so every file is one state.
  let writing: Promise<unknown> = Promise.resolve();
  const persist = (): Promise<unknown> => {
    const r = run!;
    const snapshot: RunRecord = { ...r, reproductions: [...r.reproductions], pending: [...(r.pending ?? [])], totalSeconds: (performance.now() - t0) / 1000 };
    writing = writing.then(() => writer.write(snapshot));
    return writing;
  };

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  let stopping = false;
  const finish = async (cause: string, code: number): Promise<number> => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await writing.catch(() => {});
    if (run && run.reproductions.length) {
      run.status = 'interrupted';
      run.interruption = { cause, ...(current ? { during: current } : {}) };
      await persist();
      log(`report: ${outDir}/index.html (interrupted by ${cause}; finished: ${run.reproductions.map((r) => r.id).join(', ')}; not finished: ${run.pending!.join(', ')})`);
    } else log(`${cause}: nothing finished; ${outDir} left as it was`);
    return code;
  };

  return new Promise<number>((resolveExit, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      log(`${signal}: stopping; writing what finished`);
      finish(signal, signal === 'SIGINT' ? 130 : 143).then(resolveExit, reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    child.on('message', (m: ChildMessage) => {
      if (stopping) return;
      if (m.type === 'start') run = { ...m.run, status: 'running', pending: chosen.map((r) => r.id), reproductions: [] };
      else if (m.type === 'begin') current = m.id;
      else if (m.type === 'record' && run) {
        current = undefined;
        run.reproductions.push(m.rec);
        if (values.logdir !== undefined) {
          try {
            logMetrics(values.logdir, m.rec);
          } catch (e) {
            log(`--logdir: could not write ${m.rec.id}'s metrics: ${(e as Error).message}`); // the report still gets them
          }
        }
        run.pending = run.pending!.filter((id) => id !== m.rec.id);
        if (run.pending.length === 0) run.status = 'complete';
        persist().catch(reject);
      }
    });
    child.on('close', (code, signal) => {
      if (stopping) return;
      if (code === 0 && run && run.status === 'complete') {
        writing.then(() => {
          if (values.json) console.log(JSON.stringify({ ...run, totalSeconds: (performance.now() - t0) / 1000 }, null, 1));
          else console.log(`report: ${outDir}/index.html`);
          resolveExit(run!.reproductions.every((r) => r.ok) ? 0 : 1);
        }, reject);
      } else if (code === 2 && !run) {
        resolveExit(2); // the child reported its error (e.g. the backend could not start) on stderr
      } else {
        finish(signal ? `the runner process killed by ${signal}` : `the runner process exiting with code ${code}`, 2).then(resolveExit, reject);
      }
    });
  });
}

/** The child: selects the backend and runs the reproductions, sending each finished record to the parent. */
async function runner(): Promise<number> {
  // Ctrl-C reaches the whole process group; the parent decides (and kills this process).
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.on('disconnect', () => process.exit(2));
  const send = (m: ChildMessage) => new Promise<void>((res, rej) => process.send!(m, (e: Error | null) => (e ? rej(e) : res())));
  const { values, positionals } = parse(process.argv.slice(2));
  const { seed, chosen, options } = checkArgs(values, positionals);
  const report = await selectBackend({ ...(values.backend ? { backend: values.backend as BackendChoice } : {}) });
  log(formatBackendReport(report));
  const quick = values.full ? false : values.quick ? true : report.backend !== 'webgpu' && report.backend !== 'tensorflow';
  log(`${chosen.length} reproduction(s), ${quick ? 'quick' : 'full'} mode, seed ${seed}`);
  const cpuBackend = report.backend === 'cpu' || report.backend === 'wasm';
  const workers = values.workers === undefined ? (cpuBackend ? availableParallelism() : 1) : Number(values.workers);
  setCellWorkerEntry(fileURLToPath(import.meta.url));
  if (values.cells !== undefined) {
    setCellCache(resolve(values.cells));
    log(`--cells: finished cells are kept in and reused from ${resolve(values.cells)}`);
  }
  log(`${workers} worker thread(s) for independent cells`);
  await send({
    type: 'start',
    run: {
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
    },
  });
  for (const r of chosen) {
    await send({ type: 'begin', id: r.id });
    const rec = await runReproduction(r, { quick, seed, backend: report.backend, workers, options, progress: progressEnabled(), log, ...(values.logdir === undefined ? {} : { logdir: values.logdir }) });
    if (!values.json) {
      const verdict = !rec.ok ? 'FAILED' : rec.reproduced === undefined ? 'done' : rec.reproduced ? 'reproduced' : 'NOT reproduced';
      console.log(`${rec.id}: ${verdict} in ${rec.seconds.toFixed(1)} s: ${rec.ok ? rec.summary : rec.error}`);
    }
    await send({ type: 'record', rec });
  }
  return 0;
}

if (isCellWorker()) {
  // A pool thread (lib/cell-pool.ts): same bundle, same registry, no CLI.
  void serveCells(async (backend) => {
    await selectBackend({ backend: backend as BackendChoice });
  });
} else {
  const child = process.env[CHILD_ENV] === '1' && process.send !== undefined;
  (child ? runner() : main()).then(
    (code) => {
      if (child) releaseWebGPU();
      lock?.release();
      process.exit(code);
    },
    (e: Error) => {
      process.stderr.write(`lemma-repro: ${e.message}\n`);
      lock?.release();
      process.exit(2);
    },
  );
}
