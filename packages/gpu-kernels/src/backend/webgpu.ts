import * as tf from '@tensorflow/tfjs-core';
import { installRecorder } from '../train/recorder';
import { findVulkanLoader, loadDawn, NO_ADAPTER_FIX, PLATFORM, type DawnModule } from './platform';
import type { BackendAttempt } from './types';

type NavigatorLike = { gpu?: GPU };

let started: Promise<BackendAttempt> | undefined;

/** Dawn flags; `LEMMA_DAWN_FLAGS` (comma separated) adds more, e.g. `adapter=...`. */
function dawnFlags(): string[] {
  const extra = process.env.LEMMA_DAWN_FLAGS;
  return extra ? extra.split(',').filter(Boolean) : [];
}

type BufferManagerLike = { acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer };
const STAGED = Symbol('lemma-staged-uploads');
// GPUBufferUsage flags (the global may not exist before Dawn is loaded).
const MAP_READ = 0x1;
const MAP_WRITE = 0x2;
const STORAGE = 0x80;

/**
 * Makes tfjs-webgpu upload host values through its staging copy instead of into a fresh storage buffer mapped at
 * creation. Measured on an H200 (Dawn/Vulkan, 2026-12-07): a fused AdamW step over 100M parameters took 1.66 ms on
 * tensors uploaded that way and 0.82 ms on kernel-written ones (PyTorch: 0.80 ms), and such buffers go back to tfjs's
 * pool and slow every later output that reuses them. The staging path is the one tfjs already takes for pooled buffers.
 */
export function stageUploads(backend: { bufferManager: BufferManagerLike }): void {
  const bm = backend.bufferManager as BufferManagerLike & { [STAGED]?: true };
  if (bm[STAGED]) return;
  const acquire = bm.acquireBuffer;
  bm.acquireBuffer = function (this: unknown, size: number, usage: number, mappedAtCreation = false, reuse = true): GPUBuffer {
    const direct = mappedAtCreation && (usage & STORAGE) !== 0 && (usage & (MAP_READ | MAP_WRITE)) === 0;
    return acquire.call(this, size, usage, direct ? false : mappedAtCreation, reuse);
  };
  bm[STAGED] = true;
}

/** Wraps the registered webgpu factory so every backend it makes stages its uploads (or patches a live one). */
function stageUploadsOfWebGPU(): void {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown>; registryFactory: Record<string, { factory: () => unknown; priority: number } | undefined> };
  const live = engine.registry.webgpu as { bufferManager: BufferManagerLike } | undefined;
  if (live) return stageUploads(live);
  const entry = engine.registryFactory.webgpu;
  if (!entry || (entry.factory as { [STAGED]?: true })[STAGED]) return;
  const make = entry.factory;
  const wrapped = async (): Promise<unknown> => {
    const be = (await make()) as { bufferManager: BufferManagerLike };
    stageUploads(be);
    return be;
  };
  (wrapped as { [STAGED]?: true })[STAGED] = true;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', wrapped as () => Promise<tf.KernelBackend>, entry.priority);
}

async function tryStart(): Promise<BackendAttempt> {
  if (PLATFORM === 'browser' || typeof process === 'undefined' || !process.versions?.node) {
    // In a browser the page's navigator.gpu is used as is.
    if (!(globalThis as { navigator?: NavigatorLike }).navigator?.gpu) {
      return { name: 'webgpu', ok: false, reason: 'this browser has no navigator.gpu' };
    }
  } else if (!(globalThis as { navigator?: NavigatorLike }).navigator?.gpu) {
    if (!(await findVulkanLoader())) {
      return { name: 'webgpu', ok: false, reason: 'no Vulkan loader (libvulkan.so.1) on this machine, so Dawn has no driver to use', fix: NO_ADAPTER_FIX };
    }
    let dawn: DawnModule;
    try {
      dawn = await loadDawn();
    } catch (e) {
      return {
        name: 'webgpu',
        ok: false,
        reason: `the 'webgpu' package (Dawn for Node) could not be loaded: ${(e as Error).message.split('\n')[0]}`,
        fix: 'pnpm add webgpu @tensorflow/tfjs-backend-webgpu',
      };
    }
    // The tfjs backend registers itself at import only if navigator.gpu already exists.
    Object.assign(globalThis, dawn.globals);
    const g = globalThis as { navigator?: NavigatorLike };
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
    g.navigator!.gpu = dawn.create(dawnFlags());
  }
  const gpu = (globalThis as { navigator?: NavigatorLike }).navigator!.gpu!;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { name: 'webgpu', ok: false, reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) {
    return {
      name: 'webgpu',
      ok: false,
      reason: PLATFORM === 'browser' ? 'the browser offers no WebGPU adapter' : 'no WebGPU adapter: Dawn found no Vulkan driver',
      fix: NO_ADAPTER_FIX,
    };
  }
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const detail = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return {
      name: 'webgpu',
      ok: false,
      reason: `@tensorflow/tfjs-backend-webgpu could not be loaded: ${(e as Error).message.split('\n')[0]}`,
      fix: 'pnpm add @tensorflow/tfjs-backend-webgpu@4.22.0',
      detail,
    };
  }
  // Remembers bind groups from the start, so step graphs can relocate groups cached across steps.
  installRecorder();
  if (!tf.findBackendFactory('webgpu')) {
    return { name: 'webgpu', ok: false, reason: 'the tfjs webgpu backend did not register', detail };
  }
  stageUploadsOfWebGPU();
  const software =
    Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter) ||
    /llvmpipe|lavapipe|swiftshader|software/i.test(detail);
  return { name: 'webgpu', ok: true, reason: '', detail: detail || 'WebGPU adapter', software };
}

/** Loads Dawn (in Node), checks for an adapter and registers the tfjs webgpu backend. Idempotent. */
export function prepareWebGPU(): Promise<BackendAttempt> {
  started ??= tryStart();
  return started;
}

/**
 * Removes the Dawn instance from `navigator` so Node can exit: Dawn keeps the event loop alive while a
 * `GPU` object is reachable. Call after disposing the backend (tests do this in teardown).
 */
export function releaseWebGPU(): void {
  const g = globalThis as { navigator?: NavigatorLike };
  if (g.navigator?.gpu && typeof process !== 'undefined' && process.versions?.node) {
    try {
      tf.removeBackend('webgpu');
    } catch {
      // not registered
    }
    delete g.navigator.gpu;
    started = undefined;
  }
}
