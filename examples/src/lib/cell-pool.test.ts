import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCells, defineGroupedCells, hostCells, MAX_GROUP_ENV, setCellCache } from './cell-pool';

describe('cell pool', () => {
  it('runs cells inline in order when no worker entry is set, ticking progress per cell', async () => {
    const square = defineCells('test/square', async (x: number) => x * x);
    let ticks = 0;
    const out = await square.map({ workers: 4, backend: 'cpu' }, [3, 1, 2], { tick: () => void (ticks += 1), done: () => {} });
    expect(out).toEqual([9, 1, 4]);
    expect(ticks).toBe(3);
  });
  it('refuses a second function under the same name', () => {
    defineCells('test/dup', async (x: number) => x);
    expect(() => defineCells('test/dup', async (x: number) => x)).toThrow(/already defined/);
  });
  it('groups cells by key on webgpu (at most maxGroup per group), one per group elsewhere; results in cell order, one tick per cell', async () => {
    const seen: number[][] = [];
    const tagged = defineGroupedCells('test/grouped', async (xs: number[]) => {
      seen.push(xs.slice());
      return xs.map((x) => x * 10 + xs.length);
    });
    const cells = [1, 2, 3, 4, 5, 6, 7];
    let ticks = 0;
    const progress = { tick: (k = 1) => void (ticks += k), done: () => {} };
    const gpu = await tagged.map({ workers: 1, backend: 'webgpu' }, cells, (x) => String(x % 2), progress, 3);
    expect(seen).toEqual([[1, 3, 5], [2, 4, 6], [7]]);
    expect(gpu).toEqual([13, 23, 33, 43, 53, 63, 71]);
    expect(ticks).toBe(7);
    seen.length = 0;
    ticks = 0;
    const cpu = await tagged.map({ workers: 1, backend: 'wasm' }, cells, (x) => String(x % 2), progress, 3);
    expect(seen).toEqual(cells.map((x) => [x]));
    expect(cpu).toEqual(cells.map((x) => x * 10 + 1));
    expect(ticks).toBe(7);
  });
  it('caps groups at LEMMA_MAX_GROUP when no maxGroup is given, and refuses a value that is not a positive integer', async () => {
    const sizes = defineGroupedCells('test/grouped-env', async (xs: number[]) => xs.map(() => xs.length));
    const prev = process.env[MAX_GROUP_ENV];
    try {
      process.env[MAX_GROUP_ENV] = '2';
      expect(await sizes.map({ workers: 1, backend: 'webgpu' }, [1, 2, 3, 4, 5], () => 'k')).toEqual([2, 2, 2, 2, 1]);
      // An explicit maxGroup wins.
      expect(await sizes.map({ workers: 1, backend: 'webgpu' }, [1, 2, 3], () => 'k', undefined, 3)).toEqual([3, 3, 3]);
      delete process.env[MAX_GROUP_ENV];
      expect(await sizes.map({ workers: 1, backend: 'webgpu' }, [1, 2, 3], () => 'k')).toEqual([3, 3, 3]);
      for (const bad of ['0', '1.5', 'two']) {
        process.env[MAX_GROUP_ENV] = bad;
        await expect(sizes.map({ workers: 1, backend: 'webgpu' }, [1], () => 'k')).rejects.toThrow(/LEMMA_MAX_GROUP must be an integer >= 1/);
      }
    } finally {
      if (prev === undefined) delete process.env[MAX_GROUP_ENV];
      else process.env[MAX_GROUP_ENV] = prev;
    }
  });
  it('runs host work on wasm threads when the reproduction runs on webgpu, and as asked elsewhere', () => {
    expect(hostCells({ workers: 1, backend: 'webgpu' }).backend).toBe('wasm');
    expect(hostCells({ workers: 1, backend: 'webgpu' }).workers).toBeGreaterThanOrEqual(1);
    expect(hostCells({ workers: 3, backend: 'cpu' })).toEqual({ workers: 3, backend: 'cpu' });
  });
  it('with a cell cache, a second run reuses finished cells (typed arrays intact) and computes only new ones; another backend does not hit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lemma-cells-'));
    let calls = 0;
    const weights = defineCells('test/cached', async (x: number) => {
      calls += 1;
      return { x, w: Float32Array.from([x, x / 2]) };
    });
    setCellCache(dir);
    try {
      const first = await weights.map({ workers: 1, backend: 'cpu' }, [1, 2]);
      expect(calls).toBe(2);
      let ticks = 0;
      const second = await weights.map({ workers: 1, backend: 'cpu' }, [2, 1, 3], { tick: (k = 1) => void (ticks += k), done: () => {} });
      expect(calls).toBe(3);
      expect(ticks).toBe(3);
      expect(second[1]).toEqual(first[0]);
      expect(second[0]!.w).toBeInstanceOf(Float32Array);
      expect(Array.from(second[0]!.w)).toEqual([2, 1]);
      await weights.map({ workers: 1, backend: 'wasm' }, [1]);
      expect(calls).toBe(4);
      // Only finished results are left behind (no temporary files).
      expect(readdirSync(join(dir, 'test_cached')).every((f) => f.endsWith('.v8'))).toBe(true);
    } finally {
      setCellCache(undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
