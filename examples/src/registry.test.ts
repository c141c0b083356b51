import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { VEGA_LITE } from './lib/figures';
import { seedDerivationRecord, takeCalledSeedDerivations } from './lib/seeds';
import { testContext } from './lib/test-context';
import { REGISTRY } from './registry';
import { renderSvg } from './render';
import { runReproduction } from './runner';
import type { TinyRunCheck } from './testing/tiny-run';

const here = dirname(fileURLToPath(import.meta.url));
const reproDir = join(here, 'repro');
const folders = readdirSync(reproDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('the registry', () => {
  it('holds one reproduction per folder under src/repro/, named by its folder, as scripts/registry.mjs writes it', () => {
    // A folder missing from the registry (or a registered id with no folder of its name) fails here.
    expect([...REGISTRY.map((r) => r.id)].sort()).toEqual([...folders].sort());
    expect(new Set(REGISTRY.map((r) => r.id)).size).toBe(REGISTRY.length);
    execFileSync(process.execPath, [join(here, '..', 'scripts', 'registry.mjs'), '--check'], { stdio: 'pipe' });
  });
});

describe('every registered reproduction runs its tiny plan on the cpu backend, end to end', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
  });

  for (const r of REGISTRY) {
    it(r.id, async () => {
      const checkFile = join(reproDir, r.id, 'tiny.check.ts');
      const extra = existsSync(checkFile) ? ((await import(pathToFileURL(checkFile).href)) as { tinyRun: TinyRunCheck }).tinyRun : undefined;
      const ctx = testContext(extra?.seed ?? 1);
      // Through the runner, as the CLI runs a reproduction (its failure is caught into the record).
      takeCalledSeedDerivations();
      const rec = await runReproduction({ ...r, run: r.runTiny }, { quick: ctx.quick, seed: ctx.seed, backend: ctx.backend, workers: ctx.workers, progress: false, log: () => {} });
      // Every named seed derivation the run called (one worker: all in this thread) is declared, so results.json records it.
      const declared = new Set(r.seedDerivations ?? []);
      for (const d of takeCalledSeedDerivations()) expect(declared.has(d), `seed derivation '${d.seedName}' used but not in seedDerivations`).toBe(true);
      if (declared.size) expect(rec.seedDerivations).toEqual(seedDerivationRecord([...declared]));
      expect(rec.error).toBeUndefined();
      expect(rec.ok).toBe(true);
      expect(rec.summary.length).toBeGreaterThan(0);
      expect(typeof rec.reproduced).toBe('boolean');
      expect(Object.keys(rec.metrics).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(rec.metrics)) {
        const ok = v === null || ['number', 'string', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
        expect(ok, `metric ${k}`).toBe(true);
      }
      expect(Object.keys(rec.seeds).length).toBeGreaterThan(0);
      for (const v of Object.values(rec.seeds)) expect(Number.isSafeInteger(v)).toBe(true);
      for (const t of rec.tables) for (const row of t.rows) expect(row.length, t.title).toBe(t.columns.length);
      // results.json keeps what JSON keeps.
      expect(() => JSON.stringify(rec)).not.toThrow();
      // Figures: unique file-safe ids, the one schema, and each renders to SVG (the report's renderer).
      expect(rec.figures.length).toBeGreaterThan(0);
      expect(new Set(rec.figures.map((f) => f.id)).size).toBe(rec.figures.length);
      for (const f of rec.figures) {
        expect(f.id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(f.spec.$schema).toBe(VEGA_LITE);
        expect(await renderSvg(f.spec), f.id).toMatch(/^<svg/);
      }
      extra?.check({ summary: rec.summary, metrics: rec.metrics, reproduced: rec.reproduced!, tables: rec.tables, figures: rec.figures, seeds: rec.seeds });
    }, 120_000);
  }
});
