import { describe, expect, it } from 'vitest';
import { runReproduction } from '../runner';
import { defineSeed, seedDerivationRecord, takeCalledSeedDerivations } from './seeds';

describe('defineSeed', () => {
  const member = defineSeed('member', 'base·100000 + width·10 + 2·pair + member', (base: number, width: number, pair: number, m: number) => base * 100000 + width * 10 + 2 * pair + m);
  const shift = defineSeed('shift', 'base + 40', (base: number) => base + 40);

  it('computes its function and carries its name and formula', () => {
    expect(member(3, 64, 1, 1)).toBe(3 * 100000 + 64 * 10 + 2 + 1);
    expect(shift(7)).toBe(47);
    expect(member.seedName).toBe('member');
    expect(member.formula).toBe('base·100000 + width·10 + 2·pair + member');
  });

  it('refuses seeds that are not safe integers, and bad declarations', () => {
    expect(() => defineSeed('half', 'base / 2', (b: number) => b / 2)(3)).toThrow(/not a safe integer/);
    expect(() => defineSeed('', 'x', () => 1)).toThrow(/bad name/);
    expect(() => defineSeed('x', ' ', () => 1)).toThrow(/empty formula/);
  });

  it('records name → formula, refusing two of one name', () => {
    expect(seedDerivationRecord([member, shift])).toEqual({ member: 'base·100000 + width·10 + 2·pair + member', shift: 'base + 40' });
    expect(() => seedDerivationRecord([shift, defineSeed('shift', 'base + 41', (b: number) => b + 41)])).toThrow(/declared twice/);
  });

  it('remembers which derivations this thread called', () => {
    takeCalledSeedDerivations();
    shift(1);
    shift(2);
    expect(takeCalledSeedDerivations()).toEqual([shift]);
    expect(takeCalledSeedDerivations()).toEqual([]);
  });

  it("is written into the reproduction's record by the runner, also when the run fails", async () => {
    const base = { id: 'toy', title: 'toy', paper: 'p', package: 'q', seedDerivations: [shift] };
    const ok = async () => ({ summary: 's', metrics: {}, figures: [], seeds: { base: 1, shifted: shift(1) } });
    const opts = { quick: true, seed: 1, backend: 'cpu', workers: 1, progress: false, log: () => {} };
    const rec = await runReproduction({ ...base, run: ok, runTiny: ok }, opts);
    expect(rec.seedDerivations).toEqual({ shift: 'base + 40' });
    expect(rec.seeds).toEqual({ base: 1, shifted: 41 });
    const fail = async () => Promise.reject(new Error('boom'));
    expect((await runReproduction({ ...base, run: fail, runTiny: fail }, opts)).seedDerivations).toEqual({ shift: 'base + 40' });
    const none = await runReproduction({ ...base, seedDerivations: undefined, run: ok, runTiny: ok }, opts);
    expect('seedDerivations' in none).toBe(false);
  });
});
