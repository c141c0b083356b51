/**
 * The demo page in headless Chromium (Debian's `chromium`, installed by .ci/run): on cpu and wasm — and webgpu where
 * the browser offers an adapter — its numbers render and match a Node run of the same code with the same seed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@lemma/gpu-kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoNumbers, type DemoNumbers } from '../web/src/demo-core';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '../web');
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!chromium && process.env.CI) throw new Error('CI: chromium is required for the demo-page test (.ci/run installs it)');
const STEPS = 120;

describe.skipIf(!chromium)('demo page (headless Chromium)', () => {
  let server: Server;
  let base = '';
  let browser: import('puppeteer-core').Browser;
  beforeAll(async () => {
    const b = spawnSync(process.execPath, [join(webDir, 'build.mjs')], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };
    server = createServer((req, res) => {
      const path = join(webDir, 'dist', new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html'));
      if (!path.startsWith(join(webDir, 'dist')) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const puppeteer = await import('puppeteer-core');
    browser = await puppeteer.launch({
      executablePath: chromium!,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function pageNumbers(backend: string, steps = STEPS): Promise<DemoNumbers & { error?: string }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${base}?backend=${backend}&seed=3&steps=${steps}`);
      await page.waitForFunction(() => document.body.dataset.done === 'true' || document.body.dataset.error !== undefined, { timeout: 240_000 });
      const err = await page.evaluate(() => document.body.dataset.error);
      if (err) return { error: err } as DemoNumbers & { error: string };
      expect(errors).toEqual([]);
      // The canvases were drawn on: not all pixels blank.
      const inked = await page.evaluate(() =>
        ['ot', 'curves'].map((id) => {
          const c = document.getElementById(id) as HTMLCanvasElement;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
          return n;
        }),
      );
      expect(inked[0]).toBeGreaterThan(500);
      expect(inked[1]).toBeGreaterThan(200);
      return JSON.parse((await page.$eval('#numbers', (e) => e.textContent)) ?? '{}') as DemoNumbers;
    } finally {
      await page.close();
    }
  }

  for (const backend of ['cpu', 'wasm']) {
    it(`renders on ${backend} and matches Node on the same seed`, async () => {
      const web = await pageNumbers(backend);
      expect(web.error).toBeUndefined();
      expect(web.backend).toBe(backend);
      await selectBackend(backend as 'cpu' | 'wasm');
      const node = await demoNumbers(3, STEPS);
      expect(web.otConverged).toBe(true);
      expect(web.otIterations).toBe(node.otIterations);
      // Same float32 kernels in both (tfjs cpu in JS; the same .wasm binary): equal up to libm differences.
      expect(web.otTransportCost).toBeCloseTo(node.otTransportCost, 4);
      expect(Math.abs(web.adamwFinalRisk - node.adamwFinalRisk) / node.adamwFinalRisk).toBeLessThan(1e-3);
      expect(Math.abs(web.adanaFinalRisk - node.adanaFinalRisk) / node.adanaFinalRisk).toBeLessThan(1e-3);
    }, 300_000);
  }

  // Few steps (ADANA's log-time decay needs T > 30): without a GPU, Chromium's WebGPU runs on SwiftShader.
  it('runs on webgpu when the browser offers an adapter (else says why)', async () => {
    const web = await pageNumbers('webgpu', 40);
    if (web.error) {
      expect(web.error).toMatch(/webgpu/i);
      console.warn(`demo page: no WebGPU in this headless Chromium: ${web.error}`);
      return;
    }
    expect(web.backend).toBe('webgpu');
    expect(web.otConverged).toBe(true);
    expect(Number.isFinite(web.adanaFinalRisk)).toBe(true);
  }, 300_000);
});
