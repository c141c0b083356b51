import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEventFile, scalarsOf } from '@lemma/gpu-kernels/testing';
import { checkLogdir, logMetrics } from './metrics-log';
import type { ReproRecord } from './report';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lemma-logdir-'));
  dirs.push(d);
  return d;
};

describe('logMetrics', () => {
  it('writes finite numbers at step 0, finite numeric arrays as steps 0..n-1 and reproduced as 0/1; skips the rest', () => {
    const logdir = tmp();
    const rec = {
      id: 'demo',
      reproduced: false,
      metrics: { slope: -0.5, curve: [3, 2, 1], bad: Number.NaN, mixed: [1, Number.POSITIVE_INFINITY], label: 'x' },
    } as unknown as ReproRecord;
    const file = logMetrics(logdir, rec);
    expect(relative(logdir, file).startsWith(`demo/events.out.tfevents.`)).toBe(true);
    const events = readEventFile(file);
    expect(scalarsOf(events, 'reproduced')).toEqual([[0, 0]]);
    expect(scalarsOf(events, 'metrics/slope')).toEqual([[0, -0.5]]);
    expect(scalarsOf(events, 'metrics/curve')).toEqual([[0, 3], [1, 2], [2, 1]]);
    for (const tag of ['metrics/bad', 'metrics/mixed', 'metrics/label']) expect(scalarsOf(events, tag)).toEqual([]);
  });
});

describe('checkLogdir', () => {
  it('creates a missing folder, and rejects an empty path or an existing file', () => {
    const d = tmp();
    expect(() => checkLogdir(join(d, 'a', 'b'))).not.toThrow();
    expect(() => checkLogdir('')).toThrow(/--logdir must be a directory path, got ''/);
    const f = join(d, 'file');
    writeFileSync(f, 'x');
    expect(() => checkLogdir(f)).toThrow(/--logdir '.*file' cannot be created/);
    expect(() => checkLogdir(join(f, 'below'))).toThrow(/cannot be created/);
  });
});
