import { describe, expect, it } from 'vitest';
import type { TrialRecord } from './store';
import { summarizeSweep, sweepTable } from './summary';

function rec(trial: string, params: TrialRecord['params'], seed: number, metrics: Record<string, unknown>, status: 'ok' | 'failed' = 'ok'): TrialRecord {
  return { sweep: 's', trial, index: 0, params, seed, status, metrics, attempt: 1, host: 'h', worker: 'w', startedAt: '2026-01-01T00:00:00Z', seconds: 1 };
}

describe('summarizeSweep', () => {
  const records = [
    rec('a0', { lr: 0.1, opt: 'adamw' }, 2, { loss: 1, note: 'x' }),
    rec('a1', { opt: 'adamw', lr: 0.1 }, 0, { loss: 3, acc: Number.NaN }), // same parameters, keys in another order
    rec('a2', { lr: 0.1, opt: 'adamw' }, 1, { loss: 100 }, 'failed'), // failed: not counted
    rec('b0', { lr: 0.2, opt: 'adamw' }, 0, { loss: 0.5, acc: 0.9 }),
    rec('c0', { lr: 0.3, opt: 'adamw' }, 0, { acc: 0.1 }), // no loss: sorts last by loss
  ];

  it('pools seeds per parameter set: mean, sample standard deviation and count of each finite numeric metric', () => {
    const groups = summarizeSweep(records);
    const a = groups.find((g) => g.params.lr === 0.1)!;
    expect(a.seeds).toEqual([0, 2]);
    expect(a.metrics.loss).toEqual({ mean: 2, sd: Math.SQRT2, n: 2 }); // (1, 3): mean 2, sd √((1 + 1)/1)
    expect(a.metrics.acc).toBeUndefined(); // NaN dropped
    expect(a.metrics.note).toBeUndefined(); // not a number
    expect(groups.find((g) => g.params.lr === 0.2)!.metrics.loss).toEqual({ mean: 0.5, sd: 0, n: 1 });
    expect(groups.length).toBe(3);
  });

  it('sorts by a metric ascending, groups without it last', () => {
    expect(summarizeSweep(records, 'loss').map((g) => g.params.lr)).toEqual([0.2, 0.1, 0.3]);
  });

  it('sweepTable writes one Markdown row per group with mean ± sd', () => {
    const table = sweepTable(summarizeSweep(records, 'loss'), ['loss']).split('\n');
    expect(table[0]).toBe('| lr | opt | seeds | loss |');
    expect(table[2]).toBe('| 0.2 | adamw | 1 | 0.5000 ± 0.000 |');
    expect(table[3]).toBe('| 0.1 | adamw | 2 | 2.000 ± 1.414 |');
    expect(table[4]).toBe('| 0.3 | adamw | 1 |  |');
  });
});
