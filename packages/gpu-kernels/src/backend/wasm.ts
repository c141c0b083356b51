import * as tf from '@tensorflow/tfjs-core';
import type { BackendAttempt } from './types';

/** Where the browser fetches tfjs's .wasm binaries from (tfjs-backend-wasm's `setWasmPaths`). */
export type WasmPaths = string | { 'tfjs-backend-wasm.wasm'?: string; 'tfjs-backend-wasm-simd.wasm'?: string; 'tfjs-backend-wasm-threaded-simd.wasm'?: string };

/**
 * Registers `@tensorflow/tfjs-backend-wasm` (the CPU default: SIMD + threads when Node allows). In a browser bundle
 * the .wasm binaries must be served: pass `wasmPaths` (a URL prefix ending in '/', or a map per file).
 */
export async function prepareWasm(wasmPaths?: WasmPaths): Promise<BackendAttempt> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths as Parameters<typeof wasm.setWasmPaths>[0]);
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
