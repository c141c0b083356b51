/**
 * Barrier before and after matching across widths of MNIST MLPs: the same per-pair analysis as ot-lmc-paper (naive
 * and covariance-weighted layer-wise matching, centred activation matching, Git Re-Basin weight matching as the
 * baseline, no alignment) at one learning rate, with width as the axis. Plan -> cells -> plain data.
 */
import { mean, sd } from '../../lib/stats';
import type { Progress, ReproContext } from '../../types';
import { hostCells } from '../../lib/cell-pool';
import { olsFit } from '../../lib/linear-fit';
import { analysePair, METHODS, PAPER_LRS, trainNets, type Method, type PairResult, type TrainCell } from '../ot-lmc-paper/experiment';
import { defineSeed } from '../../lib/seeds';

/** The alignments compared: ot-lmc-paper's, whose per-pair analysis this sweep runs at every width. */
export { METHOD_LABEL, METHODS, type Method } from '../ot-lmc-paper/experiment';

export interface WidthSweepPlan {
  data: 'subset' | '10k';
  widths: number[];
  depth: number;
  pairs: number;
  epochs: number;
  lr: number;
  batchSize: number;
  ts: number[];
  probeRows: number;
  seed: number;
}

export function quickPlan(seed: number): WidthSweepPlan {
  return { data: 'subset', widths: [16, 64, 256], depth: 2, pairs: 3, epochs: 8, lr: PAPER_LRS[4]!, batchSize: 100, ts: [0, 0.25, 0.5, 0.75, 1], probeRows: 2000, seed };
}

export function fullPlan(seed: number): WidthSweepPlan {
  return { data: '10k', widths: [16, 32, 64, 128, 256, 512], depth: 3, pairs: 3, epochs: 10, lr: PAPER_LRS[4]!, batchSize: 100, ts: Array.from({ length: 11 }, (_, i) => i / 10), probeRows: 4000, seed };
}

export interface WidthRow extends PairResult {
  width: number;
  pair: number;
}

export interface WidthSweepData {
  plan: WidthSweepPlan;
  rows: WidthRow[];
  seeds: Record<string, number>;
}

/** A net's seed: independent across widths, pairs and the two members (0, 1) of a pair. */
export const widthNetSeed = defineSeed('net', 'base·100000 + width·10 + 2·pair + member', (base: number, width: number, pair: number, member: number) => base * 100000 + width * 10 + 2 * pair + member);

export async function runWidthSweep(ctx: Pick<ReproContext, 'workers' | 'backend'>, plan: WidthSweepPlan, progress?: (label: string, total: number) => Progress): Promise<WidthSweepData> {
  const seeds: Record<string, number> = { base: plan.seed };
  const cells: TrainCell[] = [];
  const meta: { width: number; pair: number }[] = [];
  for (const width of plan.widths)
    for (let pair = 0; pair < plan.pairs; pair++) {
      meta.push({ width, pair });
      for (const member of [0, 1]) {
        const seed = widthNetSeed(plan.seed, width, pair, member);
        seeds[`width${width}_pair${pair}_${member === 0 ? 'A' : 'B'}`] = seed;
        cells.push({ data: plan.data, sizes: [784, ...Array<number>(plan.depth).fill(width), 10], lr: plan.lr, epochs: plan.epochs, batchSize: plan.batchSize, warmupSteps: 10, seed });
      }
    }
  const nets = await trainNets(ctx, cells, progress?.('ot-lmc-mnist: train nets', cells.length));
  const pairCells = meta.map((_, i) => ({ data: plan.data, ts: plan.ts, probeRows: plan.probeRows, seed: cells[2 * i]!.seed, a: nets[2 * i]!, b: nets[2 * i + 1]! }));
  const res = await analysePair.map(hostCells(ctx), pairCells, progress?.('ot-lmc-mnist: match and interpolate', pairCells.length));
  return { plan, rows: res.map((r, i) => ({ ...meta[i]!, ...r })), seeds };
}

export function widthStats(data: WidthSweepData): { width: number; method: Method; barrier: number; barrierSd: number; half: number; halfSd: number }[] {
  return data.plan.widths.flatMap((width) =>
    METHODS.map((method) => {
      const rs = data.rows.filter((r) => r.width === width);
      const b = rs.map((r) => r.methods[method].barrier);
      const h = rs.map((r) => r.methods[method].half);
      return { width, method, barrier: mean(b), barrierSd: sd(b), half: mean(h), halfSd: sd(h) };
    }),
  );
}

/**
 * Per method, the OLS line of the barrier on log2(width) over every pair (a diagnostic: the paper plots no width
 * axis); slope and standard error NaN when the rows hold fewer than two widths.
 */
export function widthTrends(data: WidthSweepData): Record<Method, { slope: number; slopeSe: number }> {
  const x = data.rows.map((r) => Math.log2(r.width));
  const fit = (m: Method) => (new Set(x).size > 1 ? olsFit(x, data.rows.map((r) => r.methods[m].barrier)) : { slope: Number.NaN, slopeSe: Number.NaN });
  return Object.fromEntries(METHODS.map((m) => [m, fit(m)])) as Record<Method, { slope: number; slopeSe: number }>;
}
