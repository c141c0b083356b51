import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { findVulkanDriver, findVulkanLoader, importGradients, importTensorflowNode, loadDawn, NO_ADAPTER_FIX, PLATFORM } from './platform';

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

  it.runIf(process.platform === 'linux')('findVulkanDriver reads VK_DRIVER_FILES when set (files or folders), else the icd.d folders', async () => {
    const saved = { VK_DRIVER_FILES: process.env.VK_DRIVER_FILES, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES, VK_ADD_DRIVER_FILES: process.env.VK_ADD_DRIVER_FILES };
    try {
      const dir = mkdtempSync(join(tmpdir(), 'lemma-icd-'));
      writeFileSync(join(dir, 'x_icd.json'), '{}');
      delete process.env.VK_ICD_FILENAMES;
      delete process.env.VK_ADD_DRIVER_FILES;
      process.env.VK_DRIVER_FILES = join(dir, 'x_icd.json');
      expect(await findVulkanDriver()).toBe(join(dir, 'x_icd.json'));
      process.env.VK_DRIVER_FILES = `${join(dir, 'missing.json')}:${dir}`;
      expect(await findVulkanDriver()).toBe(join(dir, 'x_icd.json'));
      // Set but naming nothing: the loader searches no further, so neither does this.
      process.env.VK_DRIVER_FILES = join(dir, 'missing.json');
      expect(await findVulkanDriver()).toBeUndefined();
      process.env.VK_ADD_DRIVER_FILES = dir;
      expect(await findVulkanDriver()).toBe(join(dir, 'x_icd.json'));
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
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
