/**
 * The default runner: a pool of worker processes on this machine (one trial = one child process), with retries and
 * resume (trials with an ok record in the store are skipped). SIGINT/SIGTERM stop the children; what finished is in
 * the store, so running the same command again resumes.
 */
import type { Progress } from '../types';
import type { SweepSpec, Trial } from './spec';
import { appendRecord, finishedTrials, readRecords, type TrialRecord } from './store';
import { runTrial, type TrialEnv } from './trial';

/** Options of {@link runLocalSweep}. */
export interface LocalPoolOptions extends TrialEnv {
  /** The store (JSONL). */
  store: string;
  /** Trials at once (default 1). */
  parallel?: number;
  progress?: Progress;
  /** Stops handing out trials when it returns true (checked between trials). */
  stopped?: () => boolean;
}

/** What a pool run did. */
export interface PoolSummary {
  total: number;
  skipped: number;
  ran: number;
  ok: number;
  failed: number;
}

/** Runs every unfinished trial with up to `spec.retries` (default 1) retries each. */
export async function runLocalSweep(spec: SweepSpec, trials: readonly Trial[], opts: LocalPoolOptions): Promise<PoolSummary> {
  const parallel = opts.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`runLocalSweep: parallel must be a positive integer, got ${parallel}`);
  const done = finishedTrials(readRecords(opts.store));
  const todo = trials.filter((t) => !done.has(t.id));
  const summary: PoolSummary = { total: trials.length, skipped: trials.length - todo.length, ran: 0, ok: 0, failed: 0 };
  opts.progress?.tick(summary.skipped, `${summary.skipped} already done`);
  const retries = spec.retries ?? 1;
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !opts.stopped?.()) {
      const trial = todo[next++]!;
      let rec: TrialRecord | undefined;
      for (let attempt = 1; attempt <= retries + 1 && !opts.stopped?.(); attempt++) {
        rec = await runTrial(spec, trial, attempt, opts);
        if (opts.stopped?.() && rec.status === 'failed') return; // killed by the stop: not a result
        appendRecord(opts.store, rec);
        if (rec.status === 'ok') break;
      }
      if (!rec) return;
      summary.ran += 1;
      if (rec.status === 'ok') summary.ok += 1;
      else summary.failed += 1;
      opts.progress?.tick(1, `${summary.ok} ok, ${summary.failed} failed`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, todo.length)) }, worker));
  return summary;
}
