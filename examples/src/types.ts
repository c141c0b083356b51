import type { SeedDerivation } from './lib/seeds';

/** A Vega-Lite spec (kept as plain JSON; rendered to SVG by the report builder). */
export type VegaLiteSpec = Record<string, unknown>;

/** A figure of a reproduction: one Vega-Lite plot. */
export interface Figure {
  /** File-name-safe id, unique within the reproduction. */
  id: string;
  title: string;
  /** Caption: what to look for in the plot. */
  caption?: string;
  spec: VegaLiteSpec;
}

/** A table of results (e.g. fitted exponents vs theory). */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

/** A metric value recorded in results.json. */
export type MetricValue = number | string | boolean | null | number[];

/** What a reproduction returns. It never draws or writes files itself. */
export interface ReproResult {
  /** One line for stdout, e.g. "barrier after matching falls 0.91 -> 0.04 with width". */
  summary: string;
  /** Every number worth keeping, flat names. */
  metrics: Record<string, MetricValue>;
  /** Whether the paper's headline claim held at this scale (omit when not a yes/no claim). */
  reproduced?: boolean;
  tables?: Table[];
  figures: Figure[];
  /** Seeds actually used (the context seed plus any derived ones). */
  seeds: Record<string, number>;
}

/** Progress of one long phase; rendered as a bar on a TTY, silent otherwise. */
export interface Progress {
  /** Advance by `n` (default 1), optionally updating the trailing text (e.g. the current loss). */
  tick(n?: number, info?: string): void;
  done(): void;
}

/** Everything a reproduction may use from the runner. */
export interface ReproContext {
  /** `--quick` (default on a CPU backend): minutes on a laptop CPU. */
  quick: boolean;
  /** Base seed; derive others with named derivations (lib/seeds.ts, listed in {@link Reproduction.seedDerivations}) and record their values in `seeds`. */
  seed: number;
  /** The active tfjs backend name. */
  backend: string;
  /** Values of the reproduction's declared {@link Reproduction.options} given with `--option key=value` (sweeps). */
  options: Record<string, number | string | boolean>;
  /** Worker threads for independent cells (lib/cell-pool.ts); 1 runs them inline. Results never depend on it. */
  workers: number;
  /**
   * `--logdir`: this reproduction's TensorBoard folder (`<logdir>/<id>`), or undefined. Nothing to do with it in a
   * reproduction: every training through lib/timed-train-steps.ts logs its losses there as a run of its own (name
   * it with `timedTrainSteps`' `run` option), and the runner adds the final metrics.
   */
  logdir?: string;
  /** Starts a progress bar for `total` units of work. */
  progress(label: string, total: number): Progress;
  /** A line of diagnostic output (stderr). */
  log(message: string): void;
}

/** A registered reproduction of one paper's headline result. */
export interface Reproduction {
  /** Short id used on the command line, e.g. `ot-sinkhorn-demo`. */
  id: string;
  title: string;
  /** The paper: title and arXiv id. */
  paper: string;
  /** The package it exercises, e.g. `@lemma/ot-matching`. */
  package: string;
  /** Options a sweep may set (`--option key=value`); none means the reproduction takes none. */
  options?: Record<string, { type: 'number' | 'string' | 'boolean'; description: string }>;
  /**
   * Every named seed derivation (lib/seeds.ts `defineSeed`) its runs use, whether called in this thread or in the
   * cell pool's workers; the runner records them in results.json as `seedDerivations: { name: formula }`.
   */
  seedDerivations?: readonly SeedDerivation<never>[];
  run(ctx: ReproContext): Promise<ReproResult>;
  /**
   * The same run on a tiny plan: every phase, metric, table and figure of {@link run} at toy sizes, in seconds on
   * the cpu backend (the claim need not hold there). src/registry.test.ts runs every registered reproduction's.
   */
  runTiny(ctx: ReproContext): Promise<ReproResult>;
}
