/** Aggregates a sweep's store: per parameter set (seeds pooled), mean, standard deviation and count of each numeric metric. */
import type { ParamValue } from './spec';
import { finishedTrials, type TrialRecord } from './store';
import { mean, sd } from '../lib/stats';

/** One parameter set of a sweep, its seeds pooled. */
export interface SweepGroup {
  params: Record<string, ParamValue>;
  seeds: number[];
  metrics: Record<string, { mean: number; sd: number; n: number }>;
}

/** Groups the ok records by parameters (seeds pooled), sorted by `sortBy` (a metric, ascending) when given. */
export function summarizeSweep(records: readonly TrialRecord[], sortBy?: string): SweepGroup[] {
  const groups = new Map<string, { params: Record<string, ParamValue>; seeds: number[]; values: Map<string, number[]> }>();
  for (const r of finishedTrials(records).values()) {
    const key = JSON.stringify(Object.keys(r.params).sort().map((k) => [k, r.params[k]]));
    const g = groups.get(key) ?? { params: r.params, seeds: [], values: new Map<string, number[]>() };
    g.seeds.push(r.seed);
    for (const [m, v] of Object.entries(r.metrics ?? {})) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const list = g.values.get(m) ?? [];
      list.push(v);
      g.values.set(m, list);
    }
    groups.set(key, g);
  }
  const out: SweepGroup[] = [...groups.values()].map((g) => ({
    params: g.params,
    seeds: g.seeds.sort((a, b) => a - b),
    metrics: Object.fromEntries(
      [...g.values].map(([m, v]) => {
        return [m, { mean: mean(v), sd: sd(v), n: v.length }];
      }),
    ),
  }));
  if (sortBy) out.sort((a, b) => (a.metrics[sortBy]?.mean ?? Infinity) - (b.metrics[sortBy]?.mean ?? Infinity));
  return out;
}

/** A Markdown table of the groups: parameters, seeds, then `metric mean ± sd` for the chosen metrics. */
export function sweepTable(groups: readonly SweepGroup[], metrics: readonly string[]): string {
  const params = [...new Set(groups.flatMap((g) => Object.keys(g.params)))];
  const fmt = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toPrecision(4));
  const rows = groups.map((g) => [...params.map((p) => String(g.params[p] ?? '')), String(g.seeds.length), ...metrics.map((m) => (g.metrics[m] ? `${fmt(g.metrics[m]!.mean)} ± ${fmt(g.metrics[m]!.sd)}` : ''))]);
  const head = [...params, 'seeds', ...metrics];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
