import * as tf from '@tensorflow/tfjs-core';
import type { BackendAttempt } from './types';

/** Registers `@tensorflow/tfjs-backend-wasm` (the CPU default: SIMD + threads when Node allows). */
export async function prepareWasm(): Promise<BackendAttempt> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return {
      name: 'wasm',
      ok: false,
      reason: `@tensorflow/tfjs-backend-wasm could not be loaded: ${(e as Error).message.split('\n')[0]}`,
      fix: 'pnpm add @tensorflow/tfjs-backend-wasm@4.22.0',
    };
  }
  if (!tf.findBackendFactory('wasm')) return { name: 'wasm', ok: false, reason: 'the wasm backend did not register' };
  return { name: 'wasm', ok: true, reason: '', detail: 'WebAssembly' };
}

/** Registers the plain JavaScript backend, which is always available. */
export async function prepareCpu(): Promise<BackendAttempt> {
  await import('@tensorflow/tfjs-backend-cpu');
  return { name: 'cpu', ok: true, reason: '', detail: 'JavaScript' };
}
