import { join } from 'node:path';
import { seedDerivationRecord } from './lib/seeds';
import { TRAIN_LOGDIR_ENV } from './lib/timed-train-steps';
import { createProgress } from './progress';
import type { ReproRecord } from './report';
import type { ReproContext, Reproduction } from './types';

/** Options of {@link runReproduction}. */
export interface RunOptions {
  quick: boolean;
  seed: number;
  backend: string;
  /** Worker threads for independent cells. */
  workers: number;
  /** `--option key=value` pairs, checked against the reproduction's declared options. */
  options?: Record<string, string>;
  /** Draw progress bars on stderr. */
  progress: boolean;
  /** `--logdir`: the reproduction's trainings log their losses under `<logdir>/<id>/<run>/` (TensorBoard). */
  logdir?: string;
  log: (message: string) => void;
}

/** Parses `--option` values by the reproduction's declared types; an undeclared key is an error. */
export function parseReproOptions(r: Reproduction, raw: Record<string, string>): Record<string, number | string | boolean> {
  const declared = r.options ?? {};
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(raw)) {
    const d = declared[k];
    if (!d) {
      const names = Object.keys(declared);
      throw new Error(`${r.id}: unknown option '${k}' (${names.length ? `options: ${names.join(', ')}` : 'it takes no options'})`);
    }
    if (d.type === 'number') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`${r.id}: option ${k} must be a finite number, got '${v}'`);
      out[k] = n;
    } else if (d.type === 'boolean') {
      if (v !== 'true' && v !== 'false') throw new Error(`${r.id}: option ${k} must be true or false, got '${v}'`);
      out[k] = v === 'true';
    } else out[k] = v;
  }
  return out;
}

/** Runs one reproduction, catching its failure into the record (the run goes on with the next one). */
export async function runReproduction(r: Reproduction, opts: RunOptions): Promise<ReproRecord> {
  const ctx: ReproContext = {
    quick: opts.quick,
    seed: opts.seed,
    backend: opts.backend,
    workers: opts.workers,
    options: parseReproOptions(r, opts.options ?? {}),
    ...(opts.logdir === undefined ? {} : { logdir: join(opts.logdir, r.id) }),
    progress: (label, total) => createProgress(`${r.id}: ${label}`, total, opts.progress),
    log: (m) => opts.log(`[${r.id}] ${m}`),
  };
  const t0 = performance.now();
  const base = { id: r.id, title: r.title, paper: r.paper, package: r.package };
  const derivations = r.seedDerivations?.length ? { seedDerivations: seedDerivationRecord(r.seedDerivations) } : {};
  // timedTrainSteps reads the folder from the environment, so that trainings deep in a reproduction, and in the
  // cell pool's worker threads (which copy the environment when they start), log without being handed it.
  const previousLogdir = process.env[TRAIN_LOGDIR_ENV];
  if (ctx.logdir === undefined) delete process.env[TRAIN_LOGDIR_ENV];
  else process.env[TRAIN_LOGDIR_ENV] = ctx.logdir;
  try {
    const res = await r.run(ctx);
    return {
      ...base,
      seconds: (performance.now() - t0) / 1000,
      ok: true,
      summary: res.summary,
      ...(res.reproduced === undefined ? {} : { reproduced: res.reproduced }),
      metrics: res.metrics,
      tables: res.tables ?? [],
      seeds: res.seeds,
      ...derivations,
      figures: res.figures.map((f) => ({ ...f, file: `figures/${r.id}--${f.id}.svg` })),
    };
  } catch (e) {
    const err = e as Error;
    opts.log(`[${r.id}] failed: ${err.stack ?? err.message}`);
    return {
      ...base,
      seconds: (performance.now() - t0) / 1000,
      ok: false,
      error: err.message,
      summary: '',
      metrics: {},
      tables: [],
      seeds: { seed: opts.seed },
      ...derivations,
      figures: [],
    };
  } finally {
    if (previousLogdir === undefined) delete process.env[TRAIN_LOGDIR_ENV];
    else process.env[TRAIN_LOGDIR_ENV] = previousLogdir;
  }
}
