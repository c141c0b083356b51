import * as tf from '@tensorflow/tfjs-core';
import { expectOptions } from '../validate';
import { importGradients } from './platform';
import { assertSingleTfjsCore } from './tfjs-copies';
import { prepareTensorflow } from './tensorflow';
import { BACKEND_NAMES, BackendUnavailableError } from './types';
import type { BackendAttempt, BackendChoice, BackendName, BackendReport } from './types';
import { prepareCpu, prepareWasm, type WasmPaths } from './wasm';
import { prepareWebGPU } from './webgpu';

const PREPARE: Record<BackendName, (opts: SelectBackendOptions) => Promise<BackendAttempt>> = {
  webgpu: prepareWebGPU,
  tensorflow: prepareTensorflow,
  wasm: (opts) => prepareWasm(opts.wasmPaths),
  cpu: prepareCpu,
};

let gradientsRegistered: Promise<void> | undefined;

/**
 * Registers tfjs-core's gradient functions (`tf.grad` fails with "gradient function not found for Sum" without
 * them): in Node through tfjs-layers' bundle, in the browser through tfjs-core's own module.
 */
export function registerCoreGradients(): Promise<void> {
  gradientsRegistered ??= importGradients();
  return gradientsRegistered;
}

/** Reads and validates a backend choice, falling back to `LEMMA_BACKEND`, then `'auto'`. */
export function resolveBackendChoice(choice?: BackendChoice | string): BackendChoice {
  const raw = (choice ?? (typeof process !== 'undefined' ? process.env.LEMMA_BACKEND : undefined) ?? 'auto')
    .toString()
    .trim()
    .toLowerCase();
  if (raw === 'auto' || (BACKEND_NAMES as readonly string[]).includes(raw)) return raw as BackendChoice;
  throw new Error(`selectBackend: backend must be one of auto, ${BACKEND_NAMES.join(', ')}; got '${raw}'`);
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Backend to use; defaults to `process.env.LEMMA_BACKEND`, else `'auto'`. */
  backend?: BackendChoice;
  /** Browser: where tfjs's .wasm files are served (a URL prefix ending in '/'); see tfjs-backend-wasm's setWasmPaths. */
  wasmPaths?: WasmPaths;
}

const OPTION_KEYS = ['backend', 'wasmPaths'] as const;

/**
 * Picks and activates a tfjs backend. `'auto'` tries webgpu (hardware adapters only), tensorflow (tfjs-node),
 * wasm, then cpu and
 * reports why each skipped one was skipped; an explicit choice that cannot start throws
 * {@link BackendUnavailableError} with the reason and the fix. Also registers the core gradients.
 *
 * @example
 * const report = await selectBackend();           // or { backend: 'wasm' }
 * console.log(formatBackendReport(report));
 */
export async function selectBackend(options: SelectBackendOptions | BackendChoice = {}): Promise<BackendReport> {
  const opts: SelectBackendOptions = typeof options === 'string' ? { backend: options } : options;
  expectOptions('selectBackend', 'options', opts, OPTION_KEYS);
  const requested = resolveBackendChoice(opts.backend);
  assertSingleTfjsCore('selectBackend');
  await registerCoreGradients();
  const order: BackendName[] = requested === 'auto' ? [...BACKEND_NAMES] : [requested];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    let attempt = await PREPARE[name](opts);
    if (attempt.ok && attempt.software && requested === 'auto') {
      // lavapipe is correct but runs shaders on the CPU, far slower than wasm for real work.
      attempt = {
        ...attempt,
        ok: false,
        reason: `software adapter (${attempt.detail}) runs on the CPU and is slower than wasm`,
        fix: 'ask for it explicitly (backend webgpu / LEMMA_BACKEND=webgpu) to test WebGPU code paths on it',
      };
    }
    if (attempt.ok) {
      try {
        if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
        await tf.ready();
        // tfjs-backend-cpu prints a "use tfjs-node" banner on its first op in Node; the user chose cpu.
        if (name === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
      } catch (e) {
        attempt = { ...attempt, ok: false, reason: `initialisation failed: ${(e as Error).message.split('\n')[0]}` };
      }
    }
    attempts.push(attempt);
    if (attempt.ok) return { backend: name, requested, attempts, detail: attempt.detail ?? '' };
    if (requested !== 'auto') throw new BackendUnavailableError(name, attempt.reason, attempt.fix);
  }
  // cpu never fails to load, so this is unreachable unless tfjs itself is broken.
  throw new Error(`selectBackend: no backend could start: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
}

/** One line per attempt, for logs and CLIs. */
export function formatBackendReport(report: BackendReport): string {
  const lines = [`backend: ${report.backend}${report.detail ? ` (${report.detail})` : ''} [requested: ${report.requested}]`];
  for (const a of report.attempts) {
    if (!a.ok) lines.push(`  skipped ${a.name}: ${a.reason}${a.fix ? ` (fix: ${a.fix})` : ''}`);
  }
  return lines.join('\n');
}
