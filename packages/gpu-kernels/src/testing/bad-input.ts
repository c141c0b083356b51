/**
 * The bad-input table harness: every public export, one argument made bad at a time, must either throw an error
 * that names the function and the argument (and leave `tf.memory().numTensors` unchanged) or be a documented
 * acceptance. Cases run in a child process per backend (cpu, wasm), so a crash (a wasm out-of-bounds abort) or a hang
 * fails the case instead of killing or stalling the test runner.
 *
 * Adding a package's table:
 * 1. Write `src/<name>.bad-inputs.ts` exporting `export const cases: BadInputCase[] = [...]` (import the package's
 *    exports from its source; create input tensors in `setup`, which is not counted as a leak and is disposed after).
 * 2. Write `src/<name>.bad-inputs.test.ts`:
 *    ```ts
 *    import { badInputTable } from '@lemma/gpu-kernels/testing';
 *    import { cases } from './<name>.bad-inputs';
 *    badInputTable('<package> exports', cases, new URL('./<name>.bad-inputs.ts', import.meta.url));
 *    ```
 * The child runs the table file with `node --import tsx`, so the file must import nothing from vitest.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/** One bad call of one export. Exactly one of `throws` / `accepts` is given. */
export interface BadInputCase<A = unknown> {
  /** The export under test; a thrown message must contain it. */
  fn: string;
  /** What is bad, e.g. `'iterations: 1.5'`. */
  bad: string;
  /** Builds the valid part of the inputs (tensors made here are not counted as leaks and are disposed afterwards). */
  setup?: () => A;
  /** The call; may return a promise. Whatever it returns (tensors included) is disposed after an accepted call. */
  call: (inputs: A) => unknown;
  /** The error message must match (name the argument in it). */
  throws?: RegExp;
  /** A documented acceptance: why this input is valid after all. The call must then succeed without leaking. */
  accepts?: string;
}

/** What a case did in the child process. */
export interface BadInputOutcome {
  i: number;
  outcome: 'threw' | 'returned';
  message?: string;
  /** tf.memory().numTensors after the call (and after disposing an accepted result) minus before. */
  leaked: number;
}

/** Options of {@link badInputTable}. */
export interface BadInputTableOptions {
  /** Default ['cpu', 'wasm']. */
  backends?: ('cpu' | 'wasm' | 'webgpu')[];
  /** A case that takes longer than this counts as a hang (default 20 s). */
  caseTimeoutMs?: number;
  /** The table's export name in the module (default 'cases'). */
  exportName?: string;
}

/** Registers one vitest `describe` per backend with one `it` per case of `cases` (defined in `module`). */
export function badInputTable(title: string, cases: readonly BadInputCase<never>[], module: URL | string, opts: BadInputTableOptions = {}): void {
  const modulePath = module instanceof URL ? fileURLToPath(module) : module;
  const caseTimeoutMs = opts.caseTimeoutMs ?? 20_000;
  for (const backend of opts.backends ?? ['cpu', 'wasm']) {
    describe(`${title} [${backend}]`, () => {
      let run: ChildRun;
      beforeAll(async () => {
        run = await runTableInChild(modulePath, opts.exportName ?? 'cases', backend, cases.length, caseTimeoutMs);
      }, caseTimeoutMs * Math.max(1, cases.length) + 60_000);
      cases.forEach((c, i) => {
        if ((c.throws === undefined) === (c.accepts === undefined)) throw new Error(`badInputTable: case ${i} (${c.fn}, ${c.bad}) must give exactly one of throws / accepts`);
        it(`${c.fn} — ${c.bad}${c.accepts ? ' (accepted)' : ''}`, () => {
          const o = run.outcomes.get(i);
          if (!o) throw new Error(run.failure?.(i) ?? `case ${i} produced no outcome`);
          if (c.throws) {
            expect(o.outcome, `returned instead of throwing ${c.throws}`).toBe('threw');
            expect(o.message).toMatch(c.throws);
            expect(o.message, 'the message must name the function').toContain(c.fn);
          } else {
            expect(o.outcome, `threw '${o.message}' but ${c.accepts}`).toBe('returned');
          }
          expect(o.leaked, 'tensors left behind').toBe(0);
        });
      });
    });
  }
}

interface ChildRun {
  outcomes: Map<number, BadInputOutcome>;
  /** Why case i has no outcome (the child crashed or hung there, or never got to it). */
  failure?: (i: number) => string;
}

function runTableInChild(modulePath: string, exportName: string, backend: string, n: number, caseTimeoutMs: number): Promise<ChildRun> {
  // From source (this package's tests) the child is the .ts beside this file; from dist, the built bad-input-child.js.
  const here = fileURLToPath(import.meta.url);
  const child = join(dirname(here), here.endsWith('.ts') ? 'bad-input-child.ts' : 'bad-input-child.js');
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, modulePath, exportName, backend], { stdio: ['ignore', 'pipe', 'pipe'] });
    const outcomes = new Map<number, BadInputOutcome>();
    let started = -1;
    let buf = '';
    let stderr = '';
    let hung = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        proc.kill('SIGKILL');
      }, caseTimeoutMs);
    };
    arm();
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const m = JSON.parse(line) as { start: number } | BadInputOutcome;
        if ('start' in m) started = m.start;
        else outcomes.set(m.i, m);
        arm();
      }
    });
    proc.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && outcomes.size === n) return resolve({ outcomes });
      const why = hung ? `hung (no answer in ${caseTimeoutMs} ms)` : `crashed the process (exit ${code ?? signal})`;
      resolve({
        outcomes,
        failure: (i) => (i === started ? `this case ${why}; stderr: ${stderr}` : `not run: case ${started} ${why}; stderr: ${stderr}`),
      });
    });
  });
}
