import * as tf from '@tensorflow/tfjs-core';
import { prepareTensorflow } from './tensorflow';
import { BACKEND_NAMES, BackendUnavailableError } from './types';
import type { BackendAttempt, BackendChoice, BackendName, BackendReport } from './types';
import { prepareCpu, prepareWasm } from './wasm';
import { prepareWebGPU } from './webgpu';

const PREPARE: Record<BackendName, () => Promise<BackendAttempt>> = {
  webgpu: prepareWebGPU,
  tensorflow: prepareTensorflow,
  wasm: prepareWasm,
  cpu: prepareCpu,
};

let gradientsRegistered: Promise<void> | undefined;

/**
 * Registers tfjs-core's gradient functions. In Node, `@tensorflow/tfjs-core` alone leaves `tf.grad` failing
 * with "gradient function not found for Sum"; tfjs-layers' Node bundle registers them all as a side effect.
 */
export function registerCoreGradients(): Promise<void> {
  gradientsRegistered ??= import('@tensorflow/tfjs-layers').then(
    () => undefined,
    (e: Error) => {
      throw new Error(
        `@lemma/gpu-kernels: could not load @tensorflow/tfjs-layers to register gradients (${e.message.split('\n')[0]}); install @tensorflow/tfjs-layers@4.22.0`,
      );
    },
  );
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
}

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
  const opts = typeof options === 'string' ? { backend: options } : options;
  const requested = resolveBackendChoice(opts.backend);
  await registerCoreGradients();
  const order: BackendName[] = requested === 'auto' ? [...BACKEND_NAMES] : [requested];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    let attempt = await PREPARE[name]();
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
