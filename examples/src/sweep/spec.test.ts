import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { resolveTrialIndex } from './cli';
import { expandSweep, parseSweepSpec, trialId } from './spec';

const prog = { command: ['node', 'train.mjs'] };

describe('sweep spec', () => {
  it('rejects bad specs naming the field', () => {
    expect(() => parseSweepSpec({ name: 'a', trial: prog, grdi: {} })).toThrow(/unknown field 'grdi'/);
    expect(() => parseSweepSpec({ name: 'a b', trial: prog })).toThrow(/name must be/);
    expect(() => parseSweepSpec({ name: 'a', trial: {} })).toThrow(/reproduction or a command/);
    expect(() => parseSweepSpec({ name: 'a', trial: { command: [] } })).toThrow(/trial.command/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, grid: { lr: [] } })).toThrow(/grid.lr must be a non-empty array/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, grid: { seed: [1] } })).toThrow(/'seed' is set by seeds/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, grid: { lr: [1] }, fixed: { lr: 2 } })).toThrow(/set twice: lr \(grid and fixed\)/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, seeds: [1, 1] })).toThrow(/distinct/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, seeds: [1.5] })).toThrow(/seeds/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, random: { samples: 2, axes: { lr: { logUniform: [0, 1] } } } })).toThrow(/random.axes.lr.logUniform must be \[lo, hi\]/);
    expect(() => parseSweepSpec({ name: 'a', trial: prog, grid: { a: Array(1001).fill(1), b: Array(1001).fill(1) } })).toThrow(/more than 1000000/);
    expect(() => parseSweepSpec({ name: 'a', trial: { reproduction: 'x', mode: 'fast' } })).toThrow(/trial.mode/);
  });

  it('expands random samples x grid (first key slowest) x seeds, with stable ids', () => {
    const spec = parseSweepSpec({ name: 's', trial: prog, grid: { opt: ['adamw', 'adana'], lr: [1, 2, 4] }, seeds: [0, 1], fixed: { steps: 10 } });
    const trials = expandSweep(spec);
    expect(trials).toHaveLength(12);
    expect(trials.map((t) => t.index)).toEqual([...Array(12).keys()]);
    expect(trials[0]).toMatchObject({ params: { steps: 10, opt: 'adamw', lr: 1 }, seed: 0 });
    expect(trials[1]).toMatchObject({ params: { opt: 'adamw', lr: 1 }, seed: 1 });
    expect(trials[2]).toMatchObject({ params: { opt: 'adamw', lr: 2 }, seed: 0 });
    expect(trials[6]).toMatchObject({ params: { opt: 'adana', lr: 1 }, seed: 0 });
    expect(new Set(trials.map((t) => t.id)).size).toBe(12);
    // The id depends on what runs, not on key order or position.
    expect(trialId(prog, { lr: 1, opt: 'adamw', steps: 10 }, 0)).toBe(trials[0]!.id);
    expect(trialId({ command: ['node', 'other.mjs'] }, trials[0]!.params, 0)).not.toBe(trials[0]!.id);
  });

  it('draws random axes from a seeded stream, inside their ranges, the same on every call', () => {
    const raw = { name: 'r', trial: prog, random: { samples: 50, seed: 3, axes: { lr: { logUniform: [1e-4, 1e-1] }, wd: { uniform: [0, 0.1] }, width: { int: [2, 5] }, act: { choice: ['relu', 'gelu'] } } } };
    const a = expandSweep(parseSweepSpec(raw));
    const b = expandSweep(parseSweepSpec(raw));
    expect(a).toEqual(b);
    for (const t of a) {
      expect(t.params.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(t.params.lr as number).toBeLessThanOrEqual(1e-1);
      expect(t.params.wd as number).toBeLessThanOrEqual(0.1);
      expect([2, 3, 4, 5]).toContain(t.params.width);
      expect(['relu', 'gelu']).toContain(t.params.act);
    }
    expect(new Set(a.map((t) => t.params.width)).size).toBe(4);
    const c = expandSweep(parseSweepSpec({ ...raw, random: { ...raw.random, seed: 4 } }));
    expect(c[0]!.params.lr).not.toBe(a[0]!.params.lr);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })])(
    'trial count = product of axis lengths x samples x seeds, all ids distinct',
    (lengths, samples, nSeeds) => {
      const grid = Object.fromEntries(lengths.map((n, i) => [`p${i}`, Array.from({ length: n }, (_, j) => j)]));
      const spec = parseSweepSpec({ name: 'p', trial: prog, grid, random: { samples, axes: { u: { uniform: [0, 1] } } }, seeds: Array.from({ length: nSeeds }, (_, i) => i) });
      const trials = expandSweep(spec);
      expect(trials).toHaveLength(lengths.reduce((p, n) => p * n, 1) * samples * nSeeds);
      expect(new Set(trials.map((t) => t.id)).size).toBe(trials.length);
    },
  );

  it('takes the array-job index from the flag or the scheduler variables', () => {
    expect(resolveTrialIndex('3', {})).toBe(3);
    expect(resolveTrialIndex(undefined, { JOB_COMPLETION_INDEX: '5' })).toBe(5);
    expect(resolveTrialIndex(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: '6' })).toBe(6);
    expect(resolveTrialIndex(undefined, { SLURM_ARRAY_TASK_ID: '7' })).toBe(7);
    expect(() => resolveTrialIndex(undefined, {})).toThrow(/no index/);
    expect(() => resolveTrialIndex(undefined, { SLURM_ARRAY_TASK_ID: '-1' })).toThrow(/SLURM_ARRAY_TASK_ID must be a non-negative integer/);
    expect(() => resolveTrialIndex('1.5', {})).toThrow(/--index/);
  });
});
