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
  /** Draw progress bars on stderr. */
  progress: boolean;
  log: (message: string) => void;
}

/** Runs one reproduction, catching its failure into the record (the run goes on with the next one). */
export async function runReproduction(r: Reproduction, opts: RunOptions): Promise<ReproRecord> {
  const ctx: ReproContext = {
    quick: opts.quick,
    seed: opts.seed,
    backend: opts.backend,
    workers: opts.workers,
    progress: (label, total) => createProgress(`${r.id}: ${label}`, total, opts.progress),
    log: (m) => opts.log(`[${r.id}] ${m}`),
  };
  const t0 = performance.now();
  const base = { id: r.id, title: r.title, paper: r.paper, package: r.package };
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
      figures: [],
    };
  }
}
