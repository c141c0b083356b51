/**
 * Independent cells of a reproduction's plan (one training, one seed, one pair) run in a pool of worker threads.
 * A cell function is defined once at module top level with {@link defineCells}; the CLI's bundle is also the worker
 * entry, so every worker registers the same functions by importing the registry. Cells and results must be
 * structured-cloneable plain data (numbers, strings, arrays, typed arrays). Results never depend on which worker ran
 * a cell or on the worker count: each cell carries its own seed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Progress, ReproContext } from '../types';

type CellFn = (cell: unknown) => Promise<unknown>;

const cellFns = new Map<string, CellFn>();
let workerEntry: string | undefined;

/** A named cell function and how to map it over a plan. */
export interface CellKernel<C, R> {
  readonly name: string;
  /** Runs one cell in this thread. */
  run(cell: C): Promise<R>;
  /** Runs every cell (in `ctx.workers` threads when the CLI set a worker entry), results in the order of `cells`. */
  map(ctx: Pick<ReproContext, 'workers' | 'backend'>, cells: readonly C[], progress?: Progress): Promise<R[]>;
}

/** Registers a cell function under a globally unique name (`<repro-id>/<what>`); call it at module top level. */
export function defineCells<C, R>(name: string, fn: (cell: C) => Promise<R>): CellKernel<C, R> {
  if (cellFns.has(name)) throw new Error(`defineCells: a cell function named '${name}' is already defined`);
  cellFns.set(name, fn as CellFn);
  return {
    name,
    run: fn,
    map: (ctx, cells, progress) => mapCells(name, fn, ctx, cells, progress),
  };
}

/** A cell function over groups of cells that share one computation; see {@link defineGroupedCells}. */
export interface GroupedCellKernel<C, R> {
  readonly name: string;
  /** Runs one group of cells together in this thread (one result per cell). */
  run(cells: C[]): Promise<R[]>;
  /**
   * Runs every cell, results in the order of `cells`. On webgpu, cells with equal `key` run together in groups of up
   * to `maxGroup` (one dispatch stream serves them all); on cpu and wasm each cell is its own group, so the pool's
   * threads give the parallelism. `progress` ticks once per cell. `maxGroup` defaults to 64, or to the environment
   * variable LEMMA_MAX_GROUP when set (to measure how a step's cost grows with K).
   */
  map(ctx: Pick<ReproContext, 'workers' | 'backend'>, cells: readonly C[], key: (cell: C) => string, progress?: Progress, maxGroup?: number): Promise<R[]>;
}

/** The environment variable that caps K-model groups when `maxGroup` is not given. */
export const MAX_GROUP_ENV = 'LEMMA_MAX_GROUP';

