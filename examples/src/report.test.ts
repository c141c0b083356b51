import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress';
import { writeReport } from './report';
import { runReproduction } from './runner';
import type { Reproduction } from './types';

const fake: Reproduction = {
  id: 'fake',
  title: 'A fake reproduction',
  paper: 'none',
  package: '@lemma/examples',
  async run(ctx) {
    return {
      summary: `seed ${ctx.seed}`,
      reproduced: true,
      metrics: { a: 1.5, list: [1, 2, 3] },
      tables: [{ title: 'T', columns: ['x', 'y'], rows: [[1, 2]] }],
      figures: [
        {
          id: 'line',
          title: 'A line',
          spec: { data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
        },
      ],
      seeds: { base: ctx.seed },
    };
  },
  runTiny(ctx) {
    return this.run(ctx);
  },
};

const broken: Reproduction = { ...fake, id: 'broken', run: async () => Promise.reject(new Error('boom')) };

const opts = { quick: true, seed: 7, backend: 'cpu', workers: 1, progress: false, log: () => {} };

describe('runner and report', () => {
  it('records results, renders SVG figures and writes results.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lemma-report-'));
    const ok = await runReproduction(fake, opts);
    const bad = await runReproduction(broken, opts);
    expect(ok.ok).toBe(true);
    expect(bad).toMatchObject({ ok: false, error: 'boom' });
    const run = {
      generatedAt: 'now', command: 'test', quick: true, seed: 7,
      backend: { name: 'cpu', detail: 'JavaScript', skipped: [{ name: 'webgpu', reason: 'none' }] },
      versions: {}, totalSeconds: 0, reproductions: [ok, bad],
    };
    await writeReport(dir, run);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('A fake reproduction');
    expect(html).toContain('failed');
    const svg = await readFile(join(dir, 'figures/fake--line.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(json.reproductions[0].metrics.a).toBe(1.5);
    expect(json.reproductions[0].seeds.base).toBe(7);
  });

  it('progress is silent when disabled', () => {
    const p = createProgress('x', 10, false);
    expect(() => { p.tick(); p.done(); }).not.toThrow();
  });
});
