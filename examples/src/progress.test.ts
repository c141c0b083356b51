import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress';

afterEach(() => vi.restoreAllMocks());

describe('createProgress', () => {
  it('is a no-op when disabled or when there is nothing to count', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (const p of [createProgress('a', 10, false), createProgress('b', 0, true)]) {
      p.tick();
      p.done();
    }
    expect(write).not.toHaveBeenCalled();
  });

  it('draws a bar with the fraction done and the latest info, and ends at 100 % with a newline', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const p = createProgress('train', 4, true);
    now += 2000;
    p.tick(1, 'loss 0.5'); // first draw: not throttled
    now += 50;
    p.tick(1); // within 100 ms of the last draw: throttled
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^\rtrain \[######\.{18}\]  25% 2s eta 6s loss 0\.5/);
    p.done();
    expect(lines[1]).toMatch(/^\rtrain \[#{24}\] 100% /);
    expect(lines[1]).toContain('loss 0.5');
    expect(lines[2]).toBe('\n');
  });
});
