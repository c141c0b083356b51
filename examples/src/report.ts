import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { renderSvg, svgToPng } from './render';
import type { Figure, MetricValue, Reproduction, Table } from './types';

/** One reproduction's entry in results.json. */
export interface ReproRecord {
  id: string;
  title: string;
  paper: string;
  package: string;
  seconds: number;
  ok: boolean;
  error?: string;
  summary: string;
  reproduced?: boolean;
  metrics: Record<string, MetricValue>;
  tables: Table[];
  seeds: Record<string, number>;
  /** How the reproduction derives seeds from the base seed: name → formula (its declared {@link Reproduction.seedDerivations}). */
  seedDerivations?: Record<string, string>;
  figures: (Omit<Figure, 'spec'> & { file: string; spec: Figure['spec'] })[];
}

/**
 * Where a run stands: 'running' while reproductions remain (the file is rewritten after each one), 'complete' at
 * the end, 'interrupted' when a signal or a crash of the runner process stopped it (`interruption` says which, and
 * during what).
 */
export type RunStatus = 'running' | 'complete' | 'interrupted';

/** The whole run, as written to results.json. */
export interface RunRecord {
  generatedAt: string;
  /** Absent in files written before the report was incremental (read as 'complete'). */
  status?: RunStatus;
  /** Ids chosen but not finished (still to run, or cut off by an interruption). */
  pending?: string[];
  interruption?: { cause: string; during?: string };
  command: string;
  quick: boolean;
  seed: number;
  backend: { name: string; detail: string; skipped: { name: string; reason: string }[] };
  versions: Record<string, string>;
  totalSeconds: number;
  reproductions: ReproRecord[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function fmt(v: MetricValue): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return `[${v.slice(0, 8).map((x) => fmt(x)).join(', ')}${v.length > 8 ? ', …' : ''}]`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
  return String(v);
}

function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(fmt(c))}</td>`).join('')}</tr>`).join('\n');
  return `<h4>${esc(t.title)}</h4><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * Writes `data` to `path` atomically: a temp file beside it (`.<name>.<pid>.tmp`) renamed over it, so a reader or a
 * kill mid-write sees the old file or the new one, never a truncated one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Writes a run's report; call `write` again as the run grows (each reproduction's figures are rendered once). */
export interface ReportWriter {
  /** Writes figures of reproductions not seen before, then replaces index.html and results.json; returns index.html's path. */
  write(run: RunRecord): Promise<string>;
}

/**
 * A {@link ReportWriter} for `outDir`: `index.html` (static, inline SVG figures), `results.json` and
 * `figures/<repro>--<figure>.svg` (plus `.png` when asked), every file replaced atomically.
 */
export function createReportWriter(outDir: string, opts: { png?: boolean } = {}): ReportWriter {
  const sectionCache = new Map<ReproRecord, string>();
  const section = async (r: ReproRecord): Promise<string> => {
    const hit = sectionCache.get(r);
    if (hit !== undefined) return hit;
    const figs: string[] = [];
    if (r.figures.length) await mkdir(join(outDir, 'figures'), { recursive: true });
    for (const f of r.figures) {
      let svg: string;
      try {
        svg = await renderSvg(f.spec);
      } catch (e) {
        svg = `<p class="err">figure failed to render: ${esc((e as Error).message)}</p>`;
      }
      await writeFileAtomic(join(outDir, f.file), svg);
      if (opts.png && svg.startsWith('<svg')) await writeFileAtomic(join(outDir, f.file.replace(/\.svg$/, '.png')), await svgToPng(svg));
      figs.push(`<figure>${svg}<figcaption><b>${esc(f.title)}</b>${f.caption ? ` — ${esc(f.caption)}` : ''}</figcaption></figure>`);
    }
    const metrics = Object.entries(r.metrics)
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(fmt(v))}</td></tr>`)
      .join('\n');
    const verdict = r.ok ? (r.reproduced === undefined ? '' : r.reproduced ? '<span class="ok">reproduced</span>' : '<span class="no">not reproduced</span>') : '<span class="no">failed</span>';
    const html = `<section id="${esc(r.id)}"><h2>${esc(r.title)} ${verdict}</h2>
<p class="meta">${esc(r.paper)} · ${esc(r.package)} · ${r.seconds.toFixed(1)} s · seeds ${esc(JSON.stringify(r.seeds))}</p>
<p>${esc(r.error ?? r.summary)}</p>
${figs.join('\n')}
${r.tables.map(tableHtml).join('\n')}
<details><summary>metrics</summary><table>${metrics}</table></details></section>`;
    sectionCache.set(r, html);
    return html;
  };
  return {
    async write(run) {
      await mkdir(outDir, { recursive: true });
      const sections: string[] = [];
      for (const r of run.reproductions) sections.push(await section(r));
      const status = run.status ?? 'complete';
      const pending = run.pending ?? [];
      const statusLine =
        status === 'complete'
          ? ''
          : `<p class="err">${status === 'running' ? 'Run in progress' : `Run interrupted by ${esc(run.interruption?.cause ?? 'a signal')}${run.interruption?.during ? ` during ${esc(run.interruption.during)}` : ''}`}: ${run.reproductions.length} finished${pending.length ? `, not finished: ${esc(pending.join(', '))}` : ''}.</p>`;
      const skipped = run.backend.skipped.map((s) => `<li>${esc(s.name)}: ${esc(s.reason)}</li>`).join('');
      const html = `<!doctype html><html><head><meta charset="utf-8"><title>Lemma reproductions</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
figure{display:inline-block;margin:.5em;vertical-align:top}figcaption{font-size:.85em;max-width:480px}
.meta{color:#666;font-size:.9em}.ok{color:#070;font-size:.6em}.no{color:#a00;font-size:.6em}.err{color:#a00}
nav a{margin-right:1em}</style></head><body>
<h1>Lemma: paper reproductions</h1>
<p class="meta">${esc(run.generatedAt)} · backend <b>${esc(run.backend.name)}</b> (${esc(run.backend.detail)}) · ${run.quick ? 'quick' : 'full'} mode · seed ${run.seed} · ${run.totalSeconds.toFixed(1)} s · <code>${esc(run.command)}</code></p>
${statusLine}
${skipped ? `<details><summary>backends skipped</summary><ul>${skipped}</ul></details>` : ''}
<nav>${run.reproductions.map((r) => `<a href="#${esc(r.id)}">${esc(r.id)}</a>`).join('')}</nav>
${sections.join('\n')}
<p class="meta">Every number is in <a href="results.json">results.json</a>.</p></body></html>`;
      // results.json last: once it names a reproduction, that reproduction's figures and section are on disk.
      await writeFileAtomic(join(outDir, 'index.html'), html);
      await writeFileAtomic(join(outDir, 'results.json'), JSON.stringify({ ...run, status, pending }, null, 1));
      return join(outDir, 'index.html');
    },
  };
}

/** Writes a finished run's report under `outDir` in one go (see {@link createReportWriter}). */
export async function writeReport(outDir: string, run: RunRecord, opts: { png?: boolean } = {}): Promise<string> {
  return createReportWriter(outDir, opts).write(run);
}
