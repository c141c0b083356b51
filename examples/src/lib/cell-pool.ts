/**
 * Independent cells of a reproduction's plan (one training, one seed, one pair) run in a pool of worker threads.
 * A cell function is defined once at module top level with {@link defineCells}; the CLI's bundle is also the worker
 * entry, so every worker registers the same functions by importing the registry. Cells and results must be
 * structured-cloneable plain data (numbers, strings, arrays, typed arrays). Results never depend on which worker ran
 * a cell or on the worker count: each cell carries its own seed.
 */
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

async function mapCells<C, R>(name: string, fn: (cell: C) => Promise<R>, ctx: Pick<ReproContext, 'workers' | 'backend'>, cells: readonly C[], progress?: Progress): Promise<R[]> {
  const threads = Math.min(ctx.workers, cells.length);
  if (threads <= 1 || workerEntry === undefined) {
    const out: R[] = [];
    for (const c of cells) {
      out.push(await fn(c));
      progress?.tick();
    }
    return out;
  }
  const entry = workerEntry;
  const results = new Array<R>(cells.length);
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
        if (next < cells.length) {
          const msg: CellMessage = { index: next, name, cell: cells[next] };
          next += 1;
          w.postMessage(msg);
        }
      };
      for (let i = 0; i < threads; i++) {
        const w = new Worker(entry, { workerData: { lemmaCellWorker: true, backend: ctx.backend } });
        workers.push(w);
        w.on('message', (m: CellReply) => {
          if (!m.ok) return fail(new Error(`cell ${m.index} of ${name} failed in a worker: ${m.error}`));
          results[m.index] = m.result as R;
          finished += 1;
          progress?.tick();
          if (finished === cells.length) resolvePool();
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
