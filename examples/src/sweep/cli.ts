/**
 * `lemma-repro sweep <command> <spec.json> [options]`: expand, run on a local pool, run one trial by index (SLURM
 * arrays, Kubernetes Indexed Jobs, AWS Batch array jobs), enqueue on / work from / collect from a BullMQ queue, and
 * summarise the store.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createProgress, progressEnabled } from '../progress';
import { runLocalSweep } from './local-pool';
import { collectSweep, enqueueSweep, startQueueWorker } from './queue';
import { expandSweep, parseSweepSpec, type SweepSpec } from './spec';
import { appendRecord, readRecords } from './store';
import { summarizeSweep, sweepTable } from './summary';
import { runTrial } from './trial';

export const SWEEP_HELP = `Usage: lemma-repro sweep <command> <spec.json> [options]

Commands:
  expand     print the trials (one JSON line each: index, id, params, seed)
  run        run every unfinished trial on a local pool of worker processes (resumes; retries failures)
  trial      run one trial: --index N, or the index from $JOB_COMPLETION_INDEX (Kubernetes Indexed Job),
             $AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch) or $SLURM_ARRAY_TASK_ID (SLURM array)
  enqueue    add one BullMQ job per unfinished trial (--redis redis://host:port)
  worker     run jobs from the queue until stopped (--redis; any number of machines)
  collect    copy completed jobs' records into the store (--redis; --wait: until none is pending)
  summary    per parameter set: mean ± sd over seeds of every numeric metric; writes summary.json + summary.md

Options:
  --dir <d>          the sweep's folder (default sweeps/<name>); the store is <d>/results.jsonl
  --parallel <n>     local pool size (default: all cores)
  --index <n>        trial index for 'trial'
  --redis <url>      Redis for enqueue / worker / collect
  --queue <name>     queue name (default lemma-sweep-<name>)
  --concurrency <n>  trials at once in one queue worker (default 1)
  --lock-ms <ms>     a queue worker's job lock (default 30000): a dead worker's trial is rerun after it
  --sort <metric>    sort the summary by this metric (ascending)
  --wait             collect: poll until the queue has nothing pending`;

const INDEX_ENV = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX', 'SLURM_ARRAY_TASK_ID'];

function intOption(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < lo || n > hi) throw new Error(`sweep: --${name} must be an integer in [${lo}, ${hi}], got '${v}'`);
  return n;
}

/** The trial index of an array job: `--index`, else the first of the array-job variables that is set. */
export function resolveTrialIndex(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const source = flag !== undefined ? ['--index', flag] : INDEX_ENV.map((k) => [k, env[k]]).find(([, v]) => v !== undefined && v !== '');
  if (!source) throw new Error(`sweep trial: no index: pass --index N or set one of ${INDEX_ENV.join(', ')}`);
  const [name, v] = source as [string, string];
  if (!/^\d+$/.test(v)) throw new Error(`sweep trial: ${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

function loadSpec(path: string | undefined): SweepSpec {
  if (!path) throw new Error('sweep: a spec file is required (see lemma-repro sweep --help)');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`sweep: cannot read the spec '${path}': ${(e as Error).message}`);
  }
  return parseSweepSpec(raw);
}

/** Runs a sweep command; `cli` is the lemma CLI's own file (reproduction trials call it). Returns the exit code. */
export async function sweepMain(argv: string[], cli: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      parallel: { type: 'string' },
      index: { type: 'string' },
      redis: { type: 'string' },
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      'lock-ms': { type: 'string' },
      sort: { type: 'string' },
      wait: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, specPath] = positionals;
  if (values.help || !command) {
    console.log(SWEEP_HELP);
    return command || values.help ? 0 : 2;
  }
  const known = ['expand', 'run', 'trial', 'enqueue', 'worker', 'collect', 'summary'];
  if (!known.includes(command)) throw new Error(`sweep: unknown command '${command}' (known: ${known.join(', ')})`);
  const spec = loadSpec(specPath);
  const trials = expandSweep(spec);
  const dir = resolve(values.dir ?? join('sweeps', spec.name));
  const store = join(dir, 'results.jsonl');
  const needRedis = () => {
    if (!values.redis) throw new Error(`sweep ${command}: --redis redis://host:port is required`);
    return { redis: values.redis, ...(values.queue ? { queue: values.queue } : {}) };
  };
  const log = (m: string) => process.stderr.write(`${m}\n`);
  switch (command) {
    case 'expand':
      for (const t of trials) console.log(JSON.stringify(t));
      return 0;
    case 'run': {
      mkdirSync(dir, { recursive: true });
      const parallel = intOption('parallel', values.parallel, 1, 1024) ?? availableParallelism();
      const children = new Set<number>();
      let stop = false;
      const onSignal = (sig: NodeJS.Signals) => {
        stop = true;
        log(`sweep: ${sig}: stopping ${children.size} running trial(s); finished trials are in ${store} (run again to resume)`);
        for (const pid of children) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = createProgress(`sweep ${spec.name}`, trials.length, progressEnabled());
      log(`sweep ${spec.name}: ${trials.length} trial(s), ${parallel} at a time, store ${store}`);
      const s = await runLocalSweep(spec, trials, { store, parallel, progress, cli, stopped: () => stop, onSpawn: (pid) => children.add(pid) });
      progress.done();
      console.log(`sweep ${spec.name}: ${s.ok} ok, ${s.failed} failed, ${s.skipped} already done, ${s.total - s.skipped - s.ran} not run`);
      return stop ? 130 : s.failed > 0 ? 1 : 0;
    }
    case 'trial': {
      const index = resolveTrialIndex(values.index);
      const trial = trials[index];
      if (!trial) throw new Error(`sweep trial: index ${index} is out of range (the spec has ${trials.length} trials: 0..${trials.length - 1})`);
      mkdirSync(dir, { recursive: true });
      const rec = await runTrial(spec, trial, 1, { cli });
      appendRecord(store, rec);
      console.log(JSON.stringify(rec));
      return rec.status === 'ok' ? 0 : 1;
    }
    case 'enqueue': {
      const n = await enqueueSweep(spec, trials, needRedis(), store);
      console.log(`sweep ${spec.name}: enqueued ${n} new job(s) of ${trials.length} trial(s)`);
      return 0;
    }
    case 'worker': {
      const concurrency = intOption('concurrency', values.concurrency, 1, 1024) ?? 1;
      const lockDuration = intOption('lock-ms', values['lock-ms'], 100, 86_400_000);
      const w = await startQueueWorker(spec, needRedis(), { cli, concurrency, ...(lockDuration ? { lockDuration } : {}) });
      log(`sweep ${spec.name}: worker ${process.pid} ready (concurrency ${concurrency})`);
      await new Promise<void>((res) => {
        process.once('SIGINT', res);
        process.once('SIGTERM', res);
      });
      await w.close();
      return 0;
    }
    case 'collect': {
      mkdirSync(dir, { recursive: true });
      for (;;) {
        const s = await collectSweep(spec, needRedis(), store);
        log(`sweep ${spec.name}: ${s.collected} new record(s); ${s.completed} completed, ${s.failed} failed, ${s.pending} pending`);
        if (!values.wait || s.pending === 0) return s.failed > 0 ? 1 : 0;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    case 'summary': {
      const groups = summarizeSweep(readRecords(store), values.sort);
      const metrics = [...new Set(groups.flatMap((g) => Object.keys(g.metrics)))];
      const table = sweepTable(groups, values.sort ? [values.sort, ...metrics.filter((m) => m !== values.sort)] : metrics);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'summary.json'), JSON.stringify({ sweep: spec.name, trials: trials.length, groups }, null, 1));
      writeFileSync(join(dir, 'summary.md'), `# sweep ${spec.name}\n\n${table}\n`);
      console.log(table);
      return 0;
    }
  }
  return 2;
}
