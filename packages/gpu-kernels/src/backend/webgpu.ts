import * as tf from '@tensorflow/tfjs-core';
import { installRecorder } from '../train/recorder';
import { installWebGPUKernelFixes } from './webgpu-fixes';
import { findVulkanDriver, findVulkanLoader, loadDawn, NO_ADAPTER_FIX, PLATFORM, type DawnModule } from './platform';
import type { BackendAttempt } from './types';

type NavigatorLike = { gpu?: GPU };

let started: Promise<BackendAttempt> | undefined;

/** Dawn flags; `LEMMA_DAWN_FLAGS` (comma separated) adds more, e.g. `adapter=...`. */
function dawnFlags(): string[] {
  const extra = process.env.LEMMA_DAWN_FLAGS;
  return extra ? extra.split(',').filter(Boolean) : [];
}

/** Set once releaseWebGPU has removed a registered backend (see tryStart's reason for a later start). */
let released = false;

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
    if (!(await findVulkanDriver())) {
      return { name: 'webgpu', ok: false, reason: 'a Vulkan loader but no Vulkan driver (no ICD manifest in VK_DRIVER_FILES or any vulkan/icd.d folder), so Dawn has no driver to use', fix: NO_ADAPTER_FIX };
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
  installWebGPUKernelFixes();
  if (!tf.findBackendFactory('webgpu')) {
    // tfjs-webgpu registers itself once, at import. Registering its factory again after releaseWebGPU would start a
    // second Dawn device in this process, which crashed or hung the process at exit in 3 of 10 runs on lavapipe.
    const reason = released
      ? 'the tfjs webgpu backend registers itself once per process, at import: after releaseWebGPU it cannot be started again in this process'
      : 'the tfjs webgpu backend did not register';
    return { name: 'webgpu', ok: false, reason, detail };
  }
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
    if (tf.findBackendFactory('webgpu')) released = true;
    try {
      tf.removeBackend('webgpu');
    } catch {
      // not registered
    }
    delete g.navigator.gpu;
    started = undefined;
  }
}
