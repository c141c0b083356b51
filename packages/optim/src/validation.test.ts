import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it, vi } from 'vitest';
import { adamw } from './adamw';
import { runValidationCases, type CaseResult } from './validation-cases';

const here = dirname(fileURLToPath(import.meta.url));

function expectAllRejected(results: CaseResult[]): void {
  expect(results.length).toBeGreaterThan(40);
  const failed = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
  expect(failed).toEqual([]);
}

describeEachBackend(
  'bad optimizer input is rejected before any storage is touched (tf.memory() unchanged)',
  () => {
    it('every case of the table (cpu, in process)', async () => {
      expectAllRejected(await runValidationCases());
    });
  },
  ['cpu'],
);

describe('bad optimizer input on wasm, in a child process (a heap overrun kills the child, not the runner)', () => {
  it('every case of the table: a clear error naming the argument, nothing leaked, state unchanged', () => {
    let out: string;
    try {
      out = execFileSync('npx', ['tsx', join(here, 'validation-cases.ts'), 'wasm'], { cwd: join(here, '..'), encoding: 'utf8', timeout: 110_000 });
    } catch (e) {
      const err = e as { status?: number; stderr?: string };
      throw new Error(`the wasm child process died (exit ${err.status}): ${String(err.stderr).slice(-2000)}`);
    }
    const doc = JSON.parse(out.trim().split('\n').at(-1)!) as { backend: string; results: CaseResult[] };
    expect(doc.backend).toBe('wasm');
    expectAllRejected(doc.results);
  });
});

describeEachBackend('a skipped non-finite step advances the step counter on every backend', () => {
  it("nonFinite 'skip': weights untouched, iterations + 1, and the next step uses t = 2", async () => {
    const name = `skipcount_${Math.random().toString(36).slice(2)}`;
    const v = tf.variable(tf.ones([4]), true, name);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const opt = adamw({ learningRate: 0.1, weightDecay: 0 });
    const bad = tf.tensor1d([1, Number.NaN, 1, 1]);
    opt.applyGradients({ [name]: bad });
    expect(opt.iterations).toBe(1);
    expect(Array.from(await v.data())).toEqual([1, 1, 1, 1]);
    // Step 2 with g = 1: m = 0.1, v = 0.001; bias-corrected m̂ = 0.1/0.19, v̂ = 0.001/0.001999 → p = 1 − 0.1·m̂/√v̂.
    const g = tf.ones([4]);
    opt.applyGradients({ [name]: g });
    const mHat = 0.1 / (1 - 0.9 ** 2);
    const vHat = 0.001 / (1 - 0.999 ** 2);
    const want = 1 - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
    for (const x of await v.data()) expect(x).toBeCloseTo(want, 5);
    expect(opt.iterations).toBe(2);
    warn.mockRestore();
    tf.dispose([v, bad, g]);
    opt.dispose();
  });
});
