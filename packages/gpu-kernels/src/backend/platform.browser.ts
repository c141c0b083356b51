/** Browser variant of `platform.ts` (swapped in by the browser build): no Dawn, no tfjs-node, no tfjs-layers. */
import type { DawnModule } from './platform';

export type { DawnModule } from './platform';

export const PLATFORM: 'node' | 'browser' = 'browser';

export async function findVulkanLoader(): Promise<string | undefined> {
  return 'not needed';
}

export async function findVulkanDriver(): Promise<string | undefined> {
  return 'not needed';
}

export async function loadDawn(): Promise<DawnModule> {
  throw new Error('Dawn is the Node binding of WebGPU; in a browser navigator.gpu is used');
}

/** tfjs-core's own registration of every gradient (one ESM module graph in a bundle, so no second copy). */
export async function importGradients(): Promise<void> {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
}

export async function importTensorflowNode(): Promise<{ loaded?: string; errors: string[] }> {
  return { errors: ['tfjs-node runs only in Node'] };
}

export const NO_ADAPTER_FIX =
  'use a browser with WebGPU enabled (Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows); in Chromium on Linux start it with ' +
  '--enable-unsafe-webgpu --enable-features=Vulkan; otherwise the wasm backend is used';
