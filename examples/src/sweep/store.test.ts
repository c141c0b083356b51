import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendRecord, finishedTrials, readRecords, type TrialRecord } from './store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function storeFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'lemma-store-'));
  dirs.push(d);
  return join(d, 'results.jsonl');
}
function rec(trial: string, status: 'ok' | 'failed', attempt = 1, metrics: Record<string, unknown> = {}): TrialRecord {
  return { sweep: 's', trial, index: 0, params: { lr: 1 }, seed: 0, status, metrics, attempt, host: 'h', worker: 'w', startedAt: '2026-01-01T00:00:00Z', seconds: 1 };
}

describe('sweep store', () => {
  it('reads back what was appended, in order; a missing file is an empty store', () => {
    const f = storeFile();
    expect(readRecords(f)).toEqual([]);
    const a = rec('t1', 'failed', 1);
    const b = rec('t1', 'ok', 2, { loss: 0.5 });
    appendRecord(f, a);
    appendRecord(f, b);
    expect(readRecords(f)).toEqual([a, b]);
  });

  it('skips a record cut short by a crash (its trial stays unfinished)', () => {
    const f = storeFile();
    appendRecord(f, rec('t1', 'ok'));
    appendFileSync(f, JSON.stringify(rec('t2', 'ok')).slice(0, 40)); // no newline: the write was interrupted
    const rs = readRecords(f);
    expect(rs.map((r) => r.trial)).toEqual(['t1']);
    expect([...finishedTrials(rs).keys()]).toEqual(['t1']);
  });

  it('finishedTrials keeps the first ok record of each trial and ignores failed attempts', () => {
    const first = rec('t1', 'ok', 2, { loss: 1 });
    const rs = [rec('t1', 'failed', 1), first, rec('t1', 'ok', 3, { loss: 2 }), rec('t2', 'failed', 1)];
    const done = finishedTrials(rs);
    expect([...done.keys()]).toEqual(['t1']);
    expect(done.get('t1')).toBe(first);
  });
});
