import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { findVulkanLoader, importGradients, importTensorflowNode, loadDawn, NO_ADAPTER_FIX, PLATFORM } from './platform';

describe('platform (Node)', () => {
  const saved = process.env.LD_LIBRARY_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
    else process.env.LD_LIBRARY_PATH = saved;
  });

  it('is the Node variant', () => {
    expect(PLATFORM).toBe('node');
    expect(NO_ADAPTER_FIX).toMatch(/Vulkan driver.*Mesa lavapipe/);
  });

  it.runIf(process.platform === 'linux')('findVulkanLoader looks in LD_LIBRARY_PATH first, then the system library folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lemma-vk-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    process.env.LD_LIBRARY_PATH = `${join(dir, 'missing')}::${dir}`;
    expect(await findVulkanLoader()).toBe(join(dir, 'libvulkan.so.1'));
    // Without it, the answer is a system path ending in libvulkan.so.1, or undefined.
    process.env.LD_LIBRARY_PATH = join(dir, 'missing');
    const found = await findVulkanLoader();
    if (found !== undefined) expect(found).toMatch(/^\/(usr\/)?(local\/)?(nvidia\/)?lib[^/]*(\/[^/]+)?\/libvulkan\.so\.1$/);
  });

  it('importTensorflowNode reports each missing package as not installed (Lemma never installs them)', async () => {
    expect(await importTensorflowNode()).toEqual({ errors: ['@tensorflow/tfjs-node-gpu is not installed', '@tensorflow/tfjs-node is not installed'] });
  });

  it('importGradients registers tfjs-core gradients (Sum, MatMul); loadDawn gives the Dawn binding', async () => {
    await importGradients();
    expect(tf.getGradient('Sum')).toBeDefined();
    expect(tf.getGradient('BatchMatMul')).toBeDefined();
    const dawn = await loadDawn();
    expect(typeof dawn.create).toBe('function');
    expect(typeof dawn.globals).toBe('object');
  });
});