function maxGroupDefault(): number {
  const v = process.env[MAX_GROUP_ENV];
  if (v === undefined || v === '') return 64;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${MAX_GROUP_ENV} must be an integer >= 1, got '${v}'`);
  return n;
}

/** Registers a cell function that takes a group of cells and returns one result per cell (e.g. K trainings at once). */
export function defineGroupedCells<C, R>(name: string, fn: (cells: C[]) => Promise<R[]>): GroupedCellKernel<C, R> {
  const groupFn = async (group: C[]): Promise<R[]> => {
    const out = await fn(group);
    if (out.length !== group.length) throw new Error(`${name}: a group of ${group.length} cells gave ${out.length} results`);
    return out;
  };
  defineCells(name, groupFn);
  return {
    name,
    run: groupFn,
    async map(ctx, cells, key, progress, maxGroup = maxGroupDefault()) {
      const byKey = new Map<string, number[]>();
      const groups: number[][] = [];
      cells.forEach((c, i) => {
        if (ctx.backend !== 'webgpu') return groups.push([i]);
        const k = key(c);
        let g = byKey.get(k);
        if (!g || g.length >= maxGroup) byKey.set(k, (g = groups[groups.push([]) - 1]!));
        g.push(i);
      });
      const res = await mapCells(name, groupFn, ctx, groups.map((g) => g.map((i) => cells[i]!)), progress, (g) => g.length);
      const out = new Array<R>(cells.length);
      groups.forEach((g, j) => g.forEach((i, m) => (out[i] = res[j]![m]!)));
      return out;
    },
  };
}

/**
 * Throws unless `cells` is a non-empty group whose cells share `key` (they differ only in `what`), naming the first
 * cell that does not: a K-model training's check that its models can share one step.
 */
export function expectOneGroup<C>(where: string, cells: readonly C[], key: (cell: C) => string, what: string): void {
  if (cells.length === 0) throw new Error(`${where}: cells must be non-empty`);
  const k0 = key(cells[0]!);
  cells.forEach((c, k) => {
    if (key(c) !== k0) throw new Error(`${where}: cells trained together may differ only in ${what}; cells[${k}] is ${JSON.stringify(c)}, cells[0] is ${JSON.stringify(cells[0])}`);
  });
}

/**
 * Where to run cells that are host work (matching, small evaluations): on cpu and wasm, as `ctx` says; on a GPU
 * backend, wasm worker threads on every core, since the GPU run's single thread would otherwise do them one by one.
 */
export function hostCells(ctx: Pick<ReproContext, 'workers' | 'backend'>): Pick<ReproContext, 'workers' | 'backend'> {
  return ctx.backend === 'webgpu' ? { backend: 'wasm', workers: availableParallelism() } : ctx;
}

let cacheDir: string | undefined;

/**
 * With a folder, every finished cell's result is stored there (keyed by the cell function, the backend and the
 * cell's contents) and a later run with the same folder reuses it instead of computing it again: a long plan stopped
 * at a time limit resumes where it stopped. `undefined` (the default) turns the cache off.
 */
export function setCellCache(dir: string | undefined): void {
  cacheDir = dir;
}

/** The cache file of one cell, or undefined when the cache is off. */
function cacheFile(name: string, backend: string, cell: unknown): string | undefined {
  if (cacheDir === undefined) return undefined;
  const hash = createHash('sha256').update(name).update('\0').update(backend).update('\0').update(serialize(cell)).digest('hex').slice(0, 32);
  return join(cacheDir, name.replace(/[^A-Za-z0-9_-]/g, '_'), `${hash}.v8`);
}

function readCached(file: string | undefined): { hit: true; value: unknown } | { hit: false } {
  if (file === undefined) return { hit: false };
  try {
    return { hit: true, value: deserialize(readFileSync(file)) };
  } catch {
    return { hit: false };
  }
}

/** Written to a temporary name and renamed, so a run killed mid-write never leaves a truncated result. */
function writeCached(file: string | undefined, value: unknown): void {
  if (file === undefined) return;
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, serialize(value));
  renameSync(tmp, file);
}

/** The CLI calls this with its own file so that cells can run in worker threads; without it cells run inline. */
export function setCellWorkerEntry(entry: string | undefined): void {
  workerEntry = entry;
}

interface CellMessage {
  index: number;
  name: string;
  cell: unknown;
}
type CellReply = { index: number; ok: true; result: unknown } | { index: number; ok: false; error: string };

async function mapCells<C, R>(name: string, fn: (cell: C) => Promise<R>, ctx: Pick<ReproContext, 'workers' | 'backend'>, cells: readonly C[], progress?: Progress, weight: (cell: C) => number = () => 1): Promise<R[]> {
  const results = new Array<R>(cells.length);
  const files = cells.map((c) => cacheFile(name, ctx.backend, c));
  const todo: number[] = [];
  cells.forEach((c, i) => {
    const hit = readCached(files[i]);
    if (hit.hit) {
      results[i] = hit.value as R;
      progress?.tick(weight(c));
    } else todo.push(i);
  });
  const done = (i: number, r: R) => {
    results[i] = r;
    writeCached(files[i], r);
    progress?.tick(weight(cells[i]!));
  };
  const threads = Math.min(ctx.workers, todo.length);
  if (threads <= 1 || workerEntry === undefined) {
    for (const i of todo) done(i, await fn(cells[i]!));
    return results;
  }
  const entry = workerEntry;
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolvePool, rejectPool) => {
      let finished = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (!failed) {
          failed = true;
          rejectPool(e);
        }
      };
      const feed = (w: Worker) => {
        if (failed) return;
        if (next < todo.length) {
          const index = todo[next]!;
          const msg: CellMessage = { index, name, cell: cells[index] };
          next += 1;
          w.postMessage(msg);
        }
      };
      for (let i = 0; i < threads; i++) {
        const w = new Worker(entry, { workerData: { lemmaCellWorker: true, backend: ctx.backend } });
        workers.push(w);
        w.on('message', (m: CellReply) => {
          if (!m.ok) return fail(new Error(`cell ${m.index} of ${name} failed in a worker: ${m.error}`));
          done(m.index, m.result as R);
          finished += 1;
          if (finished === todo.length) resolvePool();
          else feed(w);
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a worker running ${name} exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** True in a thread started by the pool. */
export function isCellWorker(): boolean {
  return !isMainThread && (workerData as { lemmaCellWorker?: boolean } | null)?.lemmaCellWorker === true;
}

/** Worker side: starts the backend the main thread uses, then runs the cells it is sent until terminated. */
export async function serveCells(start: (backend: string) => Promise<void>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveCells: not in a worker thread');
  await start((workerData as { backend: string }).backend);
  port.on('message', (m: CellMessage) => {
    const fn = cellFns.get(m.name);
    const reply = (r: CellReply) => port.postMessage(r);
    if (!fn) return reply({ index: m.index, ok: false, error: `no cell function named '${m.name}' in this bundle` });
    fn(m.cell).then(
      (result) => reply({ index: m.index, ok: true, result }),
      (e: Error) => reply({ index: m.index, ok: false, error: e.stack ?? String(e) }),
    );
  });
}
