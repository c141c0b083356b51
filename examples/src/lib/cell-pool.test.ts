import { describe, expect, it } from 'vitest';
import { defineCells } from './cell-pool';

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
});
