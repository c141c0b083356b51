/**
 * What differs between Node and the browser, in one place. This file is the Node variant; the browser build
 * (package.json's `browser` condition, built by tsup) swaps in `platform.browser.ts`, which never touches Dawn,
 * tfjs-node or tfjs-layers.
 */

/** Dawn's Node binding (npm `webgpu`) as gpu-kernels uses it. */
export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** 'node' here, 'browser' in the browser build. */
export const PLATFORM: 'node' | 'browser' = 'node';

/**
 * Where the Vulkan loader is, or undefined. Checked before Dawn loads so that a machine without Vulkan gets one
 * skip reason instead of Dawn's own "Couldn't load Vulkan" warning on stderr at every probe. Linux only: elsewhere
 * Dawn uses Metal / D3D12 and this returns 'not needed'.
 */
export async function findVulkanLoader(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'not needed';
  const { existsSync } = await import('node:fs');
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu',
    '/usr/lib64', '/usr/lib', '/lib64', '/lib', '/usr/local/lib', '/usr/local/nvidia/lib64',
  ];
  return dirs.map((d) => `${d}/libvulkan.so.1`).find((p) => existsSync(p));
}

/**
 * A Vulkan driver manifest (ICD .json) the loader would read, or undefined: with a loader but no driver, Dawn and
 * the loader print "Found no drivers!" warnings on stderr at every probe. Follows the loader's search: the files
 * or folders in VK_DRIVER_FILES / VK_ICD_FILENAMES when set (plus VK_ADD_DRIVER_FILES), else icd.d under the XDG
 * config and data folders, /etc and /usr/share. Linux only ('not needed' elsewhere).
 */
export async function findVulkanDriver(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'not needed';
  const { existsSync, readdirSync, statSync } = await import('node:fs');
  const list = (v: string | undefined) => (v ?? '').split(':').filter(Boolean);
  const home = process.env.HOME ?? '';
  const explicit = [...list(process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES), ...list(process.env.VK_ADD_DRIVER_FILES)];
  const searched = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES
    ? explicit
    : [
        ...explicit,
        ...[...list(process.env.XDG_CONFIG_DIRS || '/etc/xdg'), '/etc', '/usr/local/etc'].map((d) => `${d}/vulkan/icd.d`),
        ...[process.env.XDG_DATA_HOME || `${home}/.local/share`, ...list(process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share'), '/usr/share'].map((d) => `${d}/vulkan/icd.d`),
      ];
  for (const p of searched) {
    if (!existsSync(p)) continue;
    if (!statSync(p).isDirectory()) return p;
    const json = readdirSync(p).find((f) => f.endsWith('.json'));
    if (json) return `${p}/${json}`;
  }
  return undefined;
}

/** Loads Dawn so that `navigator.gpu` can be provided in Node. */
export async function loadDawn(): Promise<DawnModule> {
  return (await import('webgpu')) as unknown as DawnModule;
}

/**
 * Registers tfjs-core's gradient functions. In Node, `@tensorflow/tfjs-core` alone leaves `tf.grad` failing with
 * "gradient function not found for Sum"; tfjs-layers' Node bundle registers them all (on the same tfjs-core copy:
 * a deep import of tfjs-core's ESM gradients would load a second copy beside the CJS one Node resolves).
 */
export async function importGradients(): Promise<void> {
  try {
    await import('@tensorflow/tfjs-layers');
  } catch (e) {
    throw new Error(
      `@lemma/gpu-kernels: could not load @tensorflow/tfjs-layers to register gradients (${(e as Error).message.split('\n')[0]}); install @tensorflow/tfjs-layers@4.22.0`,
    );
  }
}

/** Loads tfjs-node(-gpu) if the user installed one; returns the package that loaded or the reasons. */
export async function importTensorflowNode(): Promise<{ loaded?: string; errors: string[] }> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* @vite-ignore */ pkg);
      return { loaded: pkg, errors };
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? '';
      errors.push(/Cannot find (module|package)/.test(msg) ? `${pkg} is not installed` : `${pkg}: ${msg}`);
    }
  }
  return { errors };
}

/** What to tell a user whose machine has no WebGPU adapter. */
export const NO_ADAPTER_FIX =
  'install a Vulkan driver: an NVIDIA driver with its Vulkan ICD, or Mesa lavapipe on the CPU ' +
  '(Debian: apt-get install -t bookworm-backports mesa-vulkan-drivers; Mesa 22.x is too old for Dawn)';
