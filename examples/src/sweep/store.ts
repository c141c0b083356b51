/**
 * The results store of a sweep: an append-only JSONL file, one record per trial attempt. Appends are single
 * `write`s of one line in O_APPEND mode, so concurrent workers on one machine never interleave records; a line cut
 * short by a crash is skipped on read. Finished = the trial has an `ok` record.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ParamValue } from './spec';

/** One attempt of one trial. */
export interface TrialRecord {
  sweep: string;
  trial: string;
  index: number;
  params: Record<string, ParamValue>;
  seed: number;
  status: 'ok' | 'failed';
  /** The trial's metrics (a reproduction's `metrics`, or the program's JSON object). */
  metrics?: Record<string, unknown>;
  error?: string;
  attempt: number;
  /** Backend, versions and host as the trial reported them. */
  backend?: string;
  versions?: Record<string, string>;
  host: string;
  worker: string;
  startedAt: string;
  seconds: number;
}

/** Appends one record (one line). */
export function appendRecord(file: string, record: TrialRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`, { flag: 'a' });
}

/** Every complete record in the store (none if the file does not exist yet). */
export function readRecords(file: string): TrialRecord[] {
  if (!existsSync(file)) return [];
  const out: TrialRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as TrialRecord);
    } catch {
      // a record cut short by a crash mid-write: its trial has no ok record and reruns
    }
  }
  return out;
}

/** The first ok record of each finished trial, by trial id (later duplicates, if any, are ignored). */
export function finishedTrials(records: readonly TrialRecord[]): Map<string, TrialRecord> {
  const done = new Map<string, TrialRecord>();
  for (const r of records) if (r.status === 'ok' && !done.has(r.trial)) done.set(r.trial, r);
  return done;
}
